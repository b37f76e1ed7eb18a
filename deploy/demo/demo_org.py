"""The organisation of the demo (TP-5.1, TP-5.2): the original 25 departments and 310
employees, unchanged, then directors, secretaries, the emergency line, the duty social
worker, institution staff and the phone-responsible persons the original lacked."""
import datetime as dt
import types

from demo_common import (UTC, clock, employees, hire, out, phone_responsible, rng, staff,
                         staff_of, unit, units)

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


def build_original():
    """The original demo: 371 events with the same payloads and instants as before, so a
    data directory that holds them accepts this demo too. Answers the unlisted employee."""
    unit("reception", "UNIT_KIND_RECEPTION", "Receptionen", phone="+4573767676",
         email="reception@sydby.dk", tasks=["omstilling", "besked"])
    unit("direktion", "UNIT_KIND_STAFF_UNIT", "Direktionssekretariatet",
         phone="+4573767600", email="direktion@sydby.dk", tasks=["presse", "byråd"])

    phone_no = [7700]
    for adm_id, kind, adm_name, depts in ORG:
        unit(adm_id, kind, adm_name, phone="+457376%d" % phone_no[0], email=adm_id + "@sydby.dk")
        phone_no[0] += 10
        for dept_id, dept_name, tasks in depts:
            unit(dept_id, "UNIT_KIND_DEPARTMENT", dept_name, parent=adm_id, tasks=tasks,
                 phone="+457376%d" % phone_no[0], email=dept_id + "@sydby.dk")
            phone_no[0] += 10
            first = None
            for i in range(12):
                title = "Afdelingsleder" if i == 0 else rng.choice(
                    ["Sagsbehandler", "Konsulent", "Specialist", "Administrativ medarbejder"])
                eid = hire(dept_id, rng.sample(tasks, k=rng.randint(1, len(tasks))), title)
                first = first or eid
            phone_responsible(dept_id, first)

    unit("familie-boern", "UNIT_KIND_PROFESSIONAL_GROUP", "Børne- og ungerådgivere",
         parent="familie", tasks=["børnesag", "anbringelse"])
    for i in range(4):
        hire("familie-boern", ["børnesag", "anbringelse"], "Socialrådgiver")
    unit("skovbakkeskolen", "UNIT_KIND_DECENTRAL_INSTITUTION", "Skovbakkeskolen",
         parent="skole", tasks=["skole"], phone="+4573768100")
    unit("aaparken", "UNIT_KIND_DECENTRAL_INSTITUTION", "Plejecentret Åparken",
         parent="aeldre", tasks=["plejehjem"], phone="+4573768200")
    for i in range(6):
        hire("reception", ["omstilling", "besked"], "Receptionist")
    unlisted = employees[rng.randrange(len(employees))]  # TP-3.5 (e102)
    staff("demo:unlisted:" + unlisted,
          {"employee_listing_changed": {"employee_id": unlisted, "unlisted": True}})
    assert len(out) == 371 and clock.now == dt.datetime(2026, 1, 5, 13, 11, tzinfo=UTC)
    return unlisted


def build_additions():
    """Directors, new units and staff, phone-responsible persons (2026-01-06)."""
    clock.jump(dt.datetime(2026, 1, 6, 8, 0, tzinfo=UTC))

    director = {}
    for adm_id, _, _, _ in ORG:
        director[adm_id] = hire(adm_id, ["ledelse"], "Direktør")
    director_id = director["teknik-miljoe"]  # approves the reduction and the unmanned period

    for adm_id, _, _, _ in ORG:
        for i in range(2):
            hire(adm_id, ["sekretariat", "post"], "Sekretær")
        phone_responsible(adm_id, staff_of[adm_id][1])
    for i in range(2):
        hire("direktion", ["presse", "byråd"], "Direktionssekretær")
    phone_responsible("direktion", staff_of["direktion"][0])

    unit("akut-social", "UNIT_KIND_DEPARTMENT", "Akuttelefon, Social og Sundhed",
         parent="social-sundhed", tasks=["akuttelefon", "akut hjælp", "vagttelefon"],
         phone="+4573767999", email="akut@sydby.dk")
    for title in [
            "Vagtleder", "Sygeplejerske", "Sygeplejerske", "Socialrådgiver", "Socialrådgiver"]:
        hire("akut-social", ["akuttelefon", "akut hjælp"], title)
    phone_responsible("akut-social", staff_of["akut-social"][0])

    # The duty social worker of Familieafdelingen: the only one calls may go to (TP-5.1).
    duty_extension = "4900"
    duty_worker = hire("familie", ["underretning", "akut børnesag"], "Vagtsocialrådgiver",
                       extension=duty_extension)

    hire("skovbakkeskolen", ["skole", "skoleindskrivning"], "Skoleleder")
    hire("skovbakkeskolen", ["skole", "sygemelding af elever"], "Skolesekretær")
    phone_responsible("skovbakkeskolen", staff_of["skovbakkeskolen"][1])
    hire("aaparken", ["plejehjem", "pårørende"], "Plejecenterleder")
    hire("aaparken", ["plejehjem", "medicin"], "Sygeplejerske")
    phone_responsible("aaparken", staff_of["aaparken"][0])
    phone_responsible("reception", staff_of["reception"][0])
    phone_responsible("familie-boern", staff_of["familie-boern"][0])

    # Skat og Opkrævning also answers for the yearly tax statement (the hotline's task).
    u = dict(units["opkraevning"])
    u["tasks"] = u["tasks"] + ["årsopgørelse"]
    unit("opkraevning", "UNIT_KIND_DEPARTMENT", u["name"], parent=u["parent_unit_id"],
         tasks=u["tasks"], phone=u["phone_number"], email=u["email"],
         eid="demo:unit:opkraevning:v2")
    return types.SimpleNamespace(director=director, director_id=director_id,
                                 duty_worker=duty_worker, duty_extension=duty_extension)
