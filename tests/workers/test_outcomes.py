"""The outcomes consumer's rules, applied in-process (`drain`) with JSON round-tripped events."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from schemas.events import load_envelope
from service import clock
from service.db.models import FollowUp, OutboxMessage, ProcessedEvent
from service.domain.errors import NotFound
from service.domain.events import Envelope
from tests.days import today
from tests import factories
from tests.workers.test_pipeline import _count
from workers.outcomes import OutcomesConsumer

TODAY = today()  # the organisations' (İzmir's), not the host's


def _exit(client, headers, programme, exited_on: date, trainee_id: str | None = None) -> dict:
    enrolment = client.post("/api/v1/enrolments", headers=headers, json=factories.enrolment_body(
        trainee_id or programme["trainee"]["id"], programme["project"]["id"], enrolled_on="2025-01-06")).get_json()
    response = client.post(f"/api/v1/enrolments/{enrolment['id']}/complete", headers=headers,
                           json={"exited_on": exited_on.isoformat(), "qualification_gained": True})
    assert response.status_code == 200, response.get_json()
    return enrolment


def _employer(client, headers) -> str:
    return client.post("/api/v1/employers", headers=headers, json={
        "name": "Ege Tekstil", "tax_number": "1234567890", "sector": "C14"}).get_json()["id"]


def _placement(client, headers, trainee_id, employer_id, started_on: date, formal=True) -> dict:
    response = client.post("/api/v1/placements", headers=headers, json={
        "trainee_id": trainee_id, "employer_id": employer_id, "started_on": started_on.isoformat(),
        "wage_monthly": "31000.00", "currency": "TRY", "hours_per_week": 45, "contract_type": "permanent",
        "formal": formal})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _follow_ups(client, headers, enrolment_id) -> dict[str, dict]:
    items = client.get(f"/api/v1/follow-ups?enrolment_id={enrolment_id}", headers=headers).get_json()["items"]
    return {item["checkpoint"]: item for item in items}


def test_an_exit_schedules_three_checkpoints(client, tenant, programme, drain):
    cw = tenant.headers["caseworker"]
    exited_on = TODAY - timedelta(days=10)
    enrolment = _exit(client, cw, programme, exited_on)
    drain()
    checkpoints = _follow_ups(client, cw, enrolment["id"])
    assert {name: item["due_on"] for name, item in checkpoints.items()} == {
        "exit": exited_on.isoformat(), "month_6": (exited_on + timedelta(days=182)).isoformat(),
        "month_12": (exited_on + timedelta(days=365)).isoformat()}
    # Shown by today: the exit's four weeks are running, the others' dates have not come.
    assert {name: item["status"] for name, item in checkpoints.items()} == {
        "exit": "due", "month_6": "scheduled", "month_12": "scheduled"}


def test_a_formal_placement_resolves_the_checkpoints_that_have_passed(client, tenant, programme, drain):
    cw = tenant.headers["caseworker"]
    employer = _employer(client, cw)
    exited_on = TODAY - timedelta(days=200)
    enrolment = _exit(client, cw, programme, exited_on)
    # Recorded after the exit, started before it: order of arrival does not matter.
    _placement(client, cw, programme["trainee"]["id"], employer, exited_on - timedelta(days=5))
    drain()
    checkpoints = _follow_ups(client, cw, enrolment["id"])
    for name in ("exit", "month_6"):
        assert (checkpoints[name]["status"], checkpoints[name]["source"], checkpoints[name]["employment_status"],
                checkpoints[name]["wage_monthly"]) == ("recorded", "placement", "employed", "31000.00")
        assert checkpoints[name]["observed_on"] == checkpoints[name]["due_on"]  # the job was active that day
    assert (checkpoints["month_12"]["status"], checkpoints["month_12"]["observed_on"]) == ("scheduled", None)


def test_an_informal_placement_resolves_nothing(client, tenant, programme, drain):
    cw = tenant.headers["caseworker"]
    enrolment = _exit(client, cw, programme, TODAY - timedelta(days=30))
    _placement(client, cw, programme["trainee"]["id"], _employer(client, cw), TODAY - timedelta(days=40),
               formal=False)
    drain()
    assert _follow_ups(client, cw, enrolment["id"])["exit"]["status"] == "overdue"  # 30 days: past its window


def test_an_end_recorded_late_reopens_checkpoints_after_it(client, tenant, programme, drain):
    cw = tenant.headers["caseworker"]
    exited_on = TODAY - timedelta(days=200)
    enrolment = _exit(client, cw, programme, exited_on)
    placement = _placement(client, cw, programme["trainee"]["id"], _employer(client, cw), exited_on)
    drain()
    assert _follow_ups(client, cw, enrolment["id"])["month_6"]["status"] == "recorded"
    client.post(f"/api/v1/placements/{placement['id']}/end", headers=cw,
                json={"ended_on": (exited_on + timedelta(days=30)).isoformat(), "reason": "resigned"})
    drain()
    checkpoints = _follow_ups(client, cw, enrolment["id"])
    assert checkpoints["exit"]["status"] == "recorded"
    assert (checkpoints["month_6"]["status"], checkpoints["month_6"]["source"],
            checkpoints["month_6"]["observed_on"]) == ("due", None, None)


def test_a_hire_fills_the_vacancy_when_its_positions_are_taken(client, tenant, programme, drain):
    cw = tenant.headers["caseworker"]
    employer = _employer(client, cw)
    vacancy = client.post("/api/v1/vacancies", headers=cw, json={
        "employer_id": employer, "title": "Sewing machine operator", "occupation": "7531", "positions": 1,
        "wage_monthly": "29000", "currency": "TRY", "contract_type": "permanent"}).get_json()
    second = client.post("/api/v1/trainees", headers=cw, json=factories.trainee_body()).get_json()
    first, later = (client.post(f"/api/v1/vacancies/{vacancy['id']}/referrals", headers=cw,
                                json={"trainee_id": trainee_id}).get_json()
                    for trainee_id in (programme["trainee"]["id"], second["id"]))
    terms = {"started_on": TODAY.isoformat(), "wage_monthly": "29000", "currency": "TRY", "hours_per_week": 45,
             "contract_type": "permanent", "formal": True}
    assert client.post(f"/api/v1/referrals/{first['id']}/hire", headers=cw, json=terms).status_code == 200
    drain()
    assert client.get(f"/api/v1/vacancies/{vacancy['id']}", headers=cw).get_json()["status"] == "filled"
    refused = client.post(f"/api/v1/referrals/{later['id']}/hire", headers=cw, json=terms)
    assert refused.status_code == 409 and refused.get_json()["current_status"] == "filled"
    assert client.get(f"/api/v1/referrals/{later['id']}", headers=cw).get_json()["status"] == "referred"


def test_an_event_applied_twice_changes_nothing(pathways, client, tenant, programme, drain):
    cw = tenant.headers["caseworker"]
    enrolment = _exit(client, cw, programme, TODAY - timedelta(days=3))
    with pathways.uow() as uow:
        completed = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.type == "enrolment.completed")).one().envelope
    drain()
    consumer = OutcomesConsumer(pathways)
    assert consumer.apply(json.loads(json.dumps(completed))) is False  # recognised, skipped
    with pathways.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(FollowUp).where(
            FollowUp.enrolment_id == uuid.UUID(enrolment["id"]))) == 3
        assert uow.session.scalar(select(func.count()).select_from(ProcessedEvent).where(
            ProcessedEvent.consumer == "outcomes", ProcessedEvent.event_id == uuid.UUID(completed["id"]))) == 1


def test_the_sweep_resolves_checkpoints_that_fell_due_later(pathways, client, tenant, programme, drain):
    cw = tenant.headers["caseworker"]
    exited_on = TODAY - timedelta(days=1)
    enrolment = _exit(client, cw, programme, exited_on)
    _placement(client, cw, programme["trainee"]["id"], _employer(client, cw), exited_on)
    drain()
    assert _follow_ups(client, cw, enrolment["id"])["month_6"]["status"] == "scheduled"
    # Half a year later, no event arrives; the periodic sweep notices the date.
    with clock.frozen(clock.utcnow() + timedelta(days=200)):
        OutcomesConsumer(pathways).on_tick()
    assert _follow_ups(client, cw, enrolment["id"])["month_6"]["status"] == "recorded"


def _outcomes_events(pathways) -> list[Envelope]:
    """The outcomes consumer's events in the outbox, in order, as the consumer loads them."""
    with pathways.uow() as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.type.in_(OutcomesConsumer.routing_keys)).order_by(OutboxMessage.id))
        return [load_envelope(json.loads(json.dumps(row.envelope))) for row in rows]


def test_a_batch_of_exits_and_placements_has_the_effects_of_each_alone(pathways, client, tenant, programme):
    """Consecutive exits share their statements; a placement between them keeps its place."""
    cw = tenant.headers["caseworker"]
    employer = _employer(client, cw)
    first = programme["trainee"]["id"]
    second, third = (client.post("/api/v1/trainees", headers=cw, json=factories.trainee_body()).get_json()["id"]
                     for _ in range(2))
    long_ago = TODAY - timedelta(days=200)
    employed = _exit(client, cw, programme, long_ago)
    hired_later = _exit(client, cw, programme, long_ago, trainee_id=third)
    _placement(client, cw, first, employer, long_ago - timedelta(days=5))  # hired before the exit
    _placement(client, cw, third, employer, long_ago + timedelta(days=10))  # hired 10 days after it
    recent = _exit(client, cw, programme, TODAY - timedelta(days=30), trainee_id=second)
    events = _outcomes_events(pathways)
    assert [e.event.routing_key for e in events] == ["enrolment.completed", "enrolment.completed",
                                                     "placement.started", "placement.started", "enrolment.completed"]

    consumer = OutcomesConsumer(pathways)
    assert consumer.apply_batch(events) == 5
    assert consumer.apply_batch(events) == 0  # redelivered: recognised, nothing applied twice

    def statuses(enrolment):
        follow_ups = _follow_ups(client, cw, enrolment["id"])
        return {name: (item["status"], item["source"]) for name, item in follow_ups.items()}

    recorded, scheduled, overdue = ("recorded", "placement"), ("scheduled", None), ("overdue", None)
    assert statuses(employed) == {"exit": recorded, "month_6": recorded, "month_12": scheduled}
    assert statuses(hired_later) == {"exit": overdue, "month_6": recorded, "month_12": scheduled}
    assert statuses(recent) == {"exit": overdue, "month_6": scheduled, "month_12": scheduled}
    assert _count(pathways, FollowUp, FollowUp.organisation_id == uuid.UUID(tenant.organisation_id)) == 9


def test_a_batch_with_another_tenants_enrolment_applies_nothing(pathways, client, tenant, other_tenant,
                                                               programme):
    cw = tenant.headers["caseworker"]
    _exit(client, cw, programme, TODAY - timedelta(days=3))
    mine = _outcomes_events(pathways)
    forged = replace(mine[0], id=uuid.uuid4(),
                     event=replace(mine[0].event, organisation_id=uuid.UUID(other_tenant.organisation_id)))
    with pytest.raises(NotFound):
        OutcomesConsumer(pathways).apply_batch([*mine, forged])
    # rolled back together (the base then applies each alone)
    assert _count(pathways, FollowUp, FollowUp.organisation_id == uuid.UUID(tenant.organisation_id)) == 0
    assert _count(pathways, ProcessedEvent, ProcessedEvent.event_id.in_([e.id for e in (*mine, forged)])) == 0
