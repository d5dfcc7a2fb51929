"""The Guatemala City demo: a municipal social-development office running a youth employment project
and a women's entrepreneurship one. The organisation, employers and people are invented; the people are
ladino, Maya K'iche' and Kaqchikel, Garífuna, and Honduran, Salvadoran and Nicaraguan migrants, with the
CUI of their DPI (its department and municipality where the birth was registered), passports, UNHCR
numbers, or no document.
"""

from __future__ import annotations

import random
from datetime import date

from service.demo import numbers
from service.demo.countries.common import namesake_and_duplicate, origin_and_kind, passport, pick, two_surnames

SLUG = "guatemala-demo"
ORGANISATION = {"slug": SLUG, "name": "Municipalidad de Guatemala, Dirección de Desarrollo Social",
                "country": "GT", "locale": "es", "reach_target": 450}
ORGANISATION_SETTINGS = {"share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.6}]}
USERS = {role: f"{role}@guatemala-demo.example.org" for role in ("admin", "caseworker", "manager", "employer")}
TRAINEES = 200

PROJECTS = [
    {"code": "EMPJ", "name": "Empleo Juvenil Metropolitano",
     "description": "Formación técnica, habilidades para el empleo y pasantías para jóvenes de 16 a 29 años de "
                    "las zonas y municipios del área metropolitana.",
     "starts_on": "2025-01-13", "ends_on": "2027-06-30", "reach_target": 250,
     "share_targets": [{"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.6}],
     "priority_groups": ["youth", "neet"]},
    {"code": "MUJE", "name": "Mujeres Emprendedoras",
     "description": "Capacitación en oficios, gestión de pequeños negocios y acompañamiento para mujeres, con "
                    "grupos en idioma kaqchikel y k'iche'.",
     "starts_on": "2025-02-03", "ends_on": "2027-06-30", "reach_target": 200,
     "share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.95}],
     "priority_groups": ["women", "rural"]},
]

COHORTS = {
    "EMPJ": [
        {"name": "Cocina, primer semestre 2025", "occupation": "5120", "starts_on": "2025-01-20",
         "ends_on": "2025-05-30", "capacity": 20, "district": "Zona 1"},
        {"name": "Mecánica automotriz, 2025", "occupation": "7231", "starts_on": "2025-02-10", "ends_on": "2025-08-29",
         "capacity": 18, "district": "Zona 12"},
        {"name": "Atención al cliente bilingüe, segundo semestre 2025", "occupation": "4222",
         "starts_on": "2025-07-14", "ends_on": "2025-11-28", "capacity": 22, "district": "Zona 4"},
        {"name": "Soporte técnico en informática, 2026", "occupation": "3512", "starts_on": "2026-02-02",
         "ends_on": "2026-08-28", "capacity": 20, "district": "Zona 4"},
        {"name": "Ventas y atención en tienda, segundo semestre 2026", "occupation": "5223",
         "starts_on": "2026-07-13", "ends_on": "2026-11-27", "capacity": 20, "district": "Mixco"},
        {"name": "Cocina, primer semestre 2027", "occupation": "5120", "starts_on": "2027-01-18",
         "ends_on": "2027-05-28", "capacity": 20, "district": "Zona 18"},
    ],
    "MUJE": [
        {"name": "Panadería y repostería, 2025", "occupation": "7512", "starts_on": "2025-02-10",
         "ends_on": "2025-06-27", "capacity": 20, "district": "San Juan Sacatepéquez"},
        {"name": "Corte y confección, 2025", "occupation": "7531", "starts_on": "2025-07-07", "ends_on": "2025-11-21",
         "capacity": 18, "district": "Zona 18"},
        {"name": "Belleza y cosmetología, 2026", "occupation": "5141", "starts_on": "2026-02-09",
         "ends_on": "2026-06-26", "capacity": 18, "district": "Villa Nueva"},
        {"name": "Panadería y repostería, segundo semestre 2026", "occupation": "7512", "starts_on": "2026-07-06",
         "ends_on": "2026-11-20", "capacity": 20, "district": "San Raymundo"},
    ],
}
ENTRY_EDUCATION = {"3512": "upper_secondary", "4222": "lower_secondary"}

PROFILES = {
    "EMPJ": {"weight": 0.58, "female": 0.45, "ages": {(16, 17): 15, (18, 24): 65, (25, 29): 20}, "rural": 0.15,
             "minority": 0.0, "completion": 0.68, "admits": {"max_age": 29}},
    "MUJE": {"weight": 0.42, "female": 1.0, "ages": {(18, 24): 20, (25, 39): 55, (40, 58): 25}, "rural": 0.35,
             "minority": 0.0, "completion": 0.75, "admits": {"sex": "female"}},
}
ORIGINS = {
    "EMPJ": {"ladino": 58, "kaqchikel": 15, "kiche": 12, "garifuna": 3, "migrant": 12},
    "MUJE": {"ladino": 40, "kaqchikel": 28, "kiche": 22, "garifuna": 4, "migrant": 6},
}
MINORITY = "maya"
GROUP_SHARES = (("disability", 0.04),)
URBAN_DISTRICTS = ["Zona 1", "Zona 3", "Zona 5", "Zona 6", "Zona 7", "Zona 12", "Zona 18", "Zona 21", "Mixco",
                   "Villa Nueva"]
RURAL_DISTRICTS = ["San Juan Sacatepéquez", "San Raymundo", "Chuarrancho", "San Pedro Ayampuc", "Palencia",
                   "San José del Golfo"]
DROP_OUT_REASONS = {"found_job": 25, "family_care": 25, "lost_contact": 20, "moved_away": 15, "health": 5,
                    "other": 10}

_MAYA_GIVEN = (["Rosa", "Juana", "Manuela", "Tomasa", "Micaela", "Catarina", "Petrona", "Ixchel", "Sandra", "Marta"],
               ["Tomás", "Diego", "Sebastián", "Francisco", "Pedro", "Baltazar", "Gaspar", "Juan", "Domingo"])
NAMES = {
    "ladino": (["María José", "Ana Lucía", "Andrea", "Gabriela", "Karla", "Mónica", "Sofía", "Daniela", "Mariela",
                "Heidy", "Lesly", "Astrid"],
               ["José Luis", "Carlos", "Juan Pablo", "Luis Fernando", "Kevin", "Jorge", "Diego", "Byron", "Edwin",
                "Selvin", "Marvin", "Estuardo"],
               ["López", "García", "Pérez", "Hernández", "Morales", "González", "Rodríguez", "Castillo", "Ramírez",
                "Estrada", "Barrios", "Orellana", "Monterroso", "Cifuentes"]),
    "kiche": (*_MAYA_GIVEN, ["Tzoc", "Tzul", "Ixcoy", "Chox", "Batz", "Ajanel", "Tambriz", "Guarchaj", "Quiacaín",
                             "Chivalán", "Xiloj"]),
    "kaqchikel": (*_MAYA_GIVEN, ["Cúmez", "Xocop", "Sicajá", "Boror", "Sotz", "Chicol", "Otzoy", "Yool", "Cutzal",
                                 "Sipac", "Xicará", "Patzán"]),
    "garifuna": (["Yesenia", "Dilcia", "Mirna", "Sandra", "Wendy"], ["Cirilo", "Wilfredo", "Alfonso", "Marvin"],
                 ["Arzú", "Suazo", "Bernárdez", "Lambé", "Cayetano", "Palacios", "Güity", "Martínez"]),
    "migrant": (["Yeimi", "Dania", "Kenia", "Marlen", "Xiomara"], ["Wilmer", "Elvin", "Nelson", "Óscar", "Josué"],
                ["Rivas", "Maradiaga", "Zelaya", "Funes", "Mejía", "Portillo", "Aguilar", "Flores"]),
}
#: Where each people's births were registered: department (RENAP's codes, 01 Guatemala to 22 Jutiapa)
#: and, where known, the municipality (Livingston, Izabal: 18 02).
BIRTHPLACES = {"ladino": {(1, None): 70, (5, None): 8, (22, None): 7, (6, None): 7, (2, None): 8},
               "kiche": {(14, None): 50, (8, None): 30, (9, None): 20},
               "kaqchikel": {(4, None): 55, (3, None): 25, (1, 15): 20},
               "garifuna": {(18, 2): 80, (18, 1): 20}}
MIGRANT_CITIZENSHIPS = {"HN": 55, "SV": 30, "NI": 15}


#: What the people of each origin show: migrants a passport, UNHCR's number or (asylum pending) none;
#: Guatemalans their DPI's CUI, a few none (never given a DPI, or lost it and not yet replaced).
MIGRANT_DOCUMENTS = {"passport": 60, "unhcr": 25, "none": 15}
GUATEMALAN_DOCUMENTS = {"cui": 95, "none_held": 3, "lost_or_stolen": 2}
#: The first people of a plan: each kind of document once (see common.origin_and_kind).
SHOWCASE = [("migrant", "passport"), ("migrant", "unhcr"), ("kaqchikel", "none_held"), ("migrant", "none")]


def identity(rng: random.Random, *, female: bool, project: str, birth_date: date, used: set[str], index: int = 0,
             **_) -> dict:
    origin, kind = origin_and_kind(rng, index, SHOWCASE, ORIGINS[project], {"any": 1})
    if kind == "any":
        kind = pick(rng, MIGRANT_DOCUMENTS if origin == "migrant" else GUATEMALAN_DOCUMENTS)
    female_names, male_names, family_names = NAMES[origin]
    who = {"given_name": rng.choice(female_names if female else male_names),
           "family_name": two_surnames(rng, family_names)}
    groups = set()
    if origin == "migrant":
        country = pick(rng, MIGRANT_CITIZENSHIPS)
        who["citizenship"] = country
        groups.add("migrant")
        if kind == "passport":
            who["documents"] = [passport(rng, country, used)]
        elif kind == "unhcr":
            groups.add("refugee")
            who["documents"] = [{"type": "unhcr", "number": numbers.unique(
                used, lambda: numbers.unhcr(rng, rng.randint(2018, 2025)))}]
        else:
            groups.add("refugee")
            who["no_document_reason"] = "asylum_pending"
    else:
        who["citizenship"] = "GT"
        if origin in ("kiche", "kaqchikel"):
            groups.add("maya")
            if birth_date.year < 1975 and rng.random() < 0.3:
                groups.add("conflict_victim")
        elif origin == "garifuna":
            groups.add("garifuna")
        if kind != "cui":
            who["no_document_reason"] = kind
        else:
            department, municipality = pick(rng, BIRTHPLACES[origin])
            who["documents"] = [{"type": "gt_cui", "number": numbers.unique(
                used, lambda: numbers.cui(rng, department, municipality))}]
    who["vulnerable_groups"] = sorted(groups)
    return who


def phone(rng: random.Random) -> str:
    return f"+502 {rng.choice('345')}{rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def tax_number(rng: random.Random, employer: dict) -> str:
    return numbers.gt_nit(rng)


def special_people(rng: random.Random, people: list, used: set[str]) -> list:
    """A Salvadoran with the same names and birth date as a Guatemalan participant (a passport: two
    people), and a migrant registered again with the UNHCR number he or she got since."""
    return namesake_and_duplicate(
        rng, people,
        namesake_of=lambda body: body["family_name"].split()[0] in NAMES["ladino"][2] and "documents" in body,
        namesake=lambda r, body: {"citizenship": "SV", "vulnerable_groups": ["migrant"],
                                  "documents": [passport(r, "SV", used)]},
        duplicate_of=lambda body: body.get("citizenship") in MIGRANT_CITIZENSHIPS and body["birth_date"] < "2004",
        duplicate=lambda r, body: {"citizenship": body["citizenship"], "birth_date": _remembered(body["birth_date"]),
                                   "vulnerable_groups": sorted({*body["vulnerable_groups"], "refugee"}),
                                   "documents": [{"type": "unhcr", "number": numbers.unique(
                                       used, lambda: numbers.unhcr(r, 2025))}]})


def _remembered(birth_date: str) -> str:
    """The birth date someone without papers gives: the year, on 1 January (1 July if that is the real one)."""
    return birth_date[:4] + ("-07-01" if birth_date[5:] == "01-01" else "-01-01")


# --- The employer side -----------------------------------------------------------------------------------

EMPLOYERS = [
    {"name": "Comedor La Esquina Chapina", "sector": "I56.10", "district": "Zona 1", "hires": {"5120": 3}},
    {"name": "Restaurante El Portal de Mixco", "sector": "I56.10", "district": "Mixco", "hires": {"5120": 2}},
    {"name": "Servicios Automotrices El Trébol, S.A.", "sector": "G45.20", "district": "Zona 12",
     "hires": {"7231": 3}},
    {"name": "Contact Center Reforma Bilingüe, S.A.", "sector": "N82.20", "district": "Zona 4",
     "hires": {"4222": 3, "3512": 1}},
    {"name": "Soluciones Informáticas Cayalá, S.A.", "sector": "J62.09", "district": "Zona 16",
     "hires": {"3512": 3}},
    {"name": "Almacenes El Progreso Zona 1", "sector": "G47.71", "district": "Zona 1", "hires": {"5223": 3}},
    {"name": "Panadería La Espiga de San Juan", "sector": "C10.71", "district": "San Juan Sacatepéquez",
     "hires": {"7512": 3}},
    {"name": "Textiles y Confecciones Atlántida, S.A.", "sector": "C14.13", "district": "Zona 18",
     "hires": {"7531": 3}},
    {"name": "Salón de Belleza Ixchel", "sector": "S96.02", "district": "Villa Nueva", "hires": {"5141": 3}},
    {"name": "Pastelería Santa Clara", "sector": "C10.71", "district": "Zona 7", "hires": {"7512": 2, "5223": 1}},
]
CURRENCY = "GTQ"
APPRENTICESHIP_TITLE = " (aprendiz)"
#: Monthly wages in GTQ (invented, around Guatemala City's non-agricultural minimum wage and above it).
APPRENTICE_WAGE = (3_000, 3_500)
INFORMAL_WAGE = (2_250, 3_250)
RAISES = (100, 200, 300)
_TRADE = {"permanent": 55, "fixed_term": 25, "apprenticeship": 20}
_SHOP = {"permanent": 60, "fixed_term": 40}
OCCUPATIONS = {
    "5120": {"titles": ["Cocinero(a)", "Auxiliar de cocina"], "wage": (3_750, 4_750), "hours": 48,
             "contracts": {"permanent": 55, "fixed_term": 30, "seasonal": 15}},
    "7231": {"titles": ["Mecánico automotriz", "Ayudante de mecánica"], "wage": (3_750, 5_250), "hours": 48,
             "contracts": _TRADE},
    "4222": {"titles": ["Agente de servicio al cliente bilingüe", "Agente de call center"],
             "wage": (5_000, 7_500), "hours": 45, "contracts": _SHOP},
    "3512": {"titles": ["Técnico de soporte informático", "Técnico de mesa de ayuda"], "wage": (4_500, 6_500),
             "hours": 44, "contracts": _TRADE},
    "5223": {"titles": ["Vendedor(a) de mostrador", "Dependiente de tienda"], "wage": (3_750, 4_500), "hours": 48,
             "contracts": {"permanent": 45, "fixed_term": 35, "seasonal": 20}},
    "7512": {"titles": ["Panadero(a)", "Ayudante de repostería"], "wage": (3_500, 4_500), "hours": 48,
             "contracts": _TRADE},
    "7531": {"titles": ["Operaria de confección", "Costurera"], "wage": (3_500, 4_250), "hours": 48,
             "contracts": _SHOP},
    "5141": {"titles": ["Estilista", "Auxiliar de salón de belleza"], "wage": (3_500, 4_500), "hours": 44,
             "contracts": _TRADE},
}
REFERRAL_NOTES = {"": 10, "Terminó el curso, puede empezar de inmediato.": 3, "Habla kaqchikel y español.": 1,
                  "Disponible para turnos rotativos.": 2, "Necesita horario que le permita cuidar a sus hijos.": 1,
                  "Muy buena en las prácticas, la instructora la recomienda.": 2}
END_REASONS = {
    "permanent": {"resigned": 40, "dismissed": 15, "moved_away": 15, "health": 5, "business_closed": 10,
                  "other": 15},
    "fixed_term": {"contract_ended": 80, "resigned": 15, "other": 5},
    "seasonal": {"contract_ended": 85, "resigned": 10, "other": 5},
    "apprenticeship": {"contract_ended": 60, "resigned": 30, "other": 10},
}
