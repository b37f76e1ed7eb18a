"""Calendars of the demo for Monday 2026-11-30 to Friday 2026-12-11 (TP-3.7, TP-4.2) and
forwarding (TP-4.4, TP-4.5): sickness with forwarding, an off-site health visitor,
holidays, courses, meetings, and everyday entries drawn with the fixed seed. Planned
entries are recorded on Monday 23 November, one minute apart; sickness and the day's
forwardings on the morning they happen."""
import datetime as dt

from demo_common import (at_day, clock, dstr, emp, employees, event, hm, local, opaque, rng,
                         staff_of, text, ts, units)
from demo_hours import REDUCTION_DESK
from demo_org import ORG

WINDOW = [dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(12)]
WORKDAYS = [d for d in WINDOW if d.weekday() < 5]
PLANNED = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone.utc)

# The instants of the examples in ROUTES.md, and the units they concern: no random entry
# of those units' employees covers them, so the answers there depend only on the entries
# made on purpose.
EXAMPLE_INSTANTS = [local(2026, 12, 1, 9, 0), local(2026, 12, 1, 10, 0), local(2026, 12, 1, 11, 0),
                    local(2026, 12, 2, 10, 0), local(2026, 12, 3, 13, 0),
                    local(2026, 12, 8, 10, 0)]
EXAMPLE_UNITS = {"reception", "ydelse", "sygedagpenge", "sundhedsplejen", "sundhed", "familie",
                 "plan", "natur-miljoe", "byggesag", "borgerservice", "akut-social",
                 "opkraevning", "ydelseskontor"}

SICK = [  # employee, first day, last day, the colleague the phone is forwarded to
    ("e127", dt.date(2026, 11, 30), dt.date(2026, 12, 2), "e128"),
    ("e186", dt.date(2026, 12, 1), dt.date(2026, 12, 4), "e185"),
    ("e272", dt.date(2026, 11, 30), dt.date(2026, 12, 4), "e273"),
    ("e308", dt.date(2026, 12, 1), dt.date(2026, 12, 1), "e305"),
    ("e040", dt.date(2026, 12, 7), dt.date(2026, 12, 9), "e041"),
]
OFF_SITE_VISITOR = "e039"

calendar = []  # (occurred_at, order, event_id, payload)


def cal(eid, occurred, change):
    calendar.append((occurred, len(calendar), eid, change))


def entry(employee, entry_id, kind, start, end, subject, tentative=False, occurred=None):
    assert employee in emp and start < end
    body = {"employee_id": employee, "entry_id": opaque(entry_id), "kind": "ABSENCE_KIND_" + kind,
            "show_as": "SHOW_AS_TENTATIVE" if tentative else "SHOW_AS_BUSY",
            "start": ts(start), "end": ts(end), "subject": text(subject)}
    cal("demo:cal:%s:%s" % (employee, entry_id), occurred or PLANNED,
        {"entry_upserted": body})


def forwarding(employee, fwd_id, condition, reason, to_employee=None, to_unit=None,
               to_number=None, valid_from=None, valid_until=None, occurred=None):
    assert employee in emp
    dest = {}
    if to_employee:
        assert to_employee in emp and to_employee != employee
        dest["employee_id"] = to_employee
    elif to_unit:
        assert to_unit in units
        dest["unit_id"] = to_unit
    else:
        dest["number"] = to_number
    body = {"employee_id": employee, "forwarding_id": opaque(fwd_id),
            "condition": "FORWARDING_CONDITION_" + condition, "destination": dest}
    if valid_from:
        body["valid_from"] = ts(valid_from)
    if valid_until:
        body["valid_until"] = ts(valid_until)
    body["reason"] = text(reason)
    cal("demo:fwd:%s:%s" % (employee, fwd_id), occurred or PLANNED, {"forwarding_set": body})


blocked = {}  # employee -> set of dates with a whole-day absence made on purpose


def block(employee, first, last):
    d = first
    while d <= last:
        blocked.setdefault(employee, set()).add(d)
        d += dt.timedelta(days=1)


def build_on_purpose():
    """The entries and forwardings the examples in ROUTES.md rely on."""
    # --- Sickness, each with an unconditional forwarding to a colleague (TP-4.5, TP-4.4).
    for who, first, last, colleague in SICK:
        reported = at_day(first, 7, 30)
        start, end = at_day(first, 8, 0), at_day(last + dt.timedelta(days=1))
        entry(who, "syg-" + dstr(first), "SICK", start, end, "Syg", occurred=reported)
        forwarding(who, "syg-" + dstr(first), "UNCONDITIONAL", "syg", to_employee=colleague,
                   valid_from=start, valid_until=end, occurred=reported + dt.timedelta(minutes=1))
        block(who, first, last)

    # --- The off-site health visitor: home visits every working day, mostly after the
    #     unit's phone hours (08:00-09:30); on 1 December from 08:30, with her phone
    #     forwarded to her mobile while she is out.
    for d in WORKDAYS:
        start = at_day(d, 8, 30) if d == dt.date(2026, 12, 1) else at_day(d, 9, 30)
        entry(OFF_SITE_VISITOR, "hjemmebesoeg-" + dstr(d), "OFF_SITE", start,
              at_day(d, 14, 30), "Hjemmebesøg")
    forwarding(OFF_SITE_VISITOR, "mobil-2026-12-01", "UNCONDITIONAL", "Hjemmebesøg, mobil",
               to_number="+4521436587", valid_from=local(2026, 12, 1, 8, 30),
               valid_until=local(2026, 12, 1, 14, 30),
               occurred=local(2026, 12, 1, 8, 25))
    for who, days in (("e042", [1, 3, 8]), ("e046", [2, 4, 9, 11])):
        for n in days:
            d = dt.date(2026, 12, n)
            entry(who, "hjemmebesoeg-" + dstr(d), "OFF_SITE", at_day(d, 10, 0), at_day(d, 13, 0),
                  "Hjemmebesøg")

    # --- Vacation: a caseworker with a stand-in in the rules (no forwarding), one forwarded
    #     to the department's line.
    entry("e131", "ferie-2026-12-07", "VACATION", at_day(dt.date(2026, 12, 7)),
          at_day(dt.date(2026, 12, 12)), "Ferie")
    block("e131", dt.date(2026, 12, 7), dt.date(2026, 12, 11))
    entry("e150", "ferie-2026-11-30", "VACATION", at_day(dt.date(2026, 11, 30)),
          at_day(dt.date(2026, 12, 5)), "Ferie")
    forwarding("e150", "ferie-2026-11-30", "UNCONDITIONAL", "ferie", to_unit="sygedagpenge",
               valid_from=at_day(dt.date(2026, 11, 30)), valid_until=at_day(dt.date(2026, 12, 5)))
    block("e150", dt.date(2026, 11, 30), dt.date(2026, 12, 4))

    # --- A tentative course in a group, and busy / no-answer forwardings (TP-4.4).
    entry("e276", "kursus-2026-12-01", "COURSE", local(2026, 12, 1, 9, 0),
          local(2026, 12, 1, 15, 0), "Kursus: Den gode telefonsamtale", tentative=True)
    block("e276", dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    forwarding("e181", "ikke-svar-dec", "NO_ANSWER", "Ved ikke-svar til Søren Thomsen",
               to_employee="e183", valid_from=at_day(dt.date(2026, 11, 30)),
               valid_until=at_day(dt.date(2026, 12, 12)))
    forwarding("e122", "optaget", "BUSY", "Ved optaget til Bodil Iversen", to_employee="e124")
    forwarding("e205", "ikke-svar", "NO_ANSWER", "Ved ikke-svar til afdelingen",
               to_unit="natur-miljoe")
    forwarding("e277", "optaget", "BUSY", "Ved optaget til afdelingen", to_unit="opkraevning")
    forwarding("e217", "ikke-svar", "NO_ANSWER", "Ved ikke-svar til Bo Bach", to_employee="e218")


def build_meetings(org):
    """Meetings of leaders, directors and whole departments."""
    # --- Meetings everyone in the organisation would have.
    leaders = [staff_of[d][0] for _, _, _, depts in ORG for d, _, _ in depts]
    leaders.append(staff_of["akut-social"][0])
    for monday in (dt.date(2026, 11, 30), dt.date(2026, 12, 7)):
        for who in leaders:
            if monday not in blocked.get(who, ()):
                entry(who, "ledermoede-" + dstr(monday), "MEETING", at_day(monday, 9, 0),
                      at_day(monday, 10, 30), "Ledermøde i forvaltningen")
    for wednesday in (dt.date(2026, 12, 2), dt.date(2026, 12, 9)):
        for who in org.director.values():
            entry(who, "direktionsmoede-" + dstr(wednesday), "MEETING", at_day(wednesday, 8, 30),
                  at_day(wednesday, 10, 0), "Direktionsmøde")
    DEPARTMENT_MEETINGS = [  # the whole department at once
        ("dagtilbud", dt.date(2026, 12, 2), "13:00", "14:00"),
        ("vej-park", dt.date(2026, 12, 8), "13:00", "14:00"),
        ("it", dt.date(2026, 12, 10), "09:00", "10:00"),
        ("aeldre", dt.date(2026, 12, 7), "13:00", "14:30"),
        ("skole", dt.date(2026, 12, 9), "10:30", "11:30"),
        ("affald", dt.date(2026, 12, 11), "09:00", "10:00"),
    ]
    for dept, d, a, b in DEPARTMENT_MEETINGS:
        for who in staff_of[dept]:
            if d not in blocked.get(who, ()):
                entry(who, "afdelingsmoede-" + dstr(d), "MEETING",
                      at_day(d, hm(a) // 60, hm(a) % 60), at_day(d, hm(b) // 60, hm(b) % 60),
                      "Afdelingsmøde")


MEETING_SUBJECTS = ["Teammøde", "Møde med borger", "Sagsgennemgang", "Supervision",
                    "Netværksmøde", "Møde med leverandør", "MUS-samtale", "Budgetmøde",
                    "Koordineringsmøde", "Møde på rådhuset", "Tværfagligt møde",
                    "Opfølgningsmøde", "Planlægningsmøde"]
COURSE_SUBJECTS = ["Kursus: Forvaltningsret", "Kursus: Den gode telefonsamtale",
                   "Kursus i Vejle: Digital forvaltning", "Førstehjælpskursus",
                   "Temadag om databeskyttelse", "Kursus: Klart sprog i breve"]
AWAY_SUBJECTS = ["Tandlæge", "Lægebesøg", "Afspadsering", "Ærinde i byen", "Fri"]
OFF_SITE_SUBJECTS = ["Besigtigelse", "Tilsyn ude", "Møde hos samarbejdspartner",
                     "Arbejder fra Jobcenter Syd"]


def covers_example(who, start, end):
    return (emp[who]["unit_id"] in EXAMPLE_UNITS and
            any(start <= t < end for t in EXAMPLE_INSTANTS))


def random_entry(who, n, kind, subjects, min_minutes, max_minutes, tentative_share,
                 whole_days=0):
    for _ in range(20):
        if whole_days:
            first = rng.choice(WORKDAYS[:len(WORKDAYS) - whole_days + 1])
            days = [first + dt.timedelta(days=i) for i in range(whole_days)]
            if any(d.weekday() >= 5 for d in days):
                continue
            if kind == "VACATION":  # whole days
                start, end = at_day(first), at_day(days[-1] + dt.timedelta(days=1))
            else:
                start, end = at_day(first, 8, 0), at_day(days[-1], 16, 0)
        else:
            d = rng.choice(WORKDAYS)
            days = [d]
            minute = rng.randrange(8 * 60, 15 * 60, 30)
            length = rng.randrange(min_minutes, max_minutes + 1, 30)
            start = at_day(d, minute // 60, minute % 60)
            end = start + dt.timedelta(minutes=length)
        if covers_example(who, start, end) or any(x in blocked.get(who, ()) for x in days):
            continue
        subject = rng.choice(subjects)
        entry(who, "%s-%s-%d" % (kind.lower().replace("_", "-"), dstr(days[0]), n), kind,
              start, end, subject, tentative=rng.random() < tentative_share)
        if whole_days:
            block(who, days[0], days[-1])
        if kind == "VACATION" and rng.random() < 0.5:  # TP-4.4: forwarded to the unit
            forwarding(who, "ferie-" + dstr(days[0]), "UNCONDITIONAL", "ferie",
                       to_unit=emp[who]["unit_id"], valid_from=start, valid_until=end)
        return


def build_random(org, unlisted):
    """Everyday entries for everyone not on purpose above, drawn with the fixed seed."""
    on_purpose = ({who for who, _, _, _ in SICK} |
                  {OFF_SITE_VISITOR, "e131", "e150", "e276", unlisted, org.duty_worker} |
                  set(REDUCTION_DESK))
    for who in employees:
        if who in on_purpose or emp[who]["title"] == "Direktør":
            continue
        r = rng.random()
        if r < 0.07:
            random_entry(who, 1, "VACATION", ["Ferie"], 0, 0, 0.0, whole_days=rng.randint(1, 5))
        elif r < 0.12:
            random_entry(who, 1, "COURSE", COURSE_SUBJECTS, 0, 0, 0.3, whole_days=rng.randint(1, 2))
        if rng.random() < 0.55:
            random_entry(who, 2, "MEETING", MEETING_SUBJECTS, 30, 120, 0.15)
        if rng.random() < 0.2:
            random_entry(who, 3, "MEETING", MEETING_SUBJECTS, 30, 90, 0.15)
        if rng.random() < 0.05:
            random_entry(who, 4, "AWAY", AWAY_SUBJECTS, 60, 120, 0.0)
        if emp[who]["unit_id"] in ("byggesag", "natur-miljoe", "vej-park") and rng.random() < 0.3:
            random_entry(who, 5, "OFF_SITE", OFF_SITE_SUBJECTS, 60, 180, 0.0)


def flush():
    """Appends the calendar events to demo.jsonl, ordered by occurred_at."""
    # Planned entries are recorded one minute apart from PLANNED on; the rest at their own
    # instants. Sorted by occurred_at (ties keep the order above).
    planned_minute = [0]
    timed = []
    for occurred, order, eid, change in calendar:
        if occurred is PLANNED:
            occurred = PLANNED + dt.timedelta(minutes=planned_minute[0])
            planned_minute[0] += 1
        timed.append((occurred, order, eid, change))
    timed.sort(key=lambda x: (x[0], x[1]))
    clock.jump(timed[0][0])
    for occurred, _, eid, change in timed:
        clock.jump(occurred)
        event(eid, "calendar", change, occurred=occurred)
