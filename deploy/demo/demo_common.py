"""Shared state and builders of the demo generator (make_demo.py): fixed time, the event
lists, units and employees, and the checks every builder applies (ids, no CPR numbers).

Everything here is deterministic: one seeded random generator, instants fixed by code.
Builders append to `out` (demo.jsonl) or `out_director` (demo-director.jsonl) in call
order, which is the log order; the generator calls them in an order where each event
refers only to things defined before it.
"""
import datetime as dt
import random
import re

TENANT = "demo"
rng = random.Random(2008)
UTC = dt.timezone.utc

FIRST = ("Anna Mette Lone Hanne Susanne Karen Lene Pia Camilla Louise Maria Sofie Ida Line "
         "Signe Birgitte Tove Inge Jette Bodil Astrid Freja Maja Emma Ulla Sanne Rikke Helle "
         "Jens Peter Lars Søren Niels Henrik Thomas Morten Mads Rasmus Jesper Anders Bo "
         "Kasper Mikkel Ole Poul Torben Jørgen Frederik Mathias Asger Aske Øjvind Åge Bjørn").split()
LAST = ("Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen "
        "Jørgensen Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen "
        "Møller Mortensen Holm Lund Bæk Skov Due Friis Kjær Dam Østergaard Ågård Bjerre "
        "Lauridsen Vestergaard Frandsen Krogh Nørgaard Søgaard Damgaard Iversen Bach").split()

# ---------------------------------------------------------------------------------------
# Time: fixed instants only. Local wall-clock times are Europe/Copenhagen: CET (UTC+1),
# CEST (UTC+2) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
# of October (the EU rule, in force for every year this demo uses).


def last_sunday(year, month):
    if month == 12:
        last = dt.date(year, 12, 31)
    else:
        last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


def is_summer_time(utc):
    start = dt.datetime.combine(last_sunday(utc.year, 3), dt.time(1), UTC)
    end = dt.datetime.combine(last_sunday(utc.year, 10), dt.time(1), UTC)
    return start <= utc < end


def local(y, mo, d, h=0, mi=0):
    """The UTC instant the clock in Copenhagen shows y-mo-d h:mi (no times in the DST gaps)."""
    wall = dt.datetime(y, mo, d, h, mi, tzinfo=UTC)
    for offset in (2, 1):  # CEST first: the first occurrence of a repeated hour
        utc = wall - dt.timedelta(hours=offset)
        if is_summer_time(utc) == (offset == 2):
            return utc
    raise ValueError("no such local time: %s" % wall)


def ts(utc):
    assert utc.tzinfo is UTC and utc.second == 0 and utc.microsecond == 0
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """occurred_at for the next event: one minute apart, never going back."""

    def __init__(self, start):
        self.now = start

    def jump(self, to):
        assert to >= self.now, (to, self.now)
        self.now = to

    def tick(self):
        t = self.now
        self.now += dt.timedelta(minutes=1)
        return t


# The original demo's instants: one minute apart from 2026-01-05 07:00 UTC.
clock = Clock(dt.datetime(2026, 1, 5, 7, 0, tzinfo=UTC))

# ---------------------------------------------------------------------------------------
# Events.

ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
OPAQUE_RE = re.compile(r"^[!-~]{1,256}$")  # printable ASCII, no spaces
CPR_RE = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")

out = []           # demo.jsonl
out_director = []  # demo-director.jsonl


def ident(s):
    assert ID_RE.match(s), s
    return s


def opaque(s):
    assert OPAQUE_RE.match(s), s
    return s


def text(s):
    assert not CPR_RE.search(s), s  # TP-4.2: nothing that reads as a CPR number
    return s


def event(eid, family, payload, occurred=None, to=None):
    e = {"event_id": opaque(eid), "tenant": TENANT,
         "occurred_at": ts(occurred if occurred is not None else clock.tick()),
         family: payload}
    (out if to is None else to).append(e)
    return e


def staff(eid, change, occurred=None, to=None):
    return event(eid, "staff", change, occurred, to)


def unit(uid, kind, name, parent="", tasks=(), phone="", email="", eid=None):
    u = {"unit_id": ident(uid), "kind": kind, "name": name}
    if parent:
        u["parent_unit_id"] = parent
    if tasks:
        u["tasks"] = list(tasks)
    if phone:
        u["phone_number"] = phone
    if email:
        u["email"] = email
    units[uid] = u
    return staff(eid or "demo:unit:" + uid, {"unit_defined": {"unit": u}})


def ascii_mail(s):
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "ae"), ("Ø", "oe"), ("Å", "aa")):
        s = s.replace(a, b)
    return s.lower()


units = {}
next_ext = [4000]
used_names = set()
used_ext = set()
employees = []
emp = {}         # employee id -> record
staff_of = {}    # unit id -> employee ids in hire order (the first is the leader)


def hire(dept_id, tasks, title, extension=None):
    while True:
        name = "%s %s" % (rng.choice(FIRST), rng.choice(LAST))
        if name not in used_names:
            used_names.add(name)
            break
    if extension is None:
        next_ext[0] += rng.randint(1, 3)
        extension = str(next_ext[0])
    assert extension not in used_ext, extension
    used_ext.add(extension)
    eid = "e%03d" % (len(employees) + 1)
    rec = {"employee_id": eid, "full_name": name, "unit_id": dept_id, "title": title,
           "extension": extension, "direct_number": "+457376" + extension,
           "email": ascii_mail(name.replace(" ", ".")) + "@sydby.dk",
           "tasks": tasks}
    assert dept_id in units, dept_id
    employees.append(eid)
    emp[eid] = rec
    staff_of.setdefault(dept_id, []).append(eid)
    staff("demo:hire:" + eid, {"employee_hired": {"employee": rec}})
    return eid


def phone_responsible(unit_id, eid):
    staff("demo:phone-responsible:" + unit_id,
          {"phone_responsible_assigned": {"unit_id": unit_id, "employee_id": eid}})


def name_of(eid):
    return emp[eid]["full_name"]


# ---------------------------------------------------------------------------------------
# Hours and days.

MON, TUE, WED, THU, FRI, SAT, SUN = ("WEEKDAY_MONDAY", "WEEKDAY_TUESDAY", "WEEKDAY_WEDNESDAY",
                                     "WEEKDAY_THURSDAY", "WEEKDAY_FRIDAY", "WEEKDAY_SATURDAY",
                                     "WEEKDAY_SUNDAY")
WEEKDAYS = [MON, TUE, WED, THU, FRI]


def hm(s):
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def intervals(spec):
    """[(days, "08:00", "16:00"), ...] -> [OpenInterval, ...]"""
    result = []
    for days, open_, close in spec:
        for d in days:
            result.append({"day": d, "open_minute": hm(open_), "close_minute": hm(close)})
    return result


def day(y, m, d):
    """A cti.v1.LocalDate."""
    return {"year": y, "month": m, "day": d}


def at_day(d, h=0, m=0):
    """The UTC instant of h:m local time on the date d."""
    return local(d.year, d.month, d.day, h, m)


def dstr(d):
    return d.strftime("%Y-%m-%d")
