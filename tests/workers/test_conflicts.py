"""Consumers and deadlocks on PostgreSQL: the outcomes and metrics consumers do not deadlock each other,
a deadlock that does happen is retried at once (not taken for an outage), every worker transaction has
`lock_timeout` and `statement_timeout`, and no consumer sleeps in its consume loop while the database is away.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

import pytest
from kombu import Connection, Queue
from sqlalchemy import select, text

from schemas.events import load_envelope
from service.db.models import Enrolment, MetricParticipant, OutboxMessage, Trainee
from service.db.session import make_engine, make_session_factory
from service.metrics import projection
from service.services import follow_ups
from tests.reliability.workload import case_through_services, new_programme
from tests.workers.conftest import wait_for
from workers.metrics import MetricsConsumer
from workers.transactions import unit_of_work


@pytest.fixture
def two_cases(committing_pg_pathways):
    """Two trainees, each enrolled and exited, with their events in the outbox (no relay runs)."""
    pathways = committing_pg_pathways
    programme = new_programme(pathways)
    for n in range(2):
        case_through_services(pathways, programme, 2 * n)  # even: no job
    with pathways.uow() as uow:
        trainees = list(uow.session.scalars(select(Trainee.id).where(
            Trainee.organisation_id == programme.organisation_id).order_by(Trainee.id)))
        enrolments = {e.trainee_id: e for e in uow.session.scalars(select(Enrolment).where(
            Enrolment.organisation_id == programme.organisation_id))}
        registered = [row.envelope for row in uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.organisation_id == programme.organisation_id,
            OutboxMessage.type == "trainee.registered").order_by(OutboxMessage.id))]
    return {"organisation_id": programme.organisation_id, "trainees": trainees,
            "enrolments": [enrolments[t] for t in trainees], "registered": registered}


def _backend_waits_for_a_lock(pathways, pid: int) -> bool:
    with pathways.engine.connect() as connection:
        return connection.scalar(text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
                                 {"pid": pid}) is True


def _in_thread(work) -> tuple[threading.Thread, dict]:
    """Run `work(outcome)` on a thread; `outcome` gets its "pid" (backend) and "error", if any."""
    outcome: dict = {}

    def run():
        try:
            work(outcome)
        except Exception as error:  # noqa: BLE001 - the test asserts on it
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    wait_for(lambda: "pid" in outcome or not thread.is_alive(), timeout=10)
    return thread, outcome


def test_the_outcomes_follow_up_inserts_and_the_metrics_refresh_of_the_same_trainees_do_not_deadlock(
        committing_pg_pathways, two_cases):
    """Their shapes: the outcomes consumer inserts follow-ups (a foreign key: FOR KEY SHARE on each trainee,
    in its batch's order), the metrics consumer locks the batch's trainees in id order. With FOR UPDATE the
    two waited for each other (PostgreSQL broke the cycle by aborting one); the metrics lock must not
    conflict with a foreign-key check."""
    pathways = committing_pg_pathways
    first, second = two_cases["enrolments"]
    with pathways.uow() as outcomes:
        follow_ups.schedule_for_exits(outcomes.session, [second])  # the second trainee's key share
        outcomes.session.flush()

        def refresh(outcome):
            with unit_of_work(pathways) as metrics:
                outcome["pid"] = metrics.session.scalar(text("SELECT pg_backend_pid()"))
                projection.refresh(metrics.session, two_cases["organisation_id"], two_cases["trainees"])
                metrics.commit()

        thread, outcome = _in_thread(refresh)
        wait_for(lambda: not thread.is_alive() or _backend_waits_for_a_lock(pathways, outcome["pid"]), timeout=10)
        follow_ups.schedule_for_exits(outcomes.session, [first])  # the first trainee's key share
        outcomes.session.flush()
        outcomes.commit()
    thread.join(timeout=30)
    assert "error" not in outcome, outcome["error"]
    with pathways.uow() as uow:
        assert uow.session.scalar(select(MetricParticipant.trainee_id).where(
            MetricParticipant.trainee_id == two_cases["trainees"][1])) is not None


def _messages(envelopes: list[dict]):
    """Real Kombu messages (in-memory transport) carrying these events, as a consumer receives them."""
    connection = Connection("memory://")
    channel = connection.channel()
    queue = Queue("conflicts", durable=False)(channel)
    queue.declare()
    for envelope in envelopes:
        connection.Producer(channel).publish(envelope, routing_key="conflicts", serializer="json")
    messages = [queue.get(accept=["json"]) for _ in envelopes]
    return connection, channel, messages


def test_a_deadlock_is_retried_at_once_and_the_batch_applied_and_acked(committing_pg_pathways, two_cases, caplog):
    """A transaction locking the two trainees in the opposite order makes a real deadlock with the metrics
    consumer's batch; PostgreSQL aborts the consumer's side (the other waits 30 s before it checks), which
    runs its transaction again at once: the batch is applied and acked, nothing requeued, no back-off."""
    pathways = committing_pg_pathways
    first, second = two_cases["trainees"]
    consumer = MetricsConsumer(pathways)
    connection, consumer._channel, messages = _messages(two_cases["registered"])
    for message in messages:
        consumer.on_message(message.payload, message)
    other = pathways.engine.connect()
    try:
        transaction = other.begin()
        other.execute(text("SET LOCAL deadlock_timeout = '30s'"))
        other.execute(select(Trainee.id).where(Trainee.id == second).with_for_update())

        def flush(outcome):
            outcome["pid"] = None  # the consumer's backend is found below, waiting on the second trainee
            consumer._flush()

        with caplog.at_level(logging.INFO):
            thread, outcome = _in_thread(flush)
            wait_for(lambda: not thread.is_alive() or _waiting_backends(pathways, other), timeout=10)
            other.execute(select(Trainee.id).where(Trainee.id == first).with_for_update())  # the cycle
            transaction.commit()
            thread.join(timeout=30)
    finally:
        other.close()
        connection.close()
    assert "error" not in outcome, outcome["error"]
    retried = [r.getMessage() for r in caplog.records if r.name == "workers.transactions"]
    assert any("DeadlockDetected" in message for message in retried), retried
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "no outage, no failed attempt"
    assert [message._state for message in messages] == ["ACK", "ACK"]
    assert consumer._pending == [] and consumer._resume_at == 0.0
    with pathways.uow() as uow:
        assert len(list(uow.session.scalars(select(MetricParticipant.trainee_id).where(
            MetricParticipant.trainee_id.in_([first, second]))))) == 2


def _waiting_backends(pathways, other) -> bool:
    """Whether another backend waits for a lock that `other`'s transaction holds."""
    pid = other.scalar(text("SELECT pg_backend_pid()"))
    with pathways.engine.connect() as connection:
        blocked = text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))")
        return bool(connection.scalar(blocked, {"pid": pid}))


def test_worker_transactions_have_lock_and_statement_timeouts_and_the_api_has_none(committing_pg_pathways,
                                                                                  two_cases):
    pathways = dataclasses.replace(committing_pg_pathways, config=committing_pg_pathways.config.with_overrides(
        worker_lock_timeout_seconds=2.5, worker_statement_timeout_seconds=45))
    seen: list[tuple[str, str]] = []

    class Watched(MetricsConsumer):  # the metrics consumer's own transaction, as it applies a batch
        def handle_batch(self, events, uow):
            seen.append((uow.session.scalar(text("SHOW lock_timeout")),
                         uow.session.scalar(text("SHOW statement_timeout"))))

    Watched(pathways).apply_batch([load_envelope(two_cases["registered"][0])])
    with unit_of_work(pathways) as uow:
        seen.append((uow.session.scalar(text("SHOW lock_timeout")), uow.session.scalar(text("SHOW statement_timeout"))))
    with pathways.uow() as uow:  # the API's units of work, on the same pooled connections
        api = (uow.session.scalar(text("SHOW lock_timeout")), uow.session.scalar(text("SHOW statement_timeout")))
    assert seen == [("2500ms", "45s"), ("2500ms", "45s")]
    assert api == ("0", "0")


def test_a_worker_gives_up_waiting_for_a_lock_after_lock_timeout(committing_pg_pathways, two_cases):
    pathways = dataclasses.replace(committing_pg_pathways, config=committing_pg_pathways.config.with_overrides(
        worker_lock_timeout_seconds=0.3))
    consumer = MetricsConsumer(pathways)
    connection, consumer._channel, messages = _messages(two_cases["registered"])
    with pathways.engine.connect() as other:
        other.begin()
        other.execute(select(Trainee.id).where(Trainee.id == two_cases["trainees"][0]).with_for_update())
        for message in messages:
            consumer.on_message(message.payload, message)
        consumer._flush()  # returns: the lock wait ended after 0.3 s
        assert [message._state for message in messages] == ["RECEIVED", "RECEIVED"]  # kept, unacked
        assert len(consumer._pending) == 2 and consumer._resume_at > time.monotonic() - 1
        other.rollback()
    consumer._resume_at = 0.0  # the back-off is over
    consumer._flush()
    connection.close()
    assert [message._state for message in messages] == ["ACK", "ACK"]


def test_a_consumer_does_not_sleep_in_its_loop_while_the_database_is_away(committing_pg_pathways, two_cases):
    """The messages stay with the consumer (unacked, not requeued to come straight back) and the consume loop
    goes on (heartbeats, deliveries); the batch is tried again after a back-off of at most 2 s."""
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # nothing listens on port 1
    away = dataclasses.replace(committing_pg_pathways, engine=engine, session_factory=make_session_factory(engine))
    consumer = MetricsConsumer(away)
    connection, consumer._channel, messages = _messages(two_cases["registered"])
    for message in messages:
        consumer.on_message(message.payload, message)
    waits = []
    for _attempt in range(4):
        started = time.monotonic()
        consumer._flush()
        assert time.monotonic() - started < 0.5, "the consume loop was held up"
        waits.append(round(consumer._resume_at - time.monotonic(), 1))
        consumer._resume_at = 0.0
    connection.close()
    engine.dispose()
    assert [message._state for message in messages] == ["RECEIVED", "RECEIVED"]
    assert len(consumer._pending) == 2
    assert max(waits) <= 2.0, waits
