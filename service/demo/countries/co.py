"""The Bogotá demo: a district employment agency running a youth employability project and one for
migrants' and returnees' employability. The organisation, employers and people are invented; the people
are Colombians (Afro-Colombian and Indigenous people among them, some displaced by the armed conflict) and
Venezuelans, with cédulas, tarjetas de identidad, cédulas de extranjería, PPT, Venezuelan passports,
UNHCR numbers, or no document.
"""

from __future__ import annotations

import random
from datetime import date

from service.demo import numbers
from service.demo.countries.common import namesake_and_duplicate, origin_and_kind, passport, pick, two_surnames

SLUG = "bogota-demo"
ORGANISATION = {"slug": SLUG, "name": "Agencia Distrital de Empleo de Bogotá", "country": "CO", "locale": "es",
                "reach_target": 500}
ORGANISATION_SETTINGS = {"share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.5}]}
USERS = {role: f"{role}@bogota-demo.example.org" for role in ("admin", "caseworker", "manager", "employer")}
TRAINEES = 200

PROJECTS = [
    {"code": "JOVE", "name": "Jóvenes con Empleo",
     "description": "Formación para el trabajo, orientación ocupacional y prácticas para jóvenes de 16 a 28 años "
                    "en las localidades del sur y occidente de la ciudad.",
     "starts_on": "2025-02-03", "ends_on": "2027-06-30", "reach_target": 280,
     "share_targets": [{"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.6}],
     "priority_groups": ["youth", "neet"]},
    {"code": "MIGR", "name": "Integración Laboral de Migrantes y Retornados",
     "description": "Orientación, certificación de competencias y colocación para población migrante de Venezuela "
                    "y colombianos retornados.",
     "starts_on": "2025-03-03", "ends_on": "2027-06-30", "reach_target": 220,
     "share_targets": [{"dimension": "vulnerable_group", "value": "migrant", "min_share": 0.7}],
     "priority_groups": ["migrant", "refugee", "women"]},
]

COHORTS = {
    "JOVE": [
        {"name": "Cocina, 2025-1", "occupation": "5120", "starts_on": "2025-02-10", "ends_on": "2025-06-20",
         "capacity": 20, "district": "Kennedy"},
        {"name": "Atención al cliente en contact center, 2025-2", "occupation": "4222", "starts_on": "2025-07-21",
         "ends_on": "2025-11-28", "capacity": 24, "district": "Teusaquillo"},
        {"name": "Soporte de sistemas, 2026-1", "occupation": "3512", "starts_on": "2026-02-02",
         "ends_on": "2026-07-31", "capacity": 20, "district": "Chapinero"},
        {"name": "Ventas y mercadeo, 2026-2", "occupation": "5223", "starts_on": "2026-07-27",
         "ends_on": "2026-11-27", "capacity": 20, "district": "Bosa"},
        {"name": "Cocina, 2027-1", "occupation": "5120", "starts_on": "2027-02-01", "ends_on": "2027-06-11",
         "capacity": 20, "district": "Suba"},
    ],
    "MIGR": [
        {"name": "Confección industrial, 2025-1", "occupation": "7531", "starts_on": "2025-03-10",
         "ends_on": "2025-07-18", "capacity": 20, "district": "Antonio Nariño"},
        {"name": "Mensajería y domicilios, 2025-2", "occupation": "9621", "starts_on": "2025-08-04",
         "ends_on": "2025-10-31", "capacity": 20, "district": "Los Mártires"},
        {"name": "Peluquería y barbería, 2026-1", "occupation": "5141", "starts_on": "2026-02-09",
         "ends_on": "2026-06-26", "capacity": 20, "district": "Kennedy"},
        {"name": "Atención al cliente en contact center, 2026-2", "occupation": "4222", "starts_on": "2026-08-03",
         "ends_on": "2026-12-11", "capacity": 22, "district": "Teusaquillo"},
    ],
}
ENTRY_EDUCATION = {"3512": "upper_secondary", "4222": "upper_secondary"}

PROFILES = {
    "JOVE": {"weight": 0.55, "female": 0.5, "ages": {(16, 17): 20, (18, 24): 65, (25, 28): 15}, "rural": 0.04,
             "minority": 0.0, "completion": 0.68, "admits": {"max_age": 28}},
    "MIGR": {"weight": 0.45, "female": 0.55, "ages": {(18, 24): 30, (25, 39): 50, (40, 55): 20}, "rural": 0.02,
             "minority": 0.0, "completion": 0.7, "admits": {"vulnerable_group": "migrant"}},
}
ORIGINS = {
    "JOVE": {"colombian": 64, "afro": 12, "indigenous": 4, "venezuelan": 20},
    "MIGR": {"venezuelan": 88, "returnee": 12},
}
MINORITY = "narp"
GROUP_SHARES = (("disability", 0.04),)
URBAN_DISTRICTS = ["Kennedy", "Bosa", "Suba", "Engativá", "Ciudad Bolívar", "Usme", "San Cristóbal", "Los Mártires",
                   "Santa Fe", "Rafael Uribe Uribe", "Fontibón", "Teusaquillo", "Chapinero", "Antonio Nariño"]
RURAL_DISTRICTS = ["Sumapaz", "Usme (zona rural)", "Ciudad Bolívar (zona rural)"]
DROP_OUT_REASONS = {"found_job": 30, "family_care": 15, "lost_contact": 25, "moved_away": 15, "health": 5,
                    "other": 10}

_SURNAMES = ["Rodríguez", "Gómez", "González", "Martínez", "García", "López", "Hernández", "Sánchez", "Ramírez",
             "Pérez", "Díaz", "Muñoz", "Rojas", "Moreno", "Jiménez", "Castro", "Vargas", "Ortiz"]
NAMES = {
    "colombian": (["Luz Marina", "María Camila", "Valentina", "Daniela", "Laura Sofía", "Paola Andrea", "Yuliana",
                   "Leidy Johana", "Diana Marcela", "Natalia", "Juliana"],
                  ["Juan David", "Andrés Felipe", "Jhon Fredy", "Santiago", "Cristian Camilo", "Brayan",
                   "Luis Alberto", "Jorge Eliécer", "Sebastián", "Duván", "Jhonatan"], _SURNAMES),
    "returnee": (["Luz Marina", "Gloria Patricia", "Sandra Milena", "Martha Lucía"],
                 ["José Gregorio", "Luis Alberto", "Carlos Arturo", "William"], _SURNAMES),
    "afro": (["Yirley", "Yesenia", "Luz Dary", "Ana Milena", "Yurany"], ["Yeison", "Wilmer", "Jhon Jairo", "Deiner"],
             ["Mosquera", "Palacios", "Córdoba", "Valencia", "Rentería", "Asprilla", "Murillo", "Hinestroza", "Mena",
              "Perea"]),
    "indigenous": (["Rosa Elena", "María Ruby", "Aida"], ["Jairo", "Ever", "Luis Ángel"],
                   ["Pito", "Ul", "Yatacué", "Tróchez", "Dogirama", "Bailarín", "Domicó", "Carupia"]),
    "venezuelan": (["Yorgelis", "Mariangel", "Yusmary", "Dayana", "Génesis", "Oriana", "Rosmary", "Yuleidys",
                    "Keyla"],
                   ["Yorman", "Jesús Alberto", "Luis Miguel", "Jhonder", "Eduardo José", "Wilmer", "Carlos Eduardo"],
                   ["González", "Rodríguez", "Pérez", "Hernández", "Rondón", "Guerrero", "Briceño", "Contreras",
                    "Quintero", "Parra", "Colmenares", "Uzcátegui", "Villegas"]),
}
#: Which document a Venezuelan shows the caseworker: most hold a PPT (Estatuto Temporal de Protección),
#: often beside the passport; residents a cédula de extranjería; asylum seekers UNHCR's number; some none.
VENEZUELAN_DOCUMENTS = {"ppt": 45, "ppt_and_passport": 20, "passport": 12, "co_ce": 8, "unhcr": 5, "none": 10}


#: The first people of a plan: each kind of Venezuelan's document once (see common.origin_and_kind).
SHOWCASE = [("venezuelan", "ppt_and_passport"), ("venezuelan", "co_ce"), ("venezuelan", "unhcr"),
            ("venezuelan", "none")]


def identity(rng: random.Random, *, female: bool, project: str, birth_date: date, used: set[str], age: int = 30,
             index: int = 0, **_) -> dict:
    origin, kind = origin_and_kind(rng, index, SHOWCASE, ORIGINS[project], VENEZUELAN_DOCUMENTS)
    female_names, male_names, family_names = NAMES[origin]
    sex = "female" if female else "male"
    who = {"given_name": rng.choice(female_names if female else male_names),
           "family_name": two_surnames(rng, family_names)}
    groups = set()
    if origin == "venezuelan":
        who["citizenship"] = "VE"
        groups.add("migrant")
        documents = []
        if kind.startswith("ppt"):
            documents.append({"type": "co_ppt", "number": numbers.unique(used, lambda: numbers.ppt(rng))})
        if kind.endswith("passport"):
            documents.append(passport(rng, "VE", used))
        if kind == "co_ce":
            documents.append({"type": "co_ce", "number": numbers.unique(
                used, lambda: numbers.cedula_de_extranjeria(rng))})
        if kind == "unhcr":
            groups.add("refugee")
            documents.append({"type": "unhcr", "number": numbers.unique(
                used, lambda: numbers.unhcr(rng, rng.randint(2019, 2025)))})
        if kind == "none":
            who["no_document_reason"] = pick(rng, {"none_held": 50, "lost_or_stolen": 35, "asylum_pending": 15})
        if documents:
            who["documents"] = documents
    else:
        who["citizenship"] = "CO"
        if origin == "afro":
            groups.add("narp")
        elif origin == "indigenous":
            groups.add("indigenous")
        if origin in ("afro", "indigenous") and rng.random() < 0.4 or rng.random() < 0.08:
            groups.add("conflict_victim")  # displaced to Bogotá, in the Registro Único de Víctimas
        if age < 18:
            number = numbers.unique(used, lambda: numbers.tarjeta_de_identidad(rng, birth_date))
            who["documents"] = [{"type": "co_ti", "number": number}]
        else:
            who["documents"] = [{"type": "co_cc", "number": numbers.unique(
                used, lambda: numbers.cedula(rng, birth_date, sex))}]
    who["vulnerable_groups"] = sorted(groups)
    return who


def phone(rng: random.Random) -> str:
    return f"+57 3{rng.randint(0, 2)}{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def tax_number(rng: random.Random, employer: dict) -> str:
    return numbers.co_nit(rng)


def special_people(rng: random.Random, people: list, used: set[str]) -> list:
    """A Venezuelan woman with a PPT whose name and birth date are a Colombian participant's (two people),
    and a Venezuelan registered again, with the birth date given from memory and the PPT received since."""
    return namesake_and_duplicate(
        rng, people,
        namesake_of=lambda body: body.get("citizenship") == "CO" and any(
            d["type"] == "co_cc" for d in body.get("documents", ())),
        namesake=lambda r, body: {"citizenship": "VE", "vulnerable_groups": ["migrant"], "documents": [
            {"type": "co_ppt", "number": numbers.unique(used, lambda: numbers.ppt(r))}]},
        duplicate_of=lambda body: body.get("citizenship") == "VE" and "no_document_reason" in body
        and body["birth_date"] < "2004",
        duplicate=lambda r, body: {"citizenship": "VE", "vulnerable_groups": body["vulnerable_groups"],
                                   "birth_date": body["birth_date"][:4] + ("-07-01" if body["birth_date"][5:] == "01-01"
                                                                           else "-01-01"),
                                   "documents": [{"type": "co_ppt", "number": numbers.unique(
                                       used, lambda: numbers.ppt(r))}]})


# --- The employer side -----------------------------------------------------------------------------------

EMPLOYERS = [
    {"name": "Restaurante Sabor Llanero Kennedy", "sector": "I56.10", "district": "Kennedy", "hires": {"5120": 3}},
    {"name": "Asadero Los Compadres de Bosa", "sector": "I56.10", "district": "Bosa", "hires": {"5120": 2}},
    {"name": "Contacto Total BPO S.A.S.", "sector": "N82.20", "district": "Teusaquillo", "hires": {"4222": 3}},
    {"name": "Soporte TI Andino S.A.S.", "sector": "J62.09", "district": "Chapinero", "hires": {"3512": 3, "4222": 1}},
    {"name": "Mensajería Rápida Capital S.A.S.", "sector": "H53.20", "district": "Los Mártires",
     "hires": {"9621": 3}},
    {"name": "Almacén La Economía de Suba", "sector": "G47.11", "district": "Suba", "hires": {"5223": 3}},
    {"name": "Confecciones Restrepo S.A.S.", "sector": "C14.13", "district": "Antonio Nariño", "hires": {"7531": 3}},
    {"name": "Peluquería y Barbería La Caribeña", "sector": "S96.02", "district": "Kennedy", "hires": {"5141": 3}},
    {"name": "Tiendas Sabana Engativá S.A.S.", "sector": "G47.71", "district": "Engativá",
     "hires": {"5223": 2, "9621": 1}},
]
CURRENCY = "COP"
APPRENTICESHIP_TITLE = " (contrato de aprendizaje SENA)"
#: Monthly wages in COP (invented; from the 2025 minimum wage, 1,423,500, up). A SENA apprentice is paid
#: a support payment of 75 % of the minimum wage in the school phase, the whole of it in the practical one.
APPRENTICE_WAGE = (1_067_750, 1_423_500)
INFORMAL_WAGE = (800_000, 1_300_000)
RAISES = (50_000, 100_000, 150_000)
_SHOP = {"permanent": 45, "fixed_term": 55}
_TRADE = {"permanent": 40, "fixed_term": 40, "apprenticeship": 20}
OCCUPATIONS = {
    "5120": {"titles": ["Auxiliar de cocina", "Cocinero(a)"], "wage": (1_425_000, 1_900_000), "hours": 46,
             "contracts": _TRADE},
    "4222": {"titles": ["Asesor(a) de contact center", "Agente de servicio al cliente"],
             "wage": (1_425_000, 2_200_000), "hours": 46, "contracts": _SHOP},
    "3512": {"titles": ["Técnico(a) de soporte de sistemas", "Auxiliar de mesa de ayuda"],
             "wage": (1_800_000, 2_800_000), "hours": 46, "contracts": _TRADE},
    "5223": {"titles": ["Vendedor(a) de almacén", "Impulsador(a)"], "wage": (1_425_000, 1_700_000), "hours": 46,
             "contracts": {"permanent": 35, "fixed_term": 45, "seasonal": 20}},
    "7531": {"titles": ["Operario(a) de máquina plana", "Operario(a) de confección"], "wage": (1_425_000, 1_650_000),
             "hours": 46, "contracts": _SHOP},
    "9621": {"titles": ["Mensajero(a) motorizado(a)", "Domiciliario(a)"], "wage": (1_425_000, 1_800_000),
             "hours": 46, "contracts": _SHOP},
    "5141": {"titles": ["Estilista", "Barbero(a)"], "wage": (1_425_000, 1_900_000), "hours": 46,
             "contracts": _TRADE},
}
REFERRAL_NOTES = {"": 10, "Terminó la formación, disponibilidad inmediata.": 3, "Tiene PPT vigente.": 2,
                  "Disponibilidad de fines de semana.": 2, "Tiene moto y licencia de conducción.": 1,
                  "Necesita horario compatible con el jardín infantil de su hijo.": 1}
END_REASONS = {
    "permanent": {"resigned": 45, "dismissed": 15, "moved_away": 15, "health": 5, "business_closed": 5,
                  "other": 15},
    "fixed_term": {"contract_ended": 75, "resigned": 20, "other": 5},
    "seasonal": {"contract_ended": 85, "resigned": 10, "other": 5},
    "apprenticeship": {"contract_ended": 60, "resigned": 30, "other": 10},
}
