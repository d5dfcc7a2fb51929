"""Likely duplicates on registration (409 with the candidates unless confirmed) and the possible-duplicates list."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from sqlalchemy import delete, select

from service.db.models import AuditEntry, Organisation, Trainee, TraineeDistinction
from service.imports import reading
from service.imports import trainees as importing
from tests import factories
from tests.api.helpers import ok, problem, register_trainee, url, walk
from tests.api.people import register_undocumented, without_national_id


def _post(client, headers, **overrides):
    return client.post(url("/trainees"), json=factories.trainee_body(**overrides), headers=headers)


def _count(pathways) -> int:
    with pathways.uow() as uow:
        return len(uow.session.scalars(select(Trainee.id)).all())


def test_the_same_person_spelt_without_turkish_letters_is_refused_with_the_candidate(client, pathways, tenant):
    caseworker = tenant.headers["caseworker"]
    existing = register_undocumented(client, pathways, caseworker, given_name="Ayşe", family_name="Yılmaz",
                                     birth_date="1990-05-17")
    before = _count(pathways)
    body = problem(_post(client, caseworker, given_name="AYSE", family_name="YILMAZ", birth_date="1990-05-17"), 409)
    assert body["candidates"] == [{"id": existing["id"], "given_name": "Ayşe", "family_name": "Yılmaz",
                                   "birth_date": "1990-05-17", "reason": "same_name", "similarity": 1.0}]
    assert "not_duplicate_of" in body["detail"]
    assert _count(pathways) == before  # nothing written


@pytest.mark.parametrize(("given", "family"), [("María José", "Pérez García"), ("Maria Jose", "Garcia-Perez"),
                                               ("Pérez García", "María José")])
def test_double_surnames_in_either_order_are_the_same_name(client, pathways, tenant, given, family):
    caseworker = tenant.headers["caseworker"]
    existing = register_undocumented(client, pathways, caseworker, given_name="MARÍA JOSÉ",
                                     family_name="GARCÍA PÉREZ", birth_date="1985-11-02")
    body = problem(_post(client, caseworker, given_name=given, family_name=family, birth_date="1985-11-02"), 409)
    assert [(c["id"], c["reason"]) for c in body["candidates"]] == [(existing["id"], "same_name")]


def test_a_similar_name_is_a_candidate_a_different_one_or_another_birth_date_is_not(client, pathways, tenant):
    caseworker = tenant.headers["caseworker"]
    existing = register_undocumented(client, pathways, caseworker, given_name="Mohammed", family_name="Al Hassan",
                                     birth_date="1999-01-31")
    [candidate] = problem(_post(client, caseworker, given_name="Mohamed", family_name="Al-Hasan",
                                birth_date="1999-01-31"), 409)["candidates"]
    assert candidate["id"] == existing["id"] and candidate["reason"] == "similar_name"
    assert 0.6 <= candidate["similarity"] < 1
    register_trainee(client, caseworker, given_name="Mohamed", family_name="Al-Hasan", birth_date="1999-02-01")
    register_trainee(client, caseworker, given_name="Fatma", family_name="Al Hassan", birth_date="1999-01-31")


def test_two_people_with_different_national_ids_are_never_candidates(client, tenant):
    """A TCKN is one person's for life: the same name and birth date with another number is someone else."""
    caseworker = tenant.headers["caseworker"]
    first = register_trainee(client, caseworker, given_name="Mehmet", family_name="Kaya", birth_date="1970-01-01")
    second = register_trainee(client, caseworker, given_name="Mehmet", family_name="Kaya", birth_date="1970-01-01")
    assert first["id"] != second["id"]
    assert ok(client.get(url("/trainees/duplicates"), headers=caseworker))["items"] == []


def test_a_confirmed_different_person_is_registered_and_the_confirmation_recorded(client, pathways, tenant):
    caseworker = tenant.headers["caseworker"]
    one = register_undocumented(client, pathways, caseworker, given_name="Åsa", family_name="Öberg",
                                birth_date="2001-06-06")
    two = register_undocumented(client, pathways, caseworker, given_name="Asa", family_name="Oberg",
                                birth_date="2001-06-06", not_duplicate_of=[one["id"]])
    # A third must be told apart from both; naming one only is not enough.
    body = problem(_post(client, caseworker, given_name="Åsa", family_name="Oberg", birth_date="2001-06-06",
                         not_duplicate_of=[one["id"]]), 409)
    assert [c["id"] for c in body["candidates"]] == [two["id"]]
    three = ok(_post(client, caseworker, given_name="Åsa", family_name="Oberg", birth_date="2001-06-06",
                     not_duplicate_of=[two["id"], one["id"], str(uuid.uuid4())]), 201)
    assert "not_duplicate_of" not in three
    with pathways.uow() as uow:
        pairs = {tuple(sorted((str(d.first_id), str(d.second_id)))) for d in uow.session.scalars(
            select(TraineeDistinction))}
        audited = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "trainee_distinctions")).all()
    assert pairs == {tuple(sorted(pair)) for pair in ((one["id"], two["id"]), (one["id"], three["id"]),
                                                      (two["id"], three["id"]))}
    assert len(audited) == 3 and {entry.actor_id for entry in audited} == {uuid.UUID(tenant.user_ids["caseworker"])}
    # Confirmed pairs are no longer offered; only a pair nobody judged is.
    assert ok(client.get(url("/trainees/duplicates"), headers=caseworker))["items"] == []


def test_not_duplicate_of_must_hold_ids(client, tenant):
    body = problem(_post(client, tenant.headers["caseworker"], not_duplicate_of=["someone"]), 422)
    assert "not_duplicate_of" in body["errors"]


def _registered_anyway(client, pathways, headers, **overrides) -> dict:
    """Registered past its candidates, undocumented, as a caseworker would who could not judge."""
    response = _post(client, headers, **overrides)
    if response.status_code == 409:
        overrides["not_duplicate_of"] = [c["id"] for c in response.get_json()["candidates"]]
        response = _post(client, headers, **overrides)
    trainee = ok(response, 201)
    without_national_id(pathways, trainee["id"])
    return trainee


def _forget_confirmations(pathways) -> None:
    with pathways.uow() as uow:
        uow.session.execute(delete(TraineeDistinction))
        uow.commit()


def test_the_possible_duplicates_list_pages_through_pairs(client, pathways, tenant, other_tenant):
    caseworker = tenant.headers["caseworker"]
    a, b, c = (_registered_anyway(client, pathways, caseworker, given_name=given, family_name=family,
                                  birth_date="1992-03-03")["id"]
               for given, family in (("Ayşe", "Yılmaz"), ("Ayse", "Yilmaz"), ("AYŞE", "YILMAZ")))
    ibrahim, ibrahim_2 = (_registered_anyway(client, pathways, caseworker, given_name=given, family_name=family,
                                             birth_date="1980-08-08")["id"]
                          for given, family in (("İbrahim", "Çelik"), ("Ibrahim", "Celik")))
    _forget_confirmations(pathways)  # nobody judged these pairs
    register_trainee(client, caseworker, given_name="Elif", family_name="Kaya", birth_date="1992-03-03")
    _registered_anyway(client, pathways, other_tenant.headers["caseworker"], given_name="Ayşe",
                       family_name="Yılmaz", birth_date="1992-03-03")

    items = walk(client, "/trainees/duplicates", caseworker, limit=1)
    got = [frozenset(person["id"] for person in item["trainees"]) for item in items]
    assert sorted(got, key=sorted) == sorted((frozenset(pair) for pair in ((a, b), (a, c), (b, c),
                                                                           (ibrahim, ibrahim_2))), key=sorted)
    assert {item["reason"] for item in items} == {"same_name"}
    assert set(items[0]["trainees"][0]) == {"id", "given_name", "family_name", "birth_date"}
    assert problem(client.get(url("/trainees/duplicates"), query_string={"cursor": "x" * 22}, headers=caseworker),
                   422)["errors"]["cursor"]
    assert ok(client.get(url("/trainees/duplicates"), headers=other_tenant.headers["admin"]))["items"] == []
    # A pair confirmed to be two people leaves the list.
    ok(_post(client, caseworker, given_name="Ibrahim", family_name="Celik", birth_date="1980-08-08",
             not_duplicate_of=[ibrahim, ibrahim_2]), 201)
    assert len(walk(client, "/trainees/duplicates", caseworker, limit=50)) == 4  # the new one holds a TCKN


@pytest.mark.parametrize("role", ["manager", "anonymous"])
def test_only_caseworkers_and_admins_see_possible_duplicates(client, tenant, role):
    headers = tenant.headers.get(role, {})
    assert client.get(url("/trainees/duplicates"), headers=headers).status_code == (403 if headers else 401)


IMPORT_COLUMNS = ("given_name", "family_name", "national_id", "no_document_reason", "sex", "birth_date",
                  "settlement_type", "education_level", "labour_status", "consent", "not_duplicate_of")


def _import(pathways, tenant, tmp_path, rows: list[dict], **options):
    with pathways.uow() as uow:
        organisation = uow.session.get(Organisation, uuid.UUID(tenant.organisation_id))
    path = tmp_path / "people.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(IMPORT_COLUMNS)
    for cells in rows:
        body = {**factories.trainee_body(), **cells}
        writer.writerow(["yes" if column == "consent" else body.get(column) or "" for column in IMPORT_COLUMNS])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    table = reading.read_table(path, country=organisation.country)
    problems = []
    summary = importing.import_trainees(pathways, organisation, table, processes=1,
                                        on_batch=lambda _line, found: problems.extend(found), **options)
    return summary, {problem.line: problem for problem in problems}


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_an_import_row_with_candidates_is_reported_not_loaded_unless_its_column_confirms(
        client, pathways, tenant, tmp_path, dry_run):
    existing = register_undocumented(client, pathways, tenant.headers["caseworker"], given_name="Ayşe",
                                     family_name="Yılmaz", birth_date="1990-05-17")
    undocumented = {"national_id": "", "no_document_reason": "asylum_pending"}
    before = _count(pathways)
    summary, problems = _import(pathways, tenant, tmp_path, [
        {"given_name": "Ayse", "family_name": "Yilmaz", "birth_date": "1990-05-17"},  # line 2: a candidate
        {"given_name": "Ayse", "family_name": "Yilmaz", "birth_date": "1990-05-17",
         "not_duplicate_of": existing["id"]},  # 3: confirmed someone else
        {"given_name": "Mehmet", "family_name": "Kaya", "birth_date": "1970-01-01", **undocumented},  # 4
        {"given_name": "MEHMET", "family_name": "KAYA", "birth_date": "1970-01-01", **undocumented},  # 5: repeats 4
        {"given_name": "Mehmet", "family_name": "Kaya", "birth_date": "1970-01-01"},  # 6: repeats 4 (4 has no id)
        {"given_name": "Mehmet", "family_name": "Kaya", "birth_date": "1970-01-02"},  # 7: another day
    ], dry_run=dry_run)
    assert sorted(problems) == [2, 5, 6]
    assert problems[2].field == "not_duplicate_of" and problems[2].duplicate
    assert existing["id"] in problems[2].reason and "same name" in problems[2].reason
    assert problems[5].reason.startswith("repeats line 4") and problems[6].reason.startswith("repeats line 4")
    assert (summary.rows, summary.duplicates, summary.invalid) == (6, 3, 0)
    assert _count(pathways) == before + (0 if dry_run else 3), _count(pathways) - before
    assert summary.imported == (0 if dry_run else 3)
    with pathways.uow() as uow:
        recorded = uow.session.scalars(select(TraineeDistinction)).all()
    assert len(recorded) == (0 if dry_run else 1)
    if not dry_run:
        assert existing["id"] in {str(recorded[0].first_id), str(recorded[0].second_id)}
