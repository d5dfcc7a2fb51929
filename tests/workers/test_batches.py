"""Consumers apply the messages that arrive together in one transaction, and fall back one by one."""

from __future__ import annotations

import threading
import uuid

from kombu import Producer

from service.app import create_app
from service.db.models import FollowUp, ProcessedEvent
from tests.workers.conftest import wait_for
from tests.workers.test_pipeline import _caseworker, _count, _exit_envelopes, _exits, _queue_depth
from workers import broker, dlq
from workers.outcomes import OutcomesConsumer
from workers.relay import Relay
from workers.topology import EVENTS_EXCHANGE


def test_a_batch_with_a_poison_message_and_a_duplicate_applies_the_rest_once(broker_pathways, monkeypatch):
    client = create_app(pathways=broker_pathways).test_client()
    enrolment_ids = _exits(client, _caseworker(broker_pathways), 8)
    poisoned = enrolment_ids[3]
    original = OutcomesConsumer.handle

    def broken(self, event, uow):
        if str(event["data"]["enrolment_id"]) == poisoned:
            raise RuntimeError("rule bug")
        return original(self, event, uow)

    batches: list[int] = []
    original_batch = OutcomesConsumer.apply_batch

    def counted(self, events):
        batches.append(len(events))
        return original_batch(self, events)

    monkeypatch.setattr(OutcomesConsumer, "handle", broken)
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
