"""Hours of the demo (hours.proto): the municipality's defaults (TP-3.8, TP-3.9) and
closure days, units with their own weekly hours (TP-3.4, TP-3.10), a 24/7 emergency line,
dated extensions and a closure (TP-3.12), and the two changes a director approves: a
temporary reduction with a phone desk (TP-3.13) and an unmanned period (TP-4.7)."""
import datetime as dt

from demo_common import (FRI, MON, SAT, SUN, THU, TUE, UTC, WED, WEEKDAYS, clock, day, ident,
                         intervals, local, out_director, staff, text, ts)

PHONE, COUNTER = "HOURS_KIND_PHONE", "HOURS_KIND_COUNTER"
# The phone desk of Planafdelingen during its reduction, in the order to ring them.
REDUCTION_DESK = ["e219", "e223"]


def hours_set(unit_id, kind, spec, open_on_holidays=False):
    hours = {"intervals": intervals(spec)}
    if open_on_holidays:
        hours["open_on_holidays"] = True
    short = "phone" if kind == PHONE else "counter"
    staff("demo:hours:%s:%s" % (unit_id or "default", short),
          {"hours_set": {"unit_id": unit_id, "kind": kind, "hours": hours}})


def hours_change(unit_id, change_id, reason, kind, body, scope=None, to=None, occurred=None):
    change = {"unit_id": unit_id, "change_id": ident(change_id)}
    if scope:
        change["scope"] = scope
    change["reason"] = text(reason)
    change[kind] = body
    staff("demo:hours-change:%s:%s" % (unit_id, change_id), {"hours_change_set": change},
          occurred=occurred, to=to)


def build_weekly():
    """Weekly hours and closure days (2026-01-07)."""
    clock.jump(dt.datetime(2026, 1, 7, 8, 0, tzinfo=UTC))
    hours_set("", PHONE,  # TP-3.8
              [([MON, TUE, WED], "08:00", "16:00"), ([THU], "08:00", "17:00"),
               ([FRI], "08:00", "14:00")])
    hours_set("", COUNTER,  # TP-3.9
              [([MON, TUE, WED], "10:00", "15:00"), ([THU], "10:00", "17:00"),
               ([FRI], "10:00", "14:00")])
    staff("demo:closure-days:v1", {"closure_days_set": {
        "yearly": [{"month": 12, "day": 24, "name": "Juleaftensdag"},
                   {"month": 12, "day": 31, "name": "Nytårsaftensdag"},
                   {"month": 6, "day": 5, "name": "Grundlovsdag"}],
        "dated": [{"date": day(2027, 5, 7), "name": "Fredag efter Kristi himmelfart"}]}})
    # TP-3.10: the job centre's hours, agreed with its state partner; its departments
    # follow them.
    hours_set("jobcenter", PHONE,
              [([MON, TUE, WED, THU], "09:00", "15:00"), ([FRI], "09:00", "12:00")])
    hours_set("jobcenter", COUNTER,
              [([MON, TUE, WED, THU], "10:00", "14:00"), ([FRI], "10:00", "12:00")])
    # TP-3.4: field units with their own phone hours.
    hours_set("sundhedsplejen", PHONE, [(WEEKDAYS, "08:00", "09:30")])
    hours_set("hjemmehjaelp", PHONE, [(WEEKDAYS, "07:30", "09:00")])
    # The emergency line: around the clock, holidays and closure days included.
    hours_set("akut-social", PHONE,
              [([MON, TUE, WED, THU, FRI, SAT, SUN], "00:00", "24:00")], open_on_holidays=True)


def build_dated():
    """Dated changes that need no approval (2026-11-16)."""
    clock.jump(dt.datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    passports = {"first_day": day(2027, 3, 1), "last_day": day(2027, 5, 31),
                 "extra": intervals([([THU], "17:00", "18:00")])}
    hours_change("borgerservice", "pas-foraar-2027", "Udvidet åbningstid i passæsonen",
                 "extension", passports)
    hours_change("pas-koerekort", "pas-foraar-2027",
                 "Udvidet åbningstid i skranken i passæsonen", "extension", passports,
                 scope="HOURS_SCOPE_COUNTER")
    hours_change("borgerservice", "loerdag-2026-12-05", "Lørdagsåbent før jul", "extension",
                 {"first_day": day(2026, 12, 5), "last_day": day(2026, 12, 5),
                  "extra": intervals([([SAT], "10:00", "13:00")])})
    hours_change("byggesag", "flytning-2026-12", "Flytning", "closure",
                 {"first_day": day(2026, 12, 14), "last_day": day(2026, 12, 15)})


def build_approved(director_id):
    """The changes a director approves (TP-3.13, TP-4.7), to demo-director.jsonl: run.sh
    appends them with role director as `director_id`."""
    approved = dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    hours_change("plan", "reduktion-vinter-2026",
                 "Midlertidigt reduceret telefontid under kommuneplanrevisionen", "reduction",
                 {"first_day": day(2026, 12, 1), "last_day": day(2027, 3, 31),
                  "hours": intervals([([TUE, THU], "09:00", "12:00")]),
                  "approval": {"director_employee_id": director_id,
                               "approved_at": ts(approved)},
                  "coverage": "REDUCTION_COVERAGE_PHONE_DESK",
                  "phone_desk_employee_ids": REDUCTION_DESK},
                 to=out_director, occurred=approved + dt.timedelta(minutes=5))
    approved = dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    hours_change("natur-miljoe", "ubemandet-2026-12-03", "Temadag for hele afdelingen",
                 "unmanned",
                 {"start": ts(local(2026, 12, 3, 12, 0)), "end": ts(local(2026, 12, 3, 16, 0)),
                  "approval": {"director_employee_id": director_id,
                               "approved_at": ts(approved)}},
                 to=out_director, occurred=approved + dt.timedelta(minutes=5))
