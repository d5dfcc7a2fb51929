"""The records a caseworker's day starts from, in each language's own words: a project with a cohort, an
employer with an open vacancy and a user of its own, a person registered earlier (whom a new registration
may duplicate), and a person whose exit follow-up is overdue.

They are made through the API with the tenant's bearer tokens, as an integration would (the pages are what
the browser tests test); the live server's consumers are drained so the follow-ups exist.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import update

from service.bootstrap import Pathways
from service.clock import utcnow
from service.db.models import User
from service.demo import numbers
from service.domain.roles import Role
from tests import factories

CURRENCIES = {"TR": "TRY", "SE": "SEK", "CO": "COP"}
#: Mobile numbers as people there write them, with a last part the caller fills in.
PHONES = {"TR": "+90 532 555 {}", "SE": "+46 70 555 {}", "CO": "+57 310 555 {}"}


@dataclass(frozen=True)
class Words:
    """A language's names and places: what a caseworker there would type and read."""

    project: str
    cohort: str
    employer: str
    vacancy: str
    district: str
    #: (given, family) of the person registered earlier, and of the one the day registers.
    known: tuple[str, str]
    new: tuple[str, str]
    #: The known person's name as a caseworker might type it in the search box (another case, no accents).
    search: str
    #: The known person's name as the day registers it again: another spelling of the same person.
    again: tuple[str, str]
    overdue: tuple[str, str]


WORDS = {
    "en": Words("Kitchen skills", "Commis cooks, autumn", "Aegean Kitchen Ltd", "Commis cook", "Konak",
                ("Ayşe", "Yılmaz"), ("Şükrü", "Öztürk"), "ayse yilmaz", ("Ayse", "Yilmaz"), ("İbrahim", "Çelik")),
    "tr": Words("Mutfakta Meslek", "Aşçı yardımcıları, güz", "Ege Lokantası Ltd. Şti.", "Aşçı yardımcısı", "Bayraklı",
                ("Gülşen", "Kılıç"), ("Çağrı", "Şahin"), "GULSEN KILIC", ("Gulsen", "Kilic"), ("Ömer", "Doğan")),
    "sv": Words("Yrkessvenska kök", "Kockbiträden, hösten", "Västerbottens Kök AB", "Kockbiträde", "Ålidhem",
                ("Åsa", "Öberg"), ("Björn", "Ängström"), "asa oberg", ("Asa", "Oberg"), ("Märta", "Lindqvist")),
    "es": Words("Cocina con oficio", "Ayudantes de cocina, otoño", "Panadería La Ñapa S.A.S.", "Ayudante de cocina",
                "Usaquén", ("María José", "Peña"), ("Íñigo", "Muñoz"), "maria jose pena", ("Maria Jose", "Pena"),
                ("Begoña", "Ibáñez")),
}
KNOWN_BIRTH = date(1998, 5, 17)


@dataclass
class World:
    words: Words
    project: dict
    cohort: dict
    employer: dict
    vacancy: dict
    known: dict
    overdue: dict
    currency: str
    #: An admin's import of a small file, mapped and not started (the import page's preview).
    import_job: str = ""


def national_id(rng: random.Random, country: str, birth_date: date, sex: str) -> str:
    """A valid number of the country's primary identity document for a person born that day."""
    if country == "SE":
        return numbers.personnummer(rng, birth_date, sex)
    if country == "CO":
        return numbers.cedula(rng, birth_date, sex)
    base = f"{rng.randint(1, 9)}{rng.randrange(10 ** 8):08d}"
    from stdnum.tr import tckimlik
    return base + tckimlik.calc_check_digits(base)


def tax_number(rng: random.Random, country: str) -> str:
    if country == "SE":
        return numbers.se_orgnr(rng)
    if country == "CO":
        return numbers.co_nit(rng)
    from stdnum.tr import vkn
    base = f"{rng.randint(1, 9)}{rng.randrange(10 ** 8):08d}"
    return base + vkn.calc_check_digit(base)


def phone(country: str, last: str) -> str:
    return PHONES[country].format(last)


def person_body(words: Words, name: tuple[str, str], country: str, **overrides) -> dict:
    body = factories.trainee_body(given_name=name[0], family_name=name[1], district=words.district,
                                  birth_date=KNOWN_BIRTH.isoformat(), phone=phone(country, "01 02"),
                                  email=None, national_id=None)
    del body["national_id"]
    body.update(overrides)
    return body


def set_password(pathways: Pathways, user_id: uuid.UUID, password: str) -> None:
    """Give a user a web password, as `pathways users set-password` does for an operator."""
    from service.services import passwords

    with pathways.uow() as uow:
        uow.session.execute(update(User).where(User.id == user_id)
                            .values(password_hash=passwords.hash_password(password)))
        uow.commit()


def build(server, tenant) -> World:
    """The day's starting records in `tenant` (a WebTenant), and an employer user with the tenant's password."""
    from tests.api.helpers import ok, url

    rng = random.Random()
    words = WORDS[tenant.locale]
    client = server.app.test_client()
    admin, caseworker = tenant.headers[Role.ADMIN], tenant.headers[Role.CASEWORKER]
    today = utcnow().date()
    project = ok(client.post(url("/projects"), headers=admin, json=factories.project_body(
        name=words.project, starts_on=(today - timedelta(days=200)).isoformat(),
        ends_on=(today + timedelta(days=500)).isoformat())), 201)
    cohort = ok(client.post(url(f"/projects/{project['id']}/cohorts"), headers=admin, json=factories.cohort_body(
        name=words.cohort, district=words.district, starts_on=(today - timedelta(days=120)).isoformat(),
        ends_on=(today + timedelta(days=120)).isoformat())), 201)
    employer = ok(client.post(url("/employers"), headers=caseworker, json={
        "name": words.employer, "tax_number": tax_number(rng, tenant.country), "sector": "I56",
        "district": words.district}), 201)
    email = f"hr@{tenant.slug}.example"
    user = ok(client.post(url("/users"), headers=admin, json={
        "email": email, "role": "employer", "employer_id": employer["id"]}), 201)
    tenant.emails[Role.EMPLOYER] = email
    tenant.user_ids[Role.EMPLOYER] = uuid.UUID(user["id"])
    tenant.headers[Role.EMPLOYER] = {"Authorization": f"Bearer {user['token']}"}
    set_password(server.pathways, uuid.UUID(user["id"]), tenant.password)
    currency = CURRENCIES[tenant.country]
    vacancy = ok(client.post(url("/vacancies"), headers=tenant.headers[Role.EMPLOYER], json={
        "title": words.vacancy, "occupation": "5120", "positions": 2, "wage_monthly": "28500.00",
        "currency": currency, "contract_type": "permanent", "district": words.district,
        "closes_on": (today + timedelta(days=60)).isoformat()}), 201)
    # Registered earlier without a document: a registration with the same birth date and a name like it is
    # a likely duplicate (a national id could not tell them apart).
    known = ok(client.post(url("/trainees"), headers=caseworker, json=person_body(
        words, words.known, tenant.country, no_document_reason="lost_or_stolen")), 201)
    overdue = ok(client.post(url("/trainees"), headers=caseworker, json=person_body(
        words, words.overdue, tenant.country, sex="male", birth_date="1995-02-03",
        national_id=national_id(rng, tenant.country, date(1995, 2, 3), "male"))), 201)
    enrolled_on = today - timedelta(days=110)
    enrolment = ok(client.post(url("/enrolments"), headers=caseworker, json={
        "trainee_id": overdue["id"], "project_id": project["id"], "cohort_id": cohort["id"],
        "enrolled_on": enrolled_on.isoformat()}), 201)
    # Left 60 days ago: the exit checkpoint's four weeks are over, so it is overdue on the worklist.
    ok(client.post(url(f"/enrolments/{enrolment['id']}/complete"), headers=caseworker, json={
        "exited_on": (today - timedelta(days=60)).isoformat(), "qualification_gained": True}))
    server.drain()
    return World(words=words, project=project, cohort=cohort, employer=employer, vacancy=vacancy, known=known,
                 overdue=overdue, currency=currency, import_job=draft_import(server.pathways, tenant, words))


def draft_import(pathways: Pathways, tenant, words: Words) -> str:
    """An uploaded file with the known person again (a likely duplicate) and a row with a bad birth date."""
    from service.domain.roles import Principal
    from service.imports import jobs

    header = "given_name;family_name;no_document_reason;sex;birth_date;settlement_type;education_level;" \
             "labour_status;consent\n"
    rows = "".join(f"{given};{family};lost_or_stolen;female;{birth};urban;tertiary;unemployed;yes\n"
                   for (given, family), birth in ((words.known, KNOWN_BIRTH.isoformat()), (words.overdue, "17.05.98")))
    admin = Principal(tenant.user_ids[Role.ADMIN], tenant.organisation_id, Role.ADMIN)
    upload = jobs.read_upload("import.csv", (header + rows).encode(), country=tenant.country)
    return str(jobs.create(pathways, admin, "import.csv", upload))
