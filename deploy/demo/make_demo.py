#!/usr/bin/env python3
"""Writes the demo municipality "Sydby Kommune" (fictional) as cti.v1.Event JSON lines.

Two files, loaded in this order by deploy/run.sh:
  demo.jsonl           everything an administrator or a sync would append (role system):
                       the organisation, hours, closure days, groups, routing, case
                       distribution, the hotline and two weeks of calendars;
  demo-director.jsonl  the changes that need a director's approval (TP-3.13, TP-4.7),
                       appended with role director as the approving director (e314).

Deterministic: the same bytes every run (fixed seed, fixed instants, fixed event_ids), so
loading it twice is idempotent. The first 371 events are those of the original demo, with
the same payloads, so a data directory loaded with the original demo accepts this one too.
Local times are Europe/Copenhagen, converted to UTC by the EU rule (demo_common.local).

The sections, in log order: demo_org (organisation), demo_hours (weekly hours),
demo_routing (groups, routing, distribution), demo_hours (dated changes), demo_routing
(hotline), demo_calendar (calendars); demo_hours writes the approvals to the second file.

Usage: make_demo.py [OUT_DIR]   (default: the folder of this script)
"""
import datetime as dt
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the demo files

import demo_calendar  # noqa: E402 (after the line above)
import demo_common  # noqa: E402
import demo_hours  # noqa: E402
import demo_org  # noqa: E402
import demo_routing  # noqa: E402
from demo_common import UTC, local, out, out_director  # noqa: E402


def build():
    unlisted = demo_org.build_original()
    org = demo_org.build_additions()
    demo_hours.build_weekly()
    demo_routing.build_groups(org)
    demo_routing.build_distribution()
    demo_hours.build_dated()
    demo_routing.build_hotline()
    demo_hours.build_approved(org.director_id)
    demo_calendar.build_on_purpose()
    demo_calendar.build_meetings(org)
    demo_calendar.build_random(org, unlisted)
    demo_calendar.flush()
    return org


def check():
    """Unique event_ids, occurred_at never going back within a file, and the Copenhagen
    conversion against the tz database where Python has one."""
    ids = set()
    for events in (out, out_director):
        last = None
        for e in events:
            assert e["event_id"] not in ids, e["event_id"]
            ids.add(e["event_id"])
            assert last is None or e["occurred_at"] >= last, e["event_id"]
            last = e["occurred_at"]
    try:
        from zoneinfo import ZoneInfo
        cph = ZoneInfo("Europe/Copenhagen")
    except Exception:  # no tz database: the EU rule alone
        return
    for y, mo, d, h, mi in ((2026, 11, 30, 8, 0), (2026, 12, 3, 12, 0), (2027, 3, 8, 8, 0),
                            (2027, 3, 28, 3, 0), (2027, 5, 1, 0, 0), (2026, 10, 25, 1, 59),
                            (2026, 10, 25, 3, 0), (2027, 7, 1, 12, 0)):
        want = dt.datetime(y, mo, d, h, mi, tzinfo=cph).astimezone(UTC)
        assert local(y, mo, d, h, mi) == want, (y, mo, d, h, mi)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    org = build()
    check()
    for name, events in (("demo.jsonl", out), ("demo-director.jsonl", out_director)):
        with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="\n") as f:
            for e in events:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
    entries = sum(1 for e in out if "entry_upserted" in e.get("calendar", {}))
    print("demo: %d + %d events, %d employees, %d units, %d groups, %d calendar entries; "
          "approving director %s" % (len(out), len(out_director), len(demo_common.employees),
                                     len(demo_common.units), len(demo_routing.groups), entries,
                                     org.director_id), file=sys.stderr)


if __name__ == "__main__":
    main()
