#!/usr/bin/env python3
"""Checks the demo files against the protos and against themselves, without protobuf.

1. Shape: every line of demo.jsonl and demo-director.jsonl is a cti.v1.Event in protobuf
   JSON with the .proto field names: known fields only, known enum values, at most one
   member of each oneof, exactly one payload and one change.
2. Order: every unit, employee and group is defined before an event refers to it, and
   occurred_at never goes back within a file; event_ids are unique.
3. Content: what issue 3 item 7 asks of the demo (every department has a default group,
   all four group strategies, three sick employees with a forwarding, ...).
4. Determinism: make_demo.py run again writes the same bytes.

Usage: check_demo.py [PROTO_DIR]   (default: proto/cti/v1 of this tree). Exit 1 on a finding.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["demo.jsonl", "demo-director.jsonl"]
problems = []


def fail(msg):
    problems.append(msg)


# ---------------------------------------------------------------------------------------
# The protos, read as text: messages (fields, oneofs) and enums.

def load_protos(proto_dir):
    messages, enums = {}, {}
    for name in sorted(os.listdir(proto_dir)):
        if not name.endswith(".proto"):
            continue
        src = open(os.path.join(proto_dir, name), encoding="utf-8").read()
        src = re.sub(r"//[^\n]*", "", src)
        tokens = re.findall(r"[A-Za-z_][\w.]*|\d+|[{};=<>,]", src)
        stack = []  # ("message"|"enum"|"oneof"|"other", name)
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t in ("message", "enum", "oneof", "service") and i + 2 < len(tokens) \
                    and tokens[i + 2] == "{":
                stack.append((t, tokens[i + 1]))
                if t == "message":
                    messages[tokens[i + 1]] = {"fields": {}, "oneofs": {}}
                elif t == "enum":
                    enums[tokens[i + 1]] = set()
                i += 3
                continue
            if t == "{":
                stack.append(("other", ""))
            elif t == "}":
                stack.pop()
            elif stack and stack[-1][0] == "enum" and i + 1 < len(tokens) and tokens[i + 1] == "=":
                enums[stack[-1][1]].add(t)
            elif stack and stack[-1][0] in ("message", "oneof") and i + 3 < len(tokens) \
                    and tokens[i + 2] == "=" and t not in ("option", "reserved"):
                repeated = i > 0 and tokens[i - 1] == "repeated"
                msg = next(n for k, n in reversed(stack) if k == "message")
                messages[msg]["fields"][tokens[i + 1]] = (t.split(".")[-1], repeated)
                if stack[-1][0] == "oneof":
                    messages[msg]["oneofs"].setdefault(stack[-1][1], set()).add(tokens[i + 1])
            i += 1
    return messages, enums


SCALARS = {"string": str, "bool": bool, "int32": int, "int64": int, "uint32": int,
           "uint64": int, "double": (int, float)}
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def check_value(where, type_name, value, messages, enums):
    if type_name == "Timestamp":
        if not (isinstance(value, str) and TIMESTAMP_RE.match(value)):
            fail("%s: not an RFC 3339 UTC timestamp: %r" % (where, value))
    elif type_name in SCALARS:
        if not isinstance(value, SCALARS[type_name]) or (
                type_name != "bool" and isinstance(value, bool)):
            fail("%s: expected %s, got %r" % (where, type_name, value))
    elif type_name in enums:
        if value not in enums[type_name]:
            fail("%s: %r is not a value of %s" % (where, value, type_name))
    elif type_name in messages:
        check_message(where, type_name, value, messages, enums)
    else:
        fail("%s: unknown type %s" % (where, type_name))


def check_message(where, type_name, obj, messages, enums):
    if not isinstance(obj, dict):
        fail("%s: expected a %s object" % (where, type_name))
        return
    spec = messages[type_name]
    for key, value in obj.items():
        if key not in spec["fields"]:
            fail("%s: %s has no field %r" % (where, type_name, key))
            continue
        field_type, repeated = spec["fields"][key]
        if repeated:
            if not isinstance(value, list):
                fail("%s.%s: expected a list" % (where, key))
                continue
            for n, v in enumerate(value):
                check_value("%s.%s[%d]" % (where, key, n), field_type, v, messages, enums)
        else:
            check_value("%s.%s" % (where, key), field_type, value, messages, enums)
    for oneof, members in spec["oneofs"].items():
        present = sorted(members & set(obj))
        if len(present) > 1:
            fail("%s: several members of oneof %s: %s" % (where, oneof, present))
        if oneof in ("payload", "change") and not present:
            fail("%s: no %s" % (where, oneof))


# ---------------------------------------------------------------------------------------
# Order and content.

def check_order(events_by_file):
    units, employees, groups, ids = set(), set(), set(), set()
    kinds = {}
    routing, strategies, sick, forwarded, entries = {}, set(), set(), set(), 0

    def need(where, what, known, value):
        if value and value not in known:
            fail("%s: %s %r is not defined before it" % (where, what, value))

    for name, events in events_by_file:
        last = ""
        for n, e in enumerate(events, 1):
            where = "%s:%d" % (name, n)
            if e["event_id"] in ids:
                fail("%s: event_id %s used twice" % (where, e["event_id"]))
            ids.add(e["event_id"])
            if e["occurred_at"] < last:
                fail("%s: occurred_at goes back" % where)
            last = e["occurred_at"]
            s, c = e.get("staff", {}), e.get("calendar", {})
            if "unit_defined" in s:
                u = s["unit_defined"]["unit"]
                need(where, "parent unit", units, u.get("parent_unit_id"))
                units.add(u["unit_id"])
                kinds[u["unit_id"]] = u["kind"]
            if "employee_hired" in s:
                m = s["employee_hired"]["employee"]
                need(where, "unit", units, m["unit_id"])
                employees.add(m["employee_id"])
            for key in ("employee_listing_changed", "phone_responsible_assigned"):
                if key in s:
                    need(where, "employee", employees, s[key]["employee_id"])
                    need(where, "unit", units, s[key].get("unit_id"))
            for key in ("hours_set", "hours_change_set"):
                if key in s:
                    need(where, "unit", units, s[key]["unit_id"])
            if "hours_change_set" in s:
                body = s["hours_change_set"]
                for kind in ("reduction", "unmanned"):
                    if kind in body:
                        if name != "demo-director.jsonl":
                            fail("%s: a %s must be appended by a director" % (where, kind))
                        need(where, "director", employees,
                             body[kind]["approval"]["director_employee_id"])
                        for d in body[kind].get("phone_desk_employee_ids", []):
                            need(where, "phone desk employee", employees, d)
            if "group_defined" in s:
                g = s["group_defined"]["group"]
                need(where, "unit", units, g["unit_id"])
                for m in g["members"]:
                    need(where, "member", employees, m["employee_id"])
                groups.add(g["group_id"])
                strategies.add(g["strategy"])
            if "unit_routing_set" in s:
                r = s["unit_routing_set"]
                need(where, "unit", units, r["unit_id"])
                need(where, "group", groups, r.get("default_group_id"))
                routing[r["unit_id"]] = r
            if "distribution_rules_set" in s:
                d = s["distribution_rules_set"]
                need(where, "unit", units, d["unit_id"])
                need(where, "fallback unit", units, d.get("fallback_unit_id"))
                for rule in d["rules"]:
                    for x in rule["employee_ids"]:
                        need(where, "caseworker", employees, x)
            if "hotline_set" in s:
                need(where, "unit", units, s["hotline_set"]["unit_id"])
                need(where, "group", groups, s["hotline_set"]["group_id"])
            for key in ("entry_upserted", "forwarding_set"):
                if key in c:
                    need(where, "employee", employees, c[key]["employee_id"])
            if "entry_upserted" in c:
                entries += 1
                if c["entry_upserted"]["kind"] == "ABSENCE_KIND_SICK":
                    sick.add(c["entry_upserted"]["employee_id"])
            if "forwarding_set" in c:
                f = c["forwarding_set"]
                dest = f["destination"]
                need(where, "forwarding target", employees, dest.get("employee_id"))
                need(where, "forwarding unit", units, dest.get("unit_id"))
                if f["condition"] == "FORWARDING_CONDITION_UNCONDITIONAL" and f["reason"] == "syg":
                    forwarded.add(f["employee_id"])

    departments = [u for u, k in kinds.items() if k == "UNIT_KIND_DEPARTMENT"]
    for u in departments:
        if not routing.get(u, {}).get("default_group_id"):
            fail("department %s has no default group" % u)
    if len([r for r in routing.values() if "restriction" in r]) < 1:
        fail("no restricted unit")
    if len(strategies) != 4:
        fail("group strategies used: %s (want all four)" % sorted(strategies))
    if len(sick & forwarded) < 3:
        fail("sick employees with a 'syg' forwarding: %s (want 3 or more)"
             % sorted(sick & forwarded))
    if not 300 <= entries <= 600:
        fail("%d calendar entries (want 300 to 600)" % entries)
    total = sum(len(ev) for _, ev in events_by_file)
    if total > 2000:
        fail("%d events (want at most about 2,000)" % total)
    print("check_demo: %d events, %d units (%d departments), %d employees, %d groups, "
          "%d calendar entries, sick with forwarding: %s"
          % (total, len(units), len(departments), len(employees), len(groups), entries,
             ", ".join(sorted(sick & forwarded))))


def main():
    proto_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "..", "..", "proto", "cti", "v1")
    messages, enums = load_protos(proto_dir)
    events_by_file = []
    for name in FILES:
        events = []
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                e = json.loads(line)
                check_message("%s:%d" % (name, n), "Event", e, messages, enums)
                events.append(e)
        events_by_file.append((name, events))
    if not problems:
        check_order(events_by_file)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(HERE, "make_demo.py"), tmp], check=True,
                       stderr=subprocess.DEVNULL)
        for name in FILES:
            if open(os.path.join(tmp, name), "rb").read() != \
                    open(os.path.join(HERE, name), "rb").read():
                fail("%s differs from what make_demo.py writes now (regenerate it)" % name)
    for p in problems[:50]:
        print("check_demo: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
