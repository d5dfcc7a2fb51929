"""The country demos (`pathways demo --country SE|GT|CO`) load beside İzmir's through the use cases on both
backends, obey the rules (documents, likely duplicates confirmed, a duplicate merged), reload safely, and
their people are found again by name and by number through the API."""

from __future__ import annotations

import json
import random
import unicodedata
import uuid
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from service import cli
from service.db.models import (Employer, Organisation, Placement, Project, Trainee, TraineeDistinction,
                               TraineeDocument, TraineeMerge, User, Vacancy)
from service.demo import data, generate, hiring, numbers
from service.demo import tokens as demo_tokens
from service.demo.countries import PROGRAMMES, programme
from service.demo.loader import CREATED, load_demo
from service.domain import countries, national_ids
from service.domain.documents.catalogue import document_type
from service.services import users
from tests.api.helpers import ok, url

TRAINEES = 40
SEED = 11
COUNTRIES = ("SE", "GT", "CO")
LOCALES = {"SE": ("sv", "SEK", "Europe/Stockholm", "umea-demo"), "GT": ("es", "GTQ", "America/Guatemala",
                                                                          "guatemala-demo"),
           "CO": ("es", "COP", "America/Bogota", "bogota-demo")}


def _rows(pathways, model, organisation_id) -> list:
    with pathways.uow() as uow:
        return list(uow.session.scalars(select(model).where(model.organisation_id == organisation_id)))


def _counts(pathways, organisation_id) -> dict[str, int]:
    with pathways.uow() as uow:
        return {model.__tablename__: uow.session.scalar(
            select(func.count()).select_from(model).where(model.organisation_id == organisation_id))
            for model in (Project, Trainee, TraineeDocument, Employer, Vacancy, Placement, User, TraineeMerge,
                          TraineeDistinction)}


def _plain(text: str) -> str:
    """A name as typed on a keyboard without its letters: no accents, lower case."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


# --- The number generators ------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_every_generated_number_passes_the_catalogues_own_check(seed):
    rng = random.Random(seed)
    for _ in range(200):
        born = date(1960, 1, 1) + (date(2010, 12, 31) - date(1960, 1, 1)) * rng.random()
        sex = rng.choice(("female", "male", "non_binary"))
        for kind, number in (("se_personnummer", numbers.personnummer(rng, born, sex)),
                             ("se_samordningsnummer", numbers.samordningsnummer(rng, born, sex))):
            canonical = national_ids.normalise(kind, number)
            scheme = document_type(kind)
            assert scheme.birth_date(canonical) == born  # the date of birth it encodes
            if sex != "non_binary":
                assert scheme.sex(canonical) == sex  # and the sex digit agrees
        department = rng.randint(1, 22)
        cui = national_ids.normalise("gt_cui", numbers.cui(rng, department))
        assert int(cui[9:11]) == department
        for kind, number in (("co_cc", numbers.cedula(rng, born, sex)),
                             ("co_ti", numbers.tarjeta_de_identidad(rng, born)),
                             ("co_ce", numbers.cedula_de_extranjeria(rng)), ("co_ppt", numbers.ppt(rng)),
                             ("passport", numbers.passport(rng, rng.choice(sorted(numbers.PASSPORT_FORMATS)))),
                             ("passport", numbers.passport(rng, "DE")),
                             ("unhcr", numbers.unhcr(rng, rng.randint(2010, 2026)))):
            national_ids.normalise(kind, number)  # raises if the catalogue refuses it
        for country, number in (("SE", numbers.se_orgnr(rng)), ("SE", numbers.se_orgnr(rng, "76")),
                                ("GT", numbers.gt_nit(rng)), ("CO", numbers.co_nit(rng))):
            countries.profile(country).tax_id_scheme.canonical("".join(number.split()))


def test_a_number_is_never_given_twice_whatever_its_spelling():
    used: set[str] = set()
    assert numbers.unique(used, lambda: "52.523.478") == "52.523.478"
    draws = iter(["52523478", "1020-30"])
    assert numbers.unique(used, lambda: next(draws)) == "1020-30"  # 52523478 is 52.523.478


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_plan_gives_every_document_type_and_depends_on_the_seed_only(country):
    demo = programme(country)
    people = generate.plan(TRAINEES, SEED, date(2026, 12, 5), demo)
    later = generate.plan(TRAINEES, SEED, date(2030, 1, 1), demo)
    assert [p.body for p in people] == [p.body for p in later]
    held = {d["type"] for p in people for d in p.body.get("documents", ())}
    assert held == {scheme.name for scheme in countries.profile(country).person_id_schemes}
    assert any("no_document_reason" in p.body for p in people)
    vocabulary = {group.key for group in countries.profile(country).groups}
    assert set().union(*(p.body["vulnerable_groups"] for p in people)) <= vocabulary
    # One namesake confirmed as someone else, one duplicate to merge (registered last, no history).
    assert [(i, p.merge_into) for i, p in enumerate(people) if p.merge_into is not None] == [
        (TRAINEES + 1, people[TRAINEES + 1].merge_into)]
    duplicate, first = people[TRAINEES + 1], people[people[TRAINEES + 1].merge_into]
    assert (duplicate.body["given_name"], duplicate.body["family_name"]) == (
        first.body["given_name"], first.body["family_name"])
    assert duplicate.body["birth_date"] != first.body["birth_date"] and not duplicate.history
    assert people[TRAINEES].not_duplicate_of  # the namesake
    side = hiring.plan(people, SEED, date(2026, 12, 5), demo)
    assert {v.body["currency"] for v in side.vacancies} == {LOCALES[country][1]}


def test_the_izmir_demo_is_the_default_and_every_country_has_its_own_slug():
    assert PROGRAMMES["TR"] is data and data.SLUG == "demo"
    assert len({p.SLUG for p in PROGRAMMES.values()}) == len(PROGRAMMES)
    assert len({p.USERS["admin"] for p in PROGRAMMES.values()}) == len(PROGRAMMES)
    assert {demo_tokens.file_name(p.SLUG) for p in PROGRAMMES.values()} == {
        "demo-tokens.json", "demo-tokens-umea-demo.json", "demo-tokens-guatemala-demo.json",
        "demo-tokens-bogota-demo.json"}


# --- Loaded through the use cases -----------------------------------------------------------------------------

@pytest.fixture(params=COUNTRIES)
def country(request) -> str:
    return request.param


@pytest.fixture
def loaded(pathways, country) -> dict:
    return load_demo(pathways, trainees=TRAINEES, seed=SEED, programme=programme(country))


def test_a_country_demo_loads_beside_izmir_with_its_language_currency_zone_documents_and_groups(
        pathways, country, loaded):
    izmir = load_demo(pathways, trainees=20, seed=SEED)
    assert izmir["organisation_id"] != loaded["organisation_id"]
    organisation_id = uuid.UUID(loaded["organisation_id"])
    locale, currency, zone, slug = LOCALES[country]
    with pathways.uow() as uow:
        organisation = uow.session.get(Organisation, organisation_id)
        assert uow.session.scalar(select(Organisation.country).where(Organisation.slug == "demo")) == "TR"
    assert (organisation.slug, organisation.country, organisation.locale, organisation.time_zone) == (
        slug, country, locale, zone)
    profile = countries.profile(country)
    assert organisation.national_id_scheme == profile.primary_person_id_scheme.name

    people = [p for p in _rows(pathways, Trainee, organisation_id)]
    assert len(people) == TRAINEES + 2  # the namesake and the duplicate
    documents = _rows(pathways, TraineeDocument, organisation_id)
    assert {d.type for d in documents} == {scheme.name for scheme in profile.person_id_schemes}
    for document in documents:  # stored as the catalogue spells it, and valid
        number = pathways.vault.decrypt(organisation_id, document.number_ciphertext)
        assert national_ids.normalise(document.type, number) == number
    without = [p for p in people if p.no_document_reason is not None]
    assert without and all(p.national_id_hash is None for p in without)
    # Nobody registered without one holds a document, but whoever a duplicate was merged into (its moved).
    survivors = {merge.survivor_id for merge in _rows(pathways, TraineeMerge, organisation_id)}
    holders = {d.trainee_id for d in documents}
    assert all(p.id not in holders for p in without if p.id not in survivors)
    vocabulary = {group.key for group in profile.groups}
    assert set().union(*(p.vulnerable_groups for p in people)) <= vocabulary
    if country != "SE":
        assert set().union(*(p.vulnerable_groups for p in people)) & {"maya", "narp", "indigenous", "migrant"}

    employers = _rows(pathways, Employer, organisation_id)
    assert employers and all(profile.tax_id_scheme.canonical(e.tax_number) for e in employers)
    placements = _rows(pathways, Placement, organisation_id)
    assert placements and {p.currency for p in placements} == {currency}
    assert {v.currency for v in _rows(pathways, Vacancy, organisation_id)} == {currency}


def test_the_namesake_is_confirmed_as_someone_else_and_the_duplicate_is_merged(pathways, country, loaded):
    organisation_id = uuid.UUID(loaded["organisation_id"])
    people = {p.id: p for p in _rows(pathways, Trainee, organisation_id)}
    distinctions = _rows(pathways, TraineeDistinction, organisation_id)
    assert distinctions
    for pair in distinctions:
        one, other = people[pair.first_id], people[pair.second_id]
        assert one.birth_date == other.birth_date and one.normalised_name == other.normalised_name
        assert one.national_id_hash is None or other.national_id_hash is None
    [merge] = _rows(pathways, TraineeMerge, organisation_id)
    survivor, duplicate = people[merge.survivor_id], people[merge.duplicate_id]
    assert duplicate.merged_into_id == survivor.id and merge.undone_at is None
    assert (survivor.given_name, survivor.family_name) == (duplicate.given_name, duplicate.family_name)
    assert survivor.birth_date != duplicate.birth_date
    moved = merge.moved["documents"]
    assert moved and {d.trainee_id for d in _rows(pathways, TraineeDocument, organisation_id)
                      if str(d.id) in moved} == {survivor.id}


def test_reloading_a_country_demo_creates_nothing_and_keeps_its_tokens(pathways, country, loaded):
    organisation_id = uuid.UUID(loaded["organisation_id"])
    before = _counts(pathways, organisation_id)

    again = load_demo(pathways, trainees=TRAINEES, seed=SEED, programme=programme(country))

    assert again["organisation_id"] == loaded["organisation_id"]
    assert again["created"] == dict.fromkeys(CREATED, 0)
    assert _counts(pathways, organisation_id) == before
    for role, token in loaded["tokens"].items():
        principal = users.authenticate(pathways.uow(), token)
        assert (principal.organisation_id, principal.role) == (organisation_id, role)
    if pathways.config.is_sqlite:
        assert again["tokens"] == loaded["tokens"]
        assert demo_tokens.load(pathways.config, programme(country).SLUG) == loaded["tokens"]
        assert demo_tokens.load(pathways.config) == {}  # İzmir's file is İzmir's
    else:
        assert again["tokens"] == {}


def test_a_caseworker_finds_the_demos_people_by_name_and_by_number(pathways, client, country, loaded):
    organisation_id = uuid.UUID(loaded["organisation_id"])
    headers = {"Authorization": f"Bearer {loaded['tokens']['caseworker']}"}
    people = {p.id: p for p in _rows(pathways, Trainee, organisation_id)}
    merged = {p.id for p in people.values() if p.merged_into_id is not None}
    for person in list(people.values())[:12]:
        if person.id in merged:
            continue
        query = _plain(f"{person.family_name.split()[0]} {person.given_name.split()[0]}")
        found = ok(client.get(url("/trainees"), query_string={"q": query, "limit": 100}, headers=headers))
        assert str(person.id) in {t["id"] for t in found["items"]}
    documents = _rows(pathways, TraineeDocument, organisation_id)
    for kind in {d.type for d in documents}:
        document = next(d for d in documents if d.type == kind)
        number = pathways.vault.decrypt(organisation_id, document.number_ciphertext)
        found = ok(client.get(url("/trainees"), query_string={"document": number}, headers=headers))
        assert [t["id"] for t in found["items"]] == [str(document.trainee_id)]
        assert number not in str(found)  # never answered
    # The duplicate's document now finds the person it was merged into; the duplicate is listed no more.
    [merge] = _rows(pathways, TraineeMerge, organisation_id)
    moved = next(d for d in documents if str(d.id) in merge.moved["documents"])
    number = pathways.vault.decrypt(organisation_id, moved.number_ciphertext)
    found = ok(client.get(url("/trainees"), query_string={"document": number}, headers=headers))
    assert [t["id"] for t in found["items"]] == [str(merge.survivor_id)]
    survivor = people[merge.survivor_id]
    found = ok(client.get(url("/trainees"), query_string={"q": _plain(survivor.family_name), "limit": 100},
                          headers=headers))
    ids = {t["id"] for t in found["items"]}
    assert str(merge.survivor_id) in ids and str(merge.duplicate_id) not in ids


def test_pathways_demo_country_loads_a_country_beside_izmir_and_says_so_quietly_when_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    runner = CliRunner()
    first = runner.invoke(cli.main, ["demo", "--country", "gt", "--trainees", "12"])
    assert first.exit_code == 0, first.output
    loaded = json.loads(first.stdout.strip().splitlines()[-1])
    assert loaded["created"]["trainees"] == 14 and set(loaded["tokens"]) == {"admin", "caseworker", "manager",
                                                                            "employer"}
    assert json.loads((tmp_path / "demo-tokens-guatemala-demo.json").read_text())["tokens"] == loaded["tokens"]
    assert not (tmp_path / "demo-tokens.json").exists()  # İzmir's is not loaded by it
    izmir = runner.invoke(cli.main, ["demo", "--trainees", "12", "--quiet"])
    assert (izmir.exit_code, izmir.stdout) == (0, "demo: loaded 12 trainees\n")
    again = runner.invoke(cli.main, ["demo", "--country", "GT", "--quiet"])
    assert (again.exit_code, again.stdout) == (0, "demo guatemala-demo: loaded before; tokens kept\n")
    unknown = runner.invoke(cli.main, ["demo", "--country", "FR"])
    assert unknown.exit_code == 2 and "FR" in unknown.output
