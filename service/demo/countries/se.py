"""The Umeå demo: a municipality's labour-market unit running Swedish for immigrants with a trade,
care-assistant training and a youth project. The organisation, employers and people are invented;
the people are Swedish, Sámi, and Somali, Syrian, Afghan, Eritrean and Polish newcomers, with the
documents each would carry (personnummer, samordningsnummer, passports, UNHCR numbers) or none yet.
"""

from __future__ import annotations

import random
from datetime import date

from service.demo import numbers
from service.demo.countries.common import namesake_and_duplicate, origin_and_kind, passport

SLUG = "umea-demo"
ORGANISATION = {"slug": SLUG, "name": "Umeå kommun, Arbetsmarknadsenheten", "country": "SE", "locale": "sv",
                "reach_target": 400}
ORGANISATION_SETTINGS = {"share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.5}]}
USERS = {role: f"{role}@umea-demo.example.org" for role in ("admin", "caseworker", "manager", "employer")}
TRAINEES = 200

PROJECTS = [
    {"code": "SFIY", "name": "SFI med yrkessvenska",
     "description": "Svenska för invandrare kombinerat med yrkesutbildning och praktik: kock, lokalvård och lager.",
     "starts_on": "2025-01-13", "ends_on": "2027-06-30", "reach_target": 160,
     "share_targets": [{"dimension": "vulnerable_group", "value": "migrant", "min_share": 0.9}],
     "priority_groups": ["migrant", "refugee", "women"]},
    {"code": "VARD", "name": "Vård- och omsorgsutbildning",
     "description": "Undersköterska och vårdbiträde: kommunal vuxenutbildning med arbetsplatsförlagt lärande "
                    "i äldreomsorgen.",
     "starts_on": "2025-02-03", "ends_on": "2027-06-30", "reach_target": 140,
     "share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.6}],
     "priority_groups": ["women", "migrant"]},
    {"code": "UNGA", "name": "Unga i arbete",
     "description": "Coachning, praktik och korta utbildningar för unga 16-29 år som varken arbetar eller studerar.",
     "starts_on": "2025-03-03", "ends_on": "2027-03-31", "reach_target": 100,
     "share_targets": [{"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.6}],
     "priority_groups": ["youth", "neet"]},
]

COHORTS = {
    "SFIY": [
        {"name": "Kock med SFI, vår 2025", "occupation": "5120", "starts_on": "2025-01-20", "ends_on": "2025-06-13",
         "capacity": 16, "district": "Centrum"},
        {"name": "Lokalvård med SFI, höst 2025", "occupation": "9112", "starts_on": "2025-08-25",
         "ends_on": "2025-12-19", "capacity": 16, "district": "Ålidhem"},
        {"name": "Lager och logistik med SFI, vår 2026", "occupation": "4321", "starts_on": "2026-01-19",
         "ends_on": "2026-06-12", "capacity": 16, "district": "Ersboda"},
        {"name": "Kock med SFI, höst 2026", "occupation": "5120", "starts_on": "2026-08-24", "ends_on": "2027-01-22",
         "capacity": 16, "district": "Centrum"},
    ],
    "VARD": [
        {"name": "Undersköterska, vår 2025", "occupation": "5321", "starts_on": "2025-02-10", "ends_on": "2025-12-19",
         "capacity": 20, "district": "Mariehem"},
        {"name": "Vårdbiträde, höst 2025", "occupation": "5322", "starts_on": "2025-08-18", "ends_on": "2026-01-23",
         "capacity": 18, "district": "Teg"},
        {"name": "Undersköterska, höst 2026", "occupation": "5321", "starts_on": "2026-08-17",
         "ends_on": "2027-06-11", "capacity": 20, "district": "Mariehem"},
    ],
    "UNGA": [
        {"name": "Butik och handel, vår 2025", "occupation": "5223", "starts_on": "2025-03-10",
         "ends_on": "2025-06-13", "capacity": 14, "district": "Haga"},
        {"name": "Restaurangbiträde, höst 2025", "occupation": "9412", "starts_on": "2025-09-08",
         "ends_on": "2025-12-12", "capacity": 14, "district": "Holmsund"},
        {"name": "Butik och handel, vår 2026", "occupation": "5223", "starts_on": "2026-02-02",
         "ends_on": "2026-05-29", "capacity": 14, "district": "Ersboda"},
        {"name": "Restaurangbiträde, höst 2026", "occupation": "9412", "starts_on": "2026-09-07",
         "ends_on": "2026-12-18", "capacity": 14, "district": "Sävar"},
    ],
}
ENTRY_EDUCATION = {"5321": "lower_secondary"}

PROFILES = {
    "SFIY": {"weight": 0.4, "female": 0.5, "ages": {(20, 29): 40, (30, 49): 50, (50, 60): 10}, "rural": 0.05,
             "minority": 0.0, "completion": 0.7, "admits": {"vulnerable_group": "migrant"}},
    "VARD": {"weight": 0.35, "female": 0.8, "ages": {(18, 24): 25, (25, 39): 50, (40, 58): 25}, "rural": 0.12,
             "minority": 0.0, "completion": 0.75, "admits": {}},
    "UNGA": {"weight": 0.25, "female": 0.45, "ages": {(16, 17): 15, (18, 24): 65, (25, 29): 20}, "rural": 0.15,
             "minority": 0.0, "completion": 0.65, "admits": {"max_age": 29}},
}
#: Where people come from, by project (the Sámi are also an Indigenous people of Sweden).
ORIGINS = {
    "SFIY": {"syrian": 30, "somali": 25, "afghan": 18, "eritrean": 15, "polish": 12},
    "VARD": {"swedish": 45, "somali": 15, "syrian": 12, "eritrean": 10, "afghan": 6, "sami": 7, "polish": 5},
    "UNGA": {"swedish": 55, "sami": 10, "somali": 12, "syrian": 10, "afghan": 8, "eritrean": 5},
}
MINORITY = "sami"
GROUP_SHARES = (("disability", 0.06),)
URBAN_DISTRICTS = ["Centrum", "Ålidhem", "Haga", "Teg", "Mariehem", "Ersboda", "Holmsund", "Tomtebo", "Västerslätt",
                   "Umedalen"]
RURAL_DISTRICTS = ["Sävar", "Hörnefors", "Obbola", "Tavelsjö", "Botsmark", "Röbäck", "Yttersjö"]
DROP_OUT_REASONS = {"found_job": 30, "family_care": 15, "lost_contact": 15, "moved_away": 15, "health": 10,
                    "other": 15}

NAMES = {
    "swedish": (["Anna", "Emma", "Maja", "Elin", "Sara", "Linnea", "Ida", "Johanna", "Frida", "Moa", "Ebba", "Wilma",
                 "Åsa", "Märta", "Ronja"],
                ["Erik", "Lars", "Oskar", "Johan", "Anders", "Viktor", "Emil", "Filip", "Gustav", "Måns", "Axel",
                 "Björn", "Linus", "Jonas"],
                ["Johansson", "Andersson", "Karlsson", "Nilsson", "Eriksson", "Lundmark", "Marklund", "Öberg",
                 "Bergström", "Lundgren", "Sjöberg", "Holmström", "Nordlund", "Hedlund", "Wikström", "Åström"]),
    "sami": (["Ánne", "Elle", "Máret", "Sunná", "Inga", "Risten", "Sara"],
             ["Ánte", "Niillas", "Jovnna", "Nils", "Mikkel", "Per-Anders"],
             ["Labba", "Kuhmunen", "Sarri", "Pavval", "Omma", "Länta", "Jannok", "Rimpi", "Baer"]),
    "somali": (["Hodan", "Fadumo", "Amina", "Ifrah", "Sahra", "Hibo", "Ayaan", "Nimco", "Khadra", "Deeqa"],
               ["Abdirahman", "Mohamed", "Abdullahi", "Ahmed", "Yusuf", "Liban", "Hassan", "Abdiaziz", "Said"],
               ["Mohamed", "Ali", "Hassan", "Abdi", "Farah", "Warsame", "Osman", "Omar", "Jama", "Aden"]),
    "syrian": (["Rama", "Rasha", "Hiba", "Lina", "Nour", "Yasmin", "Rania", "Layla", "Dima"],
               ["Mohammad", "Ahmad", "Omar", "Khaled", "Mahmoud", "Rami", "Tarek", "Samer", "Firas", "Yousef"],
               ["Al-Hassan", "Haddad", "Khalil", "Al-Ahmad", "Hamdan", "Darwish", "Al-Khatib", "Ibrahim", "Mansour",
                "Saleh"]),
    "afghan": (["Zahra", "Fatima", "Maryam", "Shabnam", "Mursal", "Parwana"],
               ["Ali", "Reza", "Mustafa", "Hamid", "Jawad", "Sayed"],
               ["Hosseini", "Rezaei", "Ahmadi", "Mohammadi", "Rahimi", "Sultani", "Karimi"]),
    "eritrean": (["Helen", "Selam", "Senait", "Yordanos", "Merhawit", "Ruta"],
                 ["Yonas", "Tesfay", "Daniel", "Filmon", "Mehari", "Biniam"],
                 ["Tesfamariam", "Ghebremedhin", "Haile", "Tekle", "Berhane", "Kidane"]),
    "polish": (["Agnieszka", "Katarzyna", "Magdalena", "Joanna"], ["Piotr", "Tomasz", "Marcin", "Paweł"],
               ["Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk"]),
}
CITIZENSHIP = {"swedish": "SE", "sami": "SE", "somali": "SO", "syrian": "SY", "afghan": "AF", "eritrean": "ER",
               "polish": "PL"}
#: Newcomers from outside the EU: which document the caseworker records (the residence permit brings a
#: personnummer once registered in the population register; until then a coordination number, the
#: passport, the UNHCR number of a resettled refugee, or nothing yet while asylum is pending).
NEWCOMER_DOCUMENTS = {"personnummer": 60, "samordningsnummer": 10, "passport": 10, "unhcr": 10, "none": 10}
REFUGEE_ORIGINS = ("syrian", "somali", "afghan", "eritrean")


#: The first people of a plan: each kind of newcomer's document once (see common.origin_and_kind).
SHOWCASE = [("somali", "unhcr"), ("syrian", "samordningsnummer"), ("afghan", "none"), ("eritrean", "passport")]


def identity(rng: random.Random, *, female: bool, project: str, birth_date: date, used: set[str], index: int = 0,
             **_) -> dict:
    origin, kind = origin_and_kind(rng, index, SHOWCASE, ORIGINS[project], NEWCOMER_DOCUMENTS)
    female_names, male_names, family_names = NAMES[origin]
    sex = "female" if female else "male"
    who = {"given_name": rng.choice(female_names if female else male_names), "family_name": rng.choice(family_names)}
    groups = set()
    if origin in ("swedish", "sami"):
        who["citizenship"] = "SE"
        documents = [_document(rng, "se_personnummer", birth_date, sex, used)]
        if origin == "sami":
            groups.add("sami")
    elif origin == "polish":  # an EU citizen working here: a coordination number and the passport
        who["citizenship"] = "PL"
        groups.add("migrant")
        documents = [_document(rng, "se_samordningsnummer", birth_date, sex, used),
                     passport(rng, "PL", used)]
    else:
        groups.add("migrant")
        if rng.random() < 0.7:
            groups.add("refugee")
        naturalised = rng.random() < 0.2 and index >= len(SHOWCASE)
        who["citizenship"] = "SE" if naturalised else CITIZENSHIP[origin]
        kind = "personnummer" if naturalised and index >= len(SHOWCASE) else kind
        if kind == "none":
            documents = []
            who["no_document_reason"] = "asylum_pending"
            groups.add("refugee")
        elif kind == "unhcr":
            documents = [{"type": "unhcr", "number": numbers.unique(used, lambda: numbers.unhcr(
                rng, rng.randint(2016, 2024)))}]
            groups.add("refugee")
        elif kind == "passport":
            documents = [passport(rng, CITIZENSHIP[origin], used)]
        else:
            documents = [_document(rng, f"se_{kind}", birth_date, sex, used)]
            if not naturalised and rng.random() < 0.3:  # the passport recorded too
                documents.append(passport(rng, CITIZENSHIP[origin], used))
    if documents:
        who["documents"] = documents
    who["vulnerable_groups"] = sorted(groups)
    return who


def _document(rng: random.Random, kind: str, birth_date: date, sex: str, used: set[str]) -> dict:
    make = numbers.personnummer if kind == "se_personnummer" else numbers.samordningsnummer
    return {"type": kind, "number": numbers.unique(used, lambda: make(rng, birth_date, sex))}


def phone(rng: random.Random) -> str:
    return f"+46 7{rng.choice('0236')} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def tax_number(rng: random.Random, employer: dict) -> str:
    return numbers.se_orgnr(rng, employer.get("form", "55"))


def special_people(rng: random.Random, people: list, used: set[str]) -> list:
    """A Finland-Swede with the same name and birth date as a Swedish participant (a Finnish passport:
    two people), and a Somali participant registered again with the passport she or he brought."""
    return namesake_and_duplicate(
        rng, people,
        namesake_of=lambda body: body["family_name"] in NAMES["swedish"][2],
        namesake=lambda r, body: {"citizenship": "FI", "vulnerable_groups": ["migrant"],
                                  "documents": [passport(r, "FI", used)]},
        duplicate_of=lambda body: body.get("citizenship") == "SO" and body["birth_date"] < "2004-01-01",
        duplicate=lambda r, body: {"citizenship": "SO", "birth_date": body["birth_date"][:4] + "-01-01"
                                   if body["birth_date"][5:] != "01-01" else body["birth_date"][:4] + "-07-01",
                                   "documents": [passport(r, "SO", used)]})


# --- The employer side -----------------------------------------------------------------------------------

EMPLOYERS = [
    {"name": "Umeälvens Restaurang AB", "sector": "I56.10", "district": "Centrum", "hires": {"5120": 3, "9412": 2}},
    {"name": "Holmsunds Hamnkök AB", "sector": "I56.10", "district": "Holmsund", "hires": {"5120": 2, "9412": 2}},
    {"name": "Ålidhems Äldreboende AB", "sector": "Q87.30", "district": "Ålidhem", "hires": {"5321": 3, "5322": 2}},
    {"name": "Tegs Hemtjänst AB", "sector": "Q88.10", "district": "Teg", "hires": {"5322": 3, "5321": 1}},
    {"name": "Sävar Omsorg ekonomisk förening", "sector": "Q87.30", "district": "Sävar",
     "hires": {"5321": 2, "5322": 2}, "form": "76"},
    {"name": "Västerbottens Städservice AB", "sector": "N81.21", "district": "Ersboda", "hires": {"9112": 3}},
    {"name": "Ersboda Lager & Logistik AB", "sector": "H52.10", "district": "Ersboda", "hires": {"4321": 3}},
    {"name": "Mariehems Livs AB", "sector": "G47.11", "district": "Mariehem", "hires": {"5223": 3, "4321": 1}},
    {"name": "Haga Handelshus AB", "sector": "G47.71", "district": "Haga", "hires": {"5223": 2}},
    {"name": "Nydala Kafé och Bageri AB", "sector": "I56.10", "district": "Tomtebo", "hires": {"9412": 2, "5120": 1}},
]
CURRENCY = "SEK"
APPRENTICESHIP_TITLE = " (lärlingsanställning)"
#: Monthly wages in SEK before tax, as the collective agreements' entry levels run (invented, plausible).
APPRENTICE_WAGE = (19_000, 23_000)
INFORMAL_WAGE = (18_000, 23_000)
RAISES = (500, 1000, 1500)
_CARE = {"permanent": 50, "fixed_term": 35, "seasonal": 15}
_TRADE = {"permanent": 55, "fixed_term": 30, "apprenticeship": 15}
OCCUPATIONS = {
    "5120": {"titles": ["Kock", "Kallskänka", "Kock, lunchrestaurang"], "wage": (26_000, 31_000), "hours": 40,
             "contracts": _TRADE},
    "9412": {"titles": ["Restaurangbiträde", "Diskare"], "wage": (24_000, 27_000), "hours": 40,
             "contracts": {"permanent": 40, "fixed_term": 40, "seasonal": 20}},
    "5321": {"titles": ["Undersköterska", "Undersköterska, natt"], "wage": (27_500, 32_000), "hours": 40,
             "contracts": _CARE},
    "5322": {"titles": ["Vårdbiträde i hemtjänsten", "Personlig assistent"], "wage": (25_500, 29_000), "hours": 40,
             "contracts": _CARE},
    "9112": {"titles": ["Lokalvårdare", "Städare"], "wage": (24_500, 27_500), "hours": 40,
             "contracts": {"permanent": 60, "fixed_term": 40}},
    "4321": {"titles": ["Lagerarbetare", "Truckförare, lager"], "wage": (26_000, 30_000), "hours": 40,
             "contracts": _TRADE},
    "5223": {"titles": ["Butiksmedarbetare", "Butikssäljare"], "wage": (24_500, 28_000), "hours": 40,
             "contracts": {"permanent": 45, "fixed_term": 40, "seasonal": 15}},
}
REFERRAL_NOTES = {"": 10, "Klar med kursen, kan börja direkt.": 3, "Kan arbeta kvällar och helger.": 2,
                  "Har B-körkort.": 1, "Vill gärna ha heltid.": 2, "Behöver stöd med svenskan på arbetsplatsen.": 1}
END_REASONS = {
    "permanent": {"resigned": 45, "dismissed": 10, "moved_away": 15, "health": 10, "business_closed": 5,
                  "other": 15},
    "fixed_term": {"contract_ended": 80, "resigned": 15, "other": 5},
    "seasonal": {"contract_ended": 90, "resigned": 5, "other": 5},
    "apprenticeship": {"contract_ended": 60, "resigned": 30, "other": 10},
}
