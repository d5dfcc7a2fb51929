"""Through the real broker: outbox -> relay -> RabbitMQ -> consumers, redelivery and dead letters."""

from __future__ import annotations

import uuid
from datetime import timedelta

from kombu import Producer
from sqlalchemy import func, select

from service.app import create_app
from service.db.models import FollowUp, OutboxMessage, ProcessedEvent
from service.domain.roles import Role
from service.services import organisations, outcomes, users
from tests.days import today
from tests import factories
from tests.workers.conftest import Pipeline, wait_for
from workers import broker, dlq
from workers.outcomes import OutcomesConsumer
from workers.relay import Relay
from workers.topology import EVENTS_EXCHANGE

TODAY = today()  # the organisations' (İzmir's), not the host's


def _caseworker(pathways) -> dict:
    slug = f"pipe-{uuid.uuid4().hex[:10]}"
    _org, _admin, token = organisations.bootstrap(pathways.uow(), slug=slug, name=slug, country="TR",
                                                  admin_email=f"a@{slug}.org")
    principal = users.authenticate(pathways.uow(), token)
    _user, cw_token = users.create(pathways.uow(principal.user_id), principal,
                                   {"email": f"cw@{slug}.org", "role": Role.CASEWORKER})
    return {"admin": {"Authorization": f"Bearer {token}"}, "caseworker": {"Authorization": f"Bearer {cw_token}"}}


def _exits(client, headers, count: int) -> list[str]:
    """`count` trainees enrolled and completed through the API; returns the enrolment ids."""
    project = client.post("/api/v1/projects", headers=headers["admin"], json=factories.project_body()).get_json()
    ids = []
    for _ in range(count):
        trainee = client.post("/api/v1/trainees", headers=headers["caseworker"],
                              json=factories.trainee_body()).get_json()
        enrolment = client.post("/api/v1/enrolments", headers=headers["caseworker"],
                                json=factories.enrolment_body(trainee["id"], project["id"])).get_json()
        done = client.post(f"/api/v1/enrolments/{enrolment['id']}/complete", headers=headers["caseworker"],
                           json={"exited_on": (TODAY - timedelta(days=1)).isoformat(),
                                 "qualification_gained": True})
        assert done.status_code == 200, done.get_json()
        ids.append(enrolment["id"])
    return ids


def _count(pathways, model, *where) -> int:
    with pathways.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def _applied(pathways, consumer: str = "outcomes") -> int:
    """Events of this test (its outbox rows) that `consumer` has applied."""
    return _count(pathways, ProcessedEvent, ProcessedEvent.consumer == consumer,
                  ProcessedEvent.event_id.in_(select(OutboxMessage.id)))


def _exit_envelopes(pathways) -> list[dict]:
    with pathways.uow() as uow:
        return [row.envelope for row in uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.type == "enrolment.completed").order_by(OutboxMessage.id))]


def test_an_exit_written_through_the_api_ends_as_follow_ups_via_the_broker(broker_pathways, pipeline):
    client = create_app(pathways=broker_pathways).test_client()
    [enrolment_id] = _exits(client, _caseworker(broker_pathways), 1)

    def follow_ups():
        """three checkpoints for the exited enrolment"""
        return _count(broker_pathways, FollowUp, FollowUp.enrolment_id == uuid.UUID(enrolment_id)) == 3

    wait_for(follow_ups)
    wait_for(lambda: _count(broker_pathways, OutboxMessage, OutboxMessage.published_at.is_(None)) == 0)
    [envelope] = _exit_envelopes(broker_pathways)
    assert _count(broker_pathways, ProcessedEvent, ProcessedEvent.consumer == "outcomes",
                  ProcessedEvent.event_id == uuid.UUID(envelope["id"])) == 1


def test_the_same_event_delivered_twice_is_applied_once(broker_pathways, pipeline):
    client = create_app(pathways=broker_pathways).test_client()
    [enrolment_id] = _exits(client, _caseworker(broker_pathways), 1)
    wait_for(lambda: _applied(broker_pathways) == 1)
    [envelope] = _exit_envelopes(broker_pathways)
    with broker.connect(broker_pathways.config) as connection:
        Producer(connection.channel(), exchange=EVENTS_EXCHANGE, serializer="json").publish(
            envelope, routing_key=envelope["type"], message_id=envelope["id"])
    consumer = pipeline.consumers["outcomes"]
    before = consumer.applied
    # The duplicate is consumed (acked) without being applied a second time.
    wait_for(lambda: _queue_depth(broker_pathways, "pathways.outcomes") == 0)
    assert consumer.applied == before
    assert _count(broker_pathways, FollowUp, FollowUp.enrolment_id == uuid.UUID(enrolment_id)) == 3
    assert _applied(broker_pathways) == 1


def test_a_batch_redelivered_after_a_crash_leaves_the_state_of_one_delivery(broker_pathways):
    client = create_app(pathways=broker_pathways).test_client()
    enrolment_ids = _exits(client, _caseworker(broker_pathways), 5)
    with broker.connect(broker_pathways.config) as connection:
        Relay(broker_pathways, connection).relay_once()
    # A consumer that applies every event and dies before acking any of them.
    crashed = OutcomesConsumer(broker_pathways)
    with broker.connect(broker_pathways.config) as connection:
        channel = connection.channel()
        crashed.topology.declare(channel)
        queue = crashed.topology.queue()(channel)
        taken = 0
        while (message := queue.get(accept=["json"])) is not None:
            crashed.apply(message.payload)
            taken += 1
        assert taken == 5
    # Connection closed without acks: RabbitMQ redelivers the whole batch to the next consumer.
    running = Pipeline(broker_pathways).start()
    try:
        wait_for(lambda: _queue_depth(broker_pathways, "pathways.outcomes") == 0)
    finally:
        running.stop()
    assert running.consumers["outcomes"].applied == 0  # every redelivery recognised
    for enrolment_id in enrolment_ids:
        assert _count(broker_pathways, FollowUp, FollowUp.enrolment_id == uuid.UUID(enrolment_id)) == 3
    assert _applied(broker_pathways) == 5


def test_a_poison_message_is_dead_lettered_listed_and_replayed_once_fixed(broker_pathways, pipeline, monkeypatch):
    client = create_app(pathways=broker_pathways).test_client()
    headers = _caseworker(broker_pathways)
    # 1. An invalid payload: no retry can mend it, so it goes straight to the dead letters.
    invalid = {"id": str(uuid.uuid4()), "type": "enrolment.completed", "occurred_at": "2026-01-01T00:00:00+00:00",
               "organisation_id": str(uuid.uuid4()), "schema_version": 1, "data": {"enrolment_id": "nope"}}
    with broker.connect(broker_pathways.config) as connection:
        Producer(connection.channel(), exchange=EVENTS_EXCHANGE, serializer="json").publish(
            invalid, routing_key="enrolment.completed", message_id=invalid["id"])
    # 2. A valid event whose handling fails until the cause is fixed (here: a broken rule).
    original = outcomes.on_exits
    failing = set()

    def broken(uow, exits):
        if any(str(enrolment_id) in failing for _organisation_id, enrolment_id in exits):
            raise RuntimeError("rule bug")
        return original(uow, exits)

    monkeypatch.setattr(outcomes, "on_exits", broken)
    [poisoned] = _exits(client, headers, 1)
    failing.add(poisoned)
    # 3. Good messages behind them are not blocked.
    good = _exits(client, headers, 3)
    for enrolment_id in good:
        wait_for(lambda: _count(broker_pathways, FollowUp, FollowUp.enrolment_id == uuid.UUID(enrolment_id)) == 3)

    def both_dead():
        """the invalid and the failing event in the dead-letter queue"""
        return len(dlq.list_dead(broker_pathways, "outcomes")) == 2

    wait_for(both_dead)
    listed = {entry["message_id"]: entry for entry in dlq.list_dead(broker_pathways, "outcomes")}
    assert listed[invalid["id"]]["attempts"] == 1 and "ValidationError" in listed[invalid["id"]]["error"]
    [failed_envelope] = [e for e in _exit_envelopes(broker_pathways) if e["data"]["enrolment_id"] == poisoned]
    failed = listed[failed_envelope["id"]]
    assert failed["attempts"] == 3 and "rule bug" in failed["error"]  # 1 try + 2 retries
    assert _count(broker_pathways, FollowUp, FollowUp.enrolment_id == uuid.UUID(poisoned)) == 0
    assert len(dlq.list_dead(broker_pathways, "outcomes")) == 2  # listing removed nothing

    failing.clear()  # the fix
    assert dlq.replay(broker_pathways, "outcomes", message_id=failed_envelope["id"]) == 1
    wait_for(lambda: _count(broker_pathways, FollowUp, FollowUp.enrolment_id == uuid.UUID(poisoned)) == 3)
    assert [e["message_id"] for e in dlq.list_dead(broker_pathways, "outcomes")] == [invalid["id"]]


def _queue_depth(pathways, name: str) -> int:
    with broker.connect(pathways.config) as connection:
        return connection.channel().queue_declare(name, passive=True).message_count


def test_writes_succeed_while_the_broker_is_unreachable(committing_pg_pathways):
    """No broker at all (a closed port): every write commits and its events wait in the outbox."""
    client = create_app(pathways=committing_pg_pathways).test_client()
    _exits(client, _caseworker(committing_pg_pathways), 2)
    assert _count(committing_pg_pathways, OutboxMessage, OutboxMessage.published_at.is_(None)) >= 6

