"""Merging a duplicate registration into the person it is, and undoing it; figures follow both ways."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from service.db.models import AuditEntry, Enrolment, FollowUp, OutboxMessage, Placement, Referral, Trainee, TraineeMerge
from service.metrics.verification import verify
from tests.api.conftest import build_employer, work_terms
from tests.api.helpers import create_project, enrol, ids, ok, problem, register_trainee, url
from tests.api.people import without_national_id

BIRTH = "1994-09-14"


def _records(pathways, trainee_id: str) -> dict[str, set[str]]:
    with pathways.uow() as uow:
        return {name: {str(record_id) for record_id in uow.session.scalars(
            select(model.id).where(model.trainee_id == uuid.UUID(trainee_id)))}
            for name, model in (("enrolments", Enrolment), ("referrals", Referral), ("placements", Placement),
                                ("follow_ups", FollowUp))}


def _reached(client, headers) -> int:
    return ok(client.get(url("/metrics/reach"), query_string={"suppress": "false"}, headers=headers))["reached"]


def _registered(client, headers) -> int:
    """The funnel's `registered` (people whose record was created), all time."""
    body = ok(client.get(url("/metrics/funnel"), query_string={"suppress": "false"}, headers=headers))
    return next(row for row in body["stages"] if row["stage"] == "registered" and row["exit_reason"] is None)["total"]


def _differences(pathways, organisation_id: str) -> list:
    with pathways.uow() as uow:
        return verify(uow.session, uuid.UUID(organisation_id))[1]


@pytest.fixture
def pair(client, pathways, tenant):
    """Ayşe Yılmaz (with her TCKN, enrolled in P2) and her earlier registration as Ayse Yilmaz without a
    document: enrolled in P1 and completed (so with follow-ups), referred and placed."""
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    p1, p2 = create_project(client, admin), create_project(client, admin)
    survivor = register_trainee(client, caseworker, given_name="Ayşe", family_name="Yılmaz", birth_date=BIRTH)
    duplicate = register_trainee(client, caseworker, given_name="Ayse", family_name="Yilmaz", birth_date=BIRTH)
    without_national_id(pathways, duplicate["id"])
    enrolment = enrol(client, caseworker, duplicate["id"], p1["id"])
    ok(client.post(url(f"/enrolments/{enrolment['id']}/complete"), headers=caseworker,
                   json={"exited_on": "2026-06-30", "qualification_gained": True}))
    employer = build_employer(client, tenant)
    ok(client.post(url(f"/vacancies/{employer.vacancy['id']}/referrals"), headers=caseworker,
                   json={"trainee_id": duplicate["id"]}), 201)
    ok(client.post(url("/placements"), headers=caseworker, json=work_terms(
        employer_id=employer.employer["id"], trainee_id=duplicate["id"], started_on="2026-07-06")), 201)
    enrol(client, caseworker, survivor["id"], p2["id"])
    return {"survivor": survivor, "duplicate": duplicate, "p1": p1, "p2": p2, "employer": employer}


def _merge(client, headers, survivor_id: str, duplicate_id: str):
    return client.post(url(f"/trainees/{survivor_id}/merge"), json={"duplicate_id": duplicate_id}, headers=headers)


def test_the_pair_is_offered_as_a_possible_duplicate(client, tenant, pair):
    [item] = ok(client.get(url("/trainees/duplicates"), headers=tenant.headers["caseworker"]))["items"]
    assert {person["id"] for person in item["trainees"]} == {pair["survivor"]["id"], pair["duplicate"]["id"]}


def test_a_merge_moves_everything_and_reach_counts_one_person_until_it_is_undone(client, pathways, tenant, pair):
    caseworker, admin = tenant.headers["caseworker"], tenant.headers["admin"]
    survivor, duplicate = pair["survivor"]["id"], pair["duplicate"]["id"]
    before = {"survivor": _records(pathways, survivor), "duplicate": _records(pathways, duplicate)}
    assert all(before["duplicate"].values()) and len(before["duplicate"]["follow_ups"]) == 3
    assert _reached(client, admin) == 2 and _differences(pathways, tenant.organisation_id) == []
    assert _registered(client, admin) == 2

    merged = ok(_merge(client, caseworker, survivor, duplicate), 201)
    assert (merged["survivor_id"], merged["duplicate_id"]) == (survivor, duplicate)
    assert merged["merged_by"] == tenant.user_ids["caseworker"] and merged["undone_at"] is None
    assert {name: set(merged["moved"][name]) for name in before["duplicate"]} == before["duplicate"]
    assert merged["moved"]["documents"] == [] and merged["moved"]["national_id"] is False
    after = {"survivor": _records(pathways, survivor), "duplicate": _records(pathways, duplicate)}
    assert after["duplicate"] == {name: set() for name in before["duplicate"]}
    assert after["survivor"] == {name: before["survivor"][name] | before["duplicate"][name]
                                 for name in before["survivor"]}
    # The figures follow: one person, and the read model equals the records.
    assert _reached(client, admin) == 1 and _registered(client, admin) == 1
    assert _differences(pathways, tenant.organisation_id) == []
    with pathways.uow() as uow:  # the merge's audit entry holds what moved, and who merged
        [entry] = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "trainee_merges")).all()
    assert entry.action == "create" and str(entry.actor_id) == tenant.user_ids["caseworker"]
    assert set(entry.changes["moved"]["enrolments"]) == before["duplicate"]["enrolments"]
    # The duplicate is kept, hidden, and points at the survivor.
    gone = problem(client.get(url(f"/trainees/{duplicate}"), headers=caseworker), 404)
    assert gone["merged_into_id"] == survivor
    assert duplicate not in ids(ok(client.get(url("/trainees"), headers=caseworker)))
    assert ids(ok(client.get(url("/trainees"), query_string={"q": "ayse"}, headers=caseworker))) == [survivor]
    assert problem(client.patch(url(f"/trainees/{duplicate}"), json={"district": "Konak"}, headers=caseworker),
                   404)["merged_into_id"] == survivor
    assert problem(client.post(url("/enrolments"), json={"trainee_id": duplicate, "project_id": pair["p1"]["id"],
                                                         "enrolled_on": "2026-08-03"}, headers=caseworker), 404)
    assert ok(client.get(url("/trainees/duplicates"), headers=caseworker))["items"] == []
    assert ok(client.get(url(f"/trainees/merges/{merged['id']}"), headers=admin))["id"] == merged["id"]

    undone = ok(client.post(url(f"/trainees/merges/{merged['id']}/undo"), headers=admin))
    assert undone["undone_by"] == tenant.user_ids["admin"] and undone["undone_at"]
    assert {"survivor": _records(pathways, survivor), "duplicate": _records(pathways, duplicate)} == before
    assert _reached(client, admin) == 2 and _registered(client, admin) == 2
    assert _differences(pathways, tenant.organisation_id) == []
    assert ok(client.get(url(f"/trainees/{duplicate}"), headers=caseworker))["id"] == duplicate
    assert problem(client.post(url(f"/trainees/merges/{merged['id']}/undo"), headers=admin), 409)

    with pathways.uow() as uow:
        sent = [(row.type, row.envelope["data"]) for row in uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.organisation_id == uuid.UUID(tenant.organisation_id),
                                        OutboxMessage.type.like("trainee.merge%"))
            .order_by(OutboxMessage.occurred_at, OutboxMessage.id))]
    both = {"merge_id": merged["id"], "trainee_id": survivor, "duplicate_id": duplicate}
    assert sent == [("trainee.merged", both), ("trainee.merge_undone", both)]


def test_records_added_to_the_survivor_after_the_merge_stay_with_it_on_undo(client, pathways, tenant, pair):
    caseworker = tenant.headers["caseworker"]
    survivor, duplicate = pair["survivor"]["id"], pair["duplicate"]["id"]
    merged = ok(_merge(client, caseworker, survivor, duplicate), 201)
    later = create_project(client, tenant.headers["admin"])
    enrolment = enrol(client, caseworker, survivor, later["id"])
    ok(client.post(url(f"/trainees/merges/{merged['id']}/undo"), headers=caseworker))
    assert enrolment["id"] in _records(pathways, survivor)["enrolments"]
    assert enrolment["id"] not in _records(pathways, duplicate)["enrolments"]


def test_two_open_enrolments_in_one_project_refuse_the_merge_naming_it(client, pathways, tenant, pair):
    caseworker = tenant.headers["caseworker"]
    survivor, duplicate = pair["survivor"]["id"], pair["duplicate"]["id"]
    enrol(client, caseworker, duplicate, pair["p2"]["id"])
    before = _records(pathways, duplicate)
    body = problem(_merge(client, caseworker, survivor, duplicate), 409)
    assert body["project_id"] == pair["p2"]["id"] and pair["p2"]["id"] in body["detail"]
    assert _records(pathways, duplicate) == before
    with pathways.uow() as uow:
        assert uow.session.get(Trainee, uuid.UUID(duplicate)).merged_into_id is None
        assert uow.session.scalars(select(TraineeMerge)).all() == []


def test_the_national_id_moves_to_a_survivor_without_one_and_back(client, pathways, tenant, pair):
    """Merged the other way round: the survivor has no document, the duplicate its TCKN."""
    caseworker = tenant.headers["caseworker"]
    survivor, duplicate = pair["duplicate"]["id"], pair["survivor"]["id"]
    with pathways.uow() as uow:
        fingerprint = uow.session.get(Trainee, uuid.UUID(duplicate)).national_id_hash
    merged = ok(_merge(client, caseworker, survivor, duplicate), 201)
    assert merged["moved"]["national_id"] is True
    with pathways.uow() as uow:
        assert uow.session.get(Trainee, uuid.UUID(survivor)).national_id_hash == fingerprint
        assert uow.session.get(Trainee, uuid.UUID(duplicate)).national_id_hash is None
    ok(client.post(url(f"/trainees/merges/{merged['id']}/undo"), headers=caseworker))
    with pathways.uow() as uow:
        assert uow.session.get(Trainee, uuid.UUID(survivor)).national_id_hash is None
        assert uow.session.get(Trainee, uuid.UUID(duplicate)).national_id_hash == fingerprint


def test_bad_merges_are_refused(client, tenant, other_tenant, pair):
    caseworker = tenant.headers["caseworker"]
    survivor, duplicate = pair["survivor"]["id"], pair["duplicate"]["id"]
    assert "duplicate_id" in problem(_merge(client, caseworker, survivor, survivor), 422)["errors"]
    assert problem(client.post(url(f"/trainees/{survivor}/merge"), json={}, headers=caseworker), 422)
    assert problem(_merge(client, caseworker, survivor, str(uuid.uuid4())), 404)
    assert problem(_merge(client, other_tenant.headers["caseworker"], survivor, duplicate), 404)
    assert problem(_merge(client, tenant.headers["manager"], survivor, duplicate), 403)
    merged = ok(_merge(client, caseworker, survivor, duplicate), 201)
    assert problem(_merge(client, caseworker, survivor, duplicate), 409)["merged_into_id"] == survivor
    assert problem(_merge(client, caseworker, duplicate, survivor), 409)
    assert problem(client.post(url(f"/trainees/merges/{merged['id']}/undo"), headers=tenant.headers["manager"]),
                   403)
    assert problem(client.post(url(f"/trainees/merges/{merged['id']}/undo"),
                               headers=other_tenant.headers["admin"]), 404)
