"""Routing rules of the demo (routing_rules.proto): ring and hunt groups with all four
strategies and every unit's default group (TP-4.8), one restricted unit (TP-5.1), case
distribution by CPR day, CPR last digit, address and surname with a version history
(TP-5.1, TP-5.2), and a hotline that ends by itself (TP-5.1)."""
import datetime as dt

from demo_common import (UTC, ascii_mail, clock, emp, ident, local, rng, staff, staff_of, text,
                         ts, units)
from demo_org import ORG

RING_ALL = "GROUP_STRATEGY_RING_ALL"
LINEAR = "GROUP_STRATEGY_HUNT_LINEAR"
ROUND_ROBIN = "GROUP_STRATEGY_HUNT_ROUND_ROBIN"
LEAST_RECENT = "GROUP_STRATEGY_HUNT_LEAST_RECENT"

# Every unit with employees gets a default group "<unit>-tlf" with this strategy.
STRATEGY = {
    "reception": RING_ALL, "direktion": LINEAR,
    "boern-unge": LINEAR, "social-sundhed": LINEAR, "jobcenter": LINEAR,
    "teknik-miljoe": LINEAR, "borgerservice-adm": LINEAR,
    "dagtilbud": RING_ALL, "skole": ROUND_ROBIN, "familie": LINEAR,
    "sundhedsplejen": RING_ALL, "ppr": LEAST_RECENT,
    "aeldre": ROUND_ROBIN, "hjemmehjaelp": RING_ALL, "handicap": LINEAR,
    "sundhed": LEAST_RECENT, "visitation": LINEAR, "akut-social": RING_ALL,
    "ydelse": ROUND_ROBIN, "virksomhed": LINEAR, "sygedagpenge": ROUND_ROBIN,
    "integration": LEAST_RECENT, "ungeindsats": RING_ALL,
    "byggesag": LINEAR, "vej-park": RING_ALL, "natur-miljoe": LINEAR, "plan": LINEAR,
    "affald": LEAST_RECENT,
    "borgerservice": LEAST_RECENT, "pas-koerekort": LEAST_RECENT, "ydelseskontor": ROUND_ROBIN,
    "opkraevning": LINEAR, "it": RING_ALL,
    "familie-boern": ROUND_ROBIN, "skovbakkeskolen": LINEAR, "aaparken": RING_ALL,
}
GROUP_NAME_SUFFIX = {RING_ALL: "ringegruppe", LINEAR: "telefonvagt",
                     ROUND_ROBIN: "telefonvagt (på skift)",
                     LEAST_RECENT: "telefonvagt (længst siden)"}
RESTRICTED_UNIT = "familie"
HOTLINE_ID = "aarsopgoerelse-2027"
HOTLINE_GROUP = "opkraevning-aarsopgoerelse"

groups = {}  # group id -> Group


def group(gid, name, unit_id, strategy, members, ring_seconds, member_seconds=None):
    assert unit_id in units and members
    ms = []
    for i, m in enumerate(members):
        assert m in emp, m
        gm = {"employee_id": m}
        if member_seconds and member_seconds[i]:
            gm["ring_seconds"] = member_seconds[i]
        ms.append(gm)
    g = {"group_id": ident(gid), "name": name, "unit_id": unit_id, "strategy": strategy,
         "members": ms, "ring_seconds": ring_seconds}
    groups[gid] = g
    staff("demo:group:" + gid, {"group_defined": {"group": g}})
    return gid


def build_groups(org):
    """Groups and unit routing (2026-01-08)."""
    clock.jump(dt.datetime(2026, 1, 8, 8, 0, tzinfo=UTC))
    # Members chosen on purpose (the examples in ROUTES.md rely on them); other units get
    # four of their employees (not the leader) in a fixed random order.
    members_of = {
        "reception": staff_of["reception"],
        "akut-social": staff_of["akut-social"],
        "ydelse": ["e127", "e122", "e124", "e131"],
        "byggesag": ["e186", "e183", "e185", "e189"],
        "sundhedsplejen": ["e039", "e040", "e041", "e047"],
        "ydelseskontor": ["e272", "e273", "e276", "e266"],
        "plan": ["e218", "e220", "e221"],
        "natur-miljoe": ["e206", "e208", "e213"],
        "familie": [org.duty_worker, "e026", "e028"],
        "borgerservice": None, "direktion": staff_of["direktion"],
    }
    for adm_id, _, _, _ in ORG:  # an administration's line: its two secretaries
        members_of[adm_id] = staff_of[adm_id][1:3]
    for inst in ("skovbakkeskolen", "aaparken", "familie-boern"):
        members_of[inst] = list(reversed(staff_of[inst]))

    default_group = {}
    for unit_id, strategy in STRATEGY.items():
        members = members_of.get(unit_id)
        if members is None:
            members = rng.sample(staff_of[unit_id][1:], 4)
        if strategy == RING_ALL:
            seconds, per_member = 25, None
        else:
            seconds = 20
            # The first member gets a little longer (the one who normally answers).
            per_member = [25] + [0] * (len(members) - 1)
        name = "%s, %s" % (units[unit_id]["name"], GROUP_NAME_SUFFIX[strategy])
        default_group[unit_id] = group(unit_id + "-tlf", name, unit_id, strategy, members,
                                       seconds, per_member)
    # The hotline's group (build_hotline), defined with the others.
    group(HOTLINE_GROUP, "Årsopgørelse, hotline", "opkraevning", LEAST_RECENT,
          ["e278", "e282", "e285", "e287", "e279"], 15)

    for unit_id in STRATEGY:
        routing = {"unit_id": unit_id, "default_group_id": default_group[unit_id]}
        if unit_id == RESTRICTED_UNIT:  # TP-5.1: calls only to the duty social worker
            routing["restriction"] = {"extension": org.duty_extension,
                                      "reason": "Kun vagtsocialrådgiveren modtager opkald"}
        staff("demo:routing:%s:v1" % unit_id, {"unit_routing_set": routing})


def distribution(unit_id, task, version, rules, fallback_unit=None, fallback_employee=None):
    for r in rules:
        for e in r["employee_ids"]:
            assert emp[e]["unit_id"] == unit_id, (e, unit_id)
    body = {"unit_id": unit_id, "task": task, "version": version, "rules": rules}
    if fallback_unit:
        body["fallback_unit_id"] = fallback_unit
    if fallback_employee:
        body["fallback_employee_id"] = fallback_employee
    staff("demo:distribution:%s:%s:v%d" % (unit_id, ascii_mail(task), version),
          {"distribution_rules_set": body})


def rule(kind, key_range, caseworkers, note=""):
    r = {kind: key_range, "employee_ids": caseworkers}
    if note:
        r["note"] = note
    return r


def cpr_day(a, b):
    return {"first_day": a, "last_day": b}


def street(name, a, b, side=None):
    r = {"street": name, "first_number": a, "last_number": b}
    if side:
        r["side"] = side
    return r


def build_distribution():
    """Case distribution: versions 1 (2026-01-09) and a version 2 (2026-08-03)."""
    clock.jump(dt.datetime(2026, 1, 9, 8, 0, tzinfo=UTC))
    # Kontanthjælp by day of birth: two teams at first (v1), three since August (v2).
    distribution("ydelse", "kontanthjælp", 1, [
        rule("cpr_day", cpr_day(1, 15), ["e122", "e124"], "hold 1"),
        rule("cpr_day", cpr_day(16, 31), ["e127", "e128"], "hold 2"),
    ], fallback_unit="ydelse")
    distribution("sygedagpenge", "sygedagpenge", 1, [
        rule("cpr_digits", {"digits": [0, 2, 4, 6, 8]}, ["e147", "e152"], "lige slutciffer"),
        rule("cpr_digits", {"digits": [1, 3, 5, 7, 9]}, ["e148", "e151"], "ulige slutciffer"),
    ], fallback_unit="sygedagpenge")
    distribution("byggesag", "byggetilladelse", 1, [
        rule("address", street("Vestergade", 1, 199, "STREET_SIDE_ODD"), ["e185", "e190"],
             "Vestergade, ulige numre"),
        rule("address", street("Vestergade", 2, 200, "STREET_SIDE_EVEN"), ["e186", "e187"],
             "Vestergade, lige numre"),
        rule("address", street("Nørregade", 1, 150), ["e187", "e186"], "Nørregade"),
        rule("address", street("Algade", 1, 99), ["e190", "e185"], "Algade 1-99"),
    ], fallback_unit="byggesag")
    distribution("ydelseskontor", "boligstøtte", 1, [
        rule("surname", {"first_letter": "A", "last_letter": "G"}, ["e268", "e271"], "A-G"),
        rule("surname", {"first_letter": "H", "last_letter": "N"}, ["e272", "e273"], "H-N"),
        rule("surname", {"first_letter": "O", "last_letter": "Å"}, ["e274", "e275"], "O-Å"),
    ], fallback_unit="ydelseskontor")

    clock.jump(dt.datetime(2026, 8, 3, 8, 0, tzinfo=UTC))
    distribution("ydelse", "kontanthjælp", 2, [
        rule("cpr_day", cpr_day(1, 10), ["e122", "e124"], "hold 1"),
        rule("cpr_day", cpr_day(11, 20), ["e127", "e128"], "hold 2"),
        rule("cpr_day", cpr_day(21, 31), ["e131", "e132"], "hold 3"),
    ], fallback_unit="ydelse")


def build_hotline():
    """The hotline for the yearly tax statements, announced 2026-11-20."""
    clock.jump(dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    staff("demo:hotline:" + HOTLINE_ID, {"hotline_set": {
        "hotline_id": ident(HOTLINE_ID), "task": "årsopgørelse", "unit_id": "opkraevning",
        "group_id": HOTLINE_GROUP, "phone_number": "+4573767650",
        "from": ts(local(2027, 3, 8, 8, 0)),
        "until": ts(local(2027, 5, 1, 0, 0)),  # the end of 30 April: it ends by itself
        "reason": text("Årsopgørelser udsendt 8. marts 2027")}})
