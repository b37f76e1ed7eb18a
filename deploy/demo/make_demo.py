#!/usr/bin/env python3
"""Writes the demo municipality "Sydby Kommune" (fictional) as cti.v1.Event JSON lines.

Deterministic: the same output every run (fixed seed, fixed instants), so loading it
twice is idempotent (same event_ids, same payloads). Usage: make_demo.py > demo.jsonl
"""
import json
import random
import sys

TENANT = "demo"
rng = random.Random(2008)

FIRST = ("Anna Mette Lone Hanne Susanne Karen Lene Pia Camilla Louise Maria Sofie Ida Line "
         "Signe Birgitte Tove Inge Jette Bodil Astrid Freja Maja Emma Ulla Sanne Rikke Helle "
         "Jens Peter Lars Søren Niels Henrik Thomas Morten Mads Rasmus Jesper Anders Bo "
         "Kasper Mikkel Ole Poul Torben Jørgen Frederik Mathias Asger Aske Øjvind Åge Bjørn").split()
LAST = ("Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen "
        "Jørgensen Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen "
        "Møller Mortensen Holm Lund Bæk Skov Due Friis Kjær Dam Østergaard Ågård Bjerre "
        "Lauridsen Vestergaard Frandsen Krogh Nørgaard Søgaard Damgaard Iversen Bach").split()

# administration id, kind, name, [(dept id, name, [tasks])]
ORG = [
    ("boern-unge", "UNIT_KIND_ADMINISTRATION", "Børn og Unge", [
        ("dagtilbud", "Dagtilbud", ["daginstitution", "pasningsgaranti", "dagpleje"]),
        ("skole", "Skoleafdelingen", ["skoleindskrivning", "skolebus", "specialundervisning"]),
        ("familie", "Familieafdelingen", ["underretning", "børnesag", "familiebehandling"]),
        ("sundhedsplejen", "Sundhedsplejen", ["sundhedspleje", "hjemmebesøg", "spædbørn"]),
        ("ppr", "Pædagogisk Psykologisk Rådgivning", ["ppr", "skolepsykolog", "talepædagog"]),
    ]),
    ("social-sundhed", "UNIT_KIND_ADMINISTRATION", "Social og Sundhed", [
        ("aeldre", "Ældreafdelingen", ["plejebolig", "ældrebolig", "madordning"]),
        ("hjemmehjaelp", "Hjemmehjælpen", ["hjemmehjælp", "praktisk hjælp", "personlig pleje"]),
        ("handicap", "Handicap og Psykiatri", ["bostøtte", "handicap", "psykiatri"]),
        ("sundhed", "Sundhedsafdelingen", ["forebyggelse", "rygestop", "genoptræning"]),
        ("visitation", "Visitationen", ["hjælpemidler", "visitation", "boligindretning"]),
    ]),
    ("jobcenter", "UNIT_KIND_ADMINISTRATION", "Jobcenter Sydby", [
        ("ydelse", "Ydelsesteamet", ["kontanthjælp", "uddannelseshjælp", "enkeltydelse"]),
        ("virksomhed", "Virksomhedsservice", ["løntilskud", "virksomhedspraktik", "rekruttering"]),
        ("sygedagpenge", "Sygedagpenge", ["sygedagpenge", "refusion", "fleksjob"]),
        ("integration", "Integration", ["integration", "danskuddannelse", "tolkning"]),
        ("ungeindsats", "Ungeindsatsen", ["uddannelsespålæg", "ungevejledning", "erhvervspraktik"]),
    ]),
    ("teknik-miljoe", "UNIT_KIND_ADMINISTRATION", "Teknik og Miljø", [
        ("byggesag", "Byggesagsafdelingen", ["byggetilladelse", "carport", "tilbygning"]),
        ("vej-park", "Vej og Park", ["vejarbejde", "snerydning", "gadelys"]),
        ("natur-miljoe", "Natur og Miljø", ["spildevand", "jordforurening", "naturbeskyttelse"]),
        ("plan", "Planafdelingen", ["lokalplan", "kommuneplan", "landzone"]),
        ("affald", "Affald og Genbrug", ["affald", "storskrald", "genbrugsplads"]),
    ]),
    ("borgerservice-adm", "UNIT_KIND_ADMINISTRATION", "Borgerservice og Administration", [
        ("borgerservice", "Borgerservice", ["flytning", "sygesikring", "digital post"]),
        ("pas-koerekort", "Pas og Kørekort", ["pas", "kørekort", "nemid"]),
        ("ydelseskontor", "Boligstøtte og Pension", ["boligstøtte", "folkepension", "førtidspension"]),
        ("opkraevning", "Skat og Opkrævning", ["ejendomsskat", "restance", "indbetaling"]),
        ("it", "IT og Digitalisering", ["it-support", "telefoni", "adgangskort"]),
    ]),
]

instant = [0]


def at():
    # Fixed instants, one minute apart, from 2026-01-05 07:00 UTC.
    t = instant[0]
    instant[0] += 1
    return "2026-01-05T%02d:%02d:00Z" % (7 + t // 60 % 10, t % 60)


def event(eid, staff):
    return {"eventId": eid, "tenant": TENANT, "occurredAt": at(), "staff": staff}


def unit(uid, kind, name, parent="", tasks=(), phone="", email=""):
    u = {"unitId": uid, "kind": kind, "name": name}
    if parent:
        u["parentUnitId"] = parent
    if tasks:
        u["tasks"] = list(tasks)
    if phone:
        u["phoneNumber"] = phone
    if email:
        u["email"] = email
    return event("demo:unit:" + uid, {"unitDefined": {"unit": u}})


def ascii_mail(s):
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "ae"), ("Ø", "oe"), ("Å", "aa")):
        s = s.replace(a, b)
    return s.lower()


out = []
out.append(unit("reception", "UNIT_KIND_RECEPTION", "Receptionen", phone="+4573767676",
                email="reception@sydby.dk", tasks=["omstilling", "besked"]))
out.append(unit("direktion", "UNIT_KIND_STAFF_UNIT", "Direktionssekretariatet",
                phone="+4573767600", email="direktion@sydby.dk", tasks=["presse", "byråd"]))
next_ext = [4000]
used_names = set()
employees = []


def hire(dept_id, tasks, title):
    while True:
        name = "%s %s" % (rng.choice(FIRST), rng.choice(LAST))
        if name not in used_names:
            used_names.add(name)
            break
    next_ext[0] += rng.randint(1, 3)
    ext = str(next_ext[0])
    eid = "e%03d" % (len(employees) + 1)
    emp = {"employeeId": eid, "fullName": name, "unitId": dept_id, "title": title,
           "extension": ext, "directNumber": "+457376" + ext,
           "email": ascii_mail(name.replace(" ", ".")) + "@sydby.dk",
           "tasks": tasks}
    employees.append(eid)
    out.append(event("demo:hire:" + eid, {"employeeHired": {"employee": emp}}))
    return eid


phone_no = [7700]
for adm_id, kind, adm_name, depts in ORG:
    out.append(unit(adm_id, kind, adm_name, phone="+457376%d" % phone_no[0],
                    email=adm_id + "@sydby.dk"))
    phone_no[0] += 10
    for dept_id, dept_name, tasks in depts:
        out.append(unit(dept_id, "UNIT_KIND_DEPARTMENT", dept_name, parent=adm_id, tasks=tasks,
                        phone="+457376%d" % phone_no[0], email=dept_id + "@sydby.dk"))
        phone_no[0] += 10
        first = None
        for i in range(12):
            title = "Afdelingsleder" if i == 0 else rng.choice(
                ["Sagsbehandler", "Konsulent", "Specialist", "Administrativ medarbejder"])
            eid = hire(dept_id, rng.sample(tasks, k=rng.randint(1, len(tasks))), title)
            first = first or eid
        out.append(event("demo:phone-responsible:" + dept_id,
                         {"phoneResponsibleAssigned": {"unitId": dept_id, "employeeId": first}}))

# A professional group, decentral institutions, reception staff, an unlisted employee.
out.append(unit("familie-boern", "UNIT_KIND_PROFESSIONAL_GROUP", "Børne- og ungerådgivere",
                parent="familie", tasks=["børnesag", "anbringelse"]))
for i in range(4):
    hire("familie-boern", ["børnesag", "anbringelse"], "Socialrådgiver")
out.append(unit("skovbakkeskolen", "UNIT_KIND_DECENTRAL_INSTITUTION", "Skovbakkeskolen",
                parent="skole", tasks=["skole"], phone="+4573768100"))
out.append(unit("aaparken", "UNIT_KIND_DECENTRAL_INSTITUTION", "Plejecentret Åparken",
                parent="aeldre", tasks=["plejehjem"], phone="+4573768200"))
for i in range(6):
    hire("reception", ["omstilling", "besked"], "Receptionist")
unlisted = employees[rng.randrange(len(employees))]
out.append(event("demo:unlisted:" + unlisted,
                 {"employeeListingChanged": {"employeeId": unlisted, "unlisted": True}}))

for e in out:
    print(json.dumps(e, ensure_ascii=False))
print("demo: %d events, %d employees" % (len(out), len(employees)), file=sys.stderr)
