"""Consumers apply the messages that arrive together in one transaction, and fall back one by one."""

from __future__ import annotations

import functools
import threading
import uuid

import pytest
from kombu import Consumer, Producer
from sqlalchemy import delete

from schemas.events import dump_envelope, load_envelope
from service.app import create_app
from service.clock import utcnow
from service.db.models import FollowUp, ProcessedEvent
from service.domain.events import Envelope, TraineeRegistered
from service.services import outcomes
from tests.workers.conftest import wait_for
from tests.workers.test_pipeline import _caseworker, _count, _exit_envelopes, _exits, _queue_depth
from workers import broker, dlq
from workers.base import BATCH_SIZE, PREFETCH, EventConsumer
from workers.outcomes import OutcomesConsumer
from workers.relay import Relay
from workers.topology import DEFAULT_EXCHANGE, EVENTS_EXCHANGE


def test_a_batch_with_a_poison_message_and_a_duplicate_applies_the_rest_once(broker_pathways, monkeypatch):
    client = create_app(pathways=broker_pathways).test_client()
    enrolment_ids = _exits(client, _caseworker(broker_pathways), 8)
    poisoned = enrolment_ids[3]
    original = outcomes.on_exits

    def broken(uow, exits):
        if any(str(enrolment_id) == poisoned for _organisation_id, enrolment_id in exits):
            raise RuntimeError("rule bug")
        return original(uow, exits)

    batches: list[int] = []
    original_batch = OutcomesConsumer.apply_batch

    def counted(self, events):
        batches.append(len(events))
        return original_batch(self, events)

    monkeypatch.setattr(outcomes, "on_exits", broken)
    monkeypatch.setattr(OutcomesConsumer, "apply_batch", counted)
    consumer = OutcomesConsumer(broker_pathways, broker.connect(broker_pathways.config))
    with broker.connect(broker_pathways.config) as connection:
        channel = connection.channel()
        consumer.topology.declare(channel)
        Relay(broker_pathways, connection).relay_once()  # all eight exits queued before the consumer starts
        duplicate = _exit_envelopes(broker_pathways)[0]
        Producer(channel, exchange=EVENTS_EXCHANGE, serializer="json").publish(
            duplicate, routing_key=duplicate["type"], message_id=duplicate["id"])
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(dlq.list_dead(broker_pathways, "outcomes")) == 1)
        wait_for(lambda: _queue_depth(broker_pathways, "pathways.outcomes") == 0)
    finally:
        consumer.should_stop = True
        thread.join(timeout=10)
    assert max(batches) >= 2  # they were applied together, not one message per transaction
    for enrolment_id in enrolment_ids:
        expected = 0 if enrolment_id == poisoned else 3
        assert _count(broker_pathways, FollowUp, FollowUp.enrolment_id == uuid.UUID(enrolment_id)) == expected
    assert consumer.applied == 7
    assert _count(broker_pathways, ProcessedEvent, ProcessedEvent.consumer == "outcomes",
                  ProcessedEvent.event_id == uuid.UUID(duplicate["id"])) == 1
    [dead] = dlq.list_dead(broker_pathways, "outcomes")
    assert "rule bug" in dead["error"] and dead["attempts"] == 3


class _Recording(EventConsumer):
    """Not registered: records the events it applies; with `gate`, holds its transaction open until the gate opens."""

    name = "batch-test"
    routing_keys = ("batch-test.event",)

    def __init__(self, pathways, connection=None, gate: threading.Event | None = None, fail: bool = False):
        super().__init__(pathways, connection)
        self.gate, self.fail = gate, fail
        self.batches: list[list] = []

    def handle_batch(self, events, uow) -> None:
        self.batches.append([envelope.id for envelope in events])
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail:
            raise RuntimeError("rule bug")


def _registered(event_id: uuid.UUID) -> dict:
    """A `trainee.registered` envelope as the outbox writes it, with this id."""
    return dump_envelope(Envelope(event_id, utcnow(), TraineeRegistered(organisation_id=uuid.uuid4(),
                                                                        trainee_id=uuid.uuid4())))


def _forget(pathways, consumer: str) -> None:
    with pathways.uow() as uow:
        uow.session.execute(delete(ProcessedEvent).where(ProcessedEvent.consumer == consumer))
        uow.commit()


@pytest.mark.parametrize("first_commits", [True, False])
def test_a_consumer_claiming_an_event_that_another_is_applying_waits_for_its_outcome(committing_pg_pathways,
                                                                                     first_commits):
    """The inbox row is written first: the second consumer waits on it, then skips the event if the first
    committed, or applies it if the first rolled back."""
    shared, only_first, only_second = (uuid.uuid4() for _ in range(3))
    gate = threading.Event()
    first = _Recording(committing_pg_pathways, gate=gate, fail=not first_commits)
    second = _Recording(committing_pg_pathways)
    outcomes: dict[str, object] = {}

    def run(key, consumer, ids):
        try:
            outcomes[key] = consumer.apply_batch([load_envelope(_registered(event_id)) for event_id in ids])
        except RuntimeError as error:
            outcomes[key] = error

    threads = [threading.Thread(target=run, args=("first", first, [only_first, shared]))]
    threads[0].start()
    try:
        wait_for(lambda: first.batches, timeout=10)  # claimed, and applying
        threads.append(threading.Thread(target=run, args=("second", second, [shared, only_second])))
        threads[1].start()
        threads[1].join(0.5)
        assert threads[1].is_alive() and second.batches == []  # waiting on the shared event's inbox row
    finally:
        gate.set()
        for thread in threads:
            thread.join(10)
    try:
        if first_commits:
            assert outcomes == {"first": 2, "second": 1}
            assert second.batches == [[only_second]]
        else:
            assert isinstance(outcomes["first"], RuntimeError) and outcomes["second"] == 2
            assert sorted(second.batches[0]) == sorted([shared, only_second])
        assert _count(committing_pg_pathways, ProcessedEvent, ProcessedEvent.consumer == "batch-test",
                      ProcessedEvent.event_id == shared) == 1
    finally:
        _forget(committing_pg_pathways, "batch-test")


def test_batches_hold_at_most_batch_size_messages_while_the_broker_sends_further_ahead(broker_pathways):
    count = BATCH_SIZE * 5 // 2
    consumer = _Recording(broker_pathways, broker.connect(broker_pathways.config))
    with broker.connect(broker_pathways.config) as connection:
        channel = connection.channel()
        consumer.topology.declare(channel)
        [kombu_consumer] = consumer.get_consumers(functools.partial(Consumer, channel), channel)
        assert kombu_consumer.prefetch_count == PREFETCH > BATCH_SIZE
        producer = Producer(channel, exchange=DEFAULT_EXCHANGE, serializer="json")
        for _ in range(count):
            envelope = _registered(uuid.uuid4())
            producer.publish(envelope, routing_key=consumer.topology.queue_name, message_id=envelope["id"])
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: consumer.applied == count)
    finally:
        consumer.should_stop = True
        thread.join(timeout=10)
        with broker.connect(broker_pathways.config) as connection:
            channel = connection.channel()
            for queue in (consumer.topology.queue(), *consumer.topology.wait_queues(),
                          consumer.topology.dead_letter_queue()):
                queue(channel).delete()
        _forget(broker_pathways, "batch-test")
    sizes = [len(batch) for batch in consumer.batches]
    assert sum(sizes) == count and max(sizes) == BATCH_SIZE  # full batches, none larger
