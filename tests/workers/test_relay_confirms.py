"""The relay publishes a batch and awaits its confirms once: only what the broker acked is marked sent.

First the delivery-tag bookkeeping against a scripted channel (through Kombu's Producer), then the
relay against the real RabbitMQ: a whole batch, a batch the broker partly refuses, a batch whose
confirms never arrive, the message a consumer receives, and one confirm wait per batch.
"""

from __future__ import annotations

import itertools
import socket
import uuid
from collections import defaultdict

import pytest
from amqp.exceptions import MessageNacked
from kombu import Exchange, Producer, Queue
from sqlalchemy import select

from service.db.models import OutboxMessage
from service.domain.events import TraineeRegistered
from workers import broker
from workers.confirms import ConfirmedBatches
from workers.relay import Relay
from workers.topology import EVENTS_EXCHANGE

TYPE = "trainee.registered"


class ScriptedChannel:
    """Records publishes; each drain delivers the next scripted confirm, then the socket times out."""

    def __init__(self, *confirms: tuple[str, int, bool]):
        self.events = defaultdict(set)
        self.published: list[str] = []
        self.script = list(confirms)
        self.connection = self

    def confirm_select(self):
        pass

    def prepare_message(self, body, priority, content_type, content_encoding, headers, properties):
        return body

    def basic_publish(self, message, exchange, routing_key, **options):
        self.published.append(message)

    def drain_events(self, timeout):
        if not self.script:
            raise TimeoutError("nothing more from the broker")
        event, tag, multiple = self.script.pop(0)
        for callback in self.events[event]:
            callback(tag, multiple)


def _batches(channel: ScriptedChannel) -> ConfirmedBatches:
    return ConfirmedBatches(Producer(channel, exchange=Exchange("x"), serializer="json", auto_declare=False))


def _publish(batches: ConfirmedBatches, keys: str) -> list[str]:
    confirmed: list[str] = []
    batches.publish([(key, f"body {key}", TYPE, {}) for key in keys], confirmed=confirmed, timeout=1)
    return confirmed


def test_an_ack_with_multiple_confirms_every_earlier_tag_and_tags_run_on_across_batches():
    channel = ScriptedChannel(("basic_ack", 2, True), ("basic_ack", 3, False), ("basic_ack", 5, True))
    batches = _batches(channel)
    assert _publish(batches, "abc") == ["a", "b", "c"]
    assert _publish(batches, "de") == ["d", "e"]  # the second batch carries tags 4 and 5
    assert channel.published == ['"body a"', '"body b"', '"body c"', '"body d"', '"body e"']  # JSON


def test_nacked_messages_are_not_confirmed_and_the_batch_reports_the_refusal():
    batches = _batches(ScriptedChannel(("basic_ack", 1, False), ("basic_nack", 3, True), ("basic_ack", 4, False)))
    confirmed: list[str] = []
    with pytest.raises(MessageNacked):
        batches.publish([(key, key, TYPE, {}) for key in "abcd"], confirmed=confirmed, timeout=1)
    assert confirmed == ["a", "d"]


def test_messages_without_a_confirm_are_not_confirmed_when_the_wait_ends():
    batches = _batches(ScriptedChannel(("basic_ack", 2, True)))
    confirmed: list[str] = []
    with pytest.raises(TimeoutError):
        batches.publish([(key, key, TYPE, {}) for key in "abc"], confirmed=confirmed, timeout=1)
    assert confirmed == ["a", "b"]


# --- against RabbitMQ ---------------------------------------------------------------------------------

def _record(pathways, count: int) -> list[uuid.UUID]:
    """`count` outbox rows of one fresh organisation; returns their ids in publishing order."""
    organisation_id = uuid.uuid4()  # outbox rows name their organisation without a foreign key
    with pathways.uow() as uow:
        for _ in range(count):
            uow.record(TraineeRegistered(organisation_id=organisation_id, trainee_id=uuid.uuid4()))
        uow.commit()
    with pathways.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.organisation_id == organisation_id).order_by(OutboxMessage.id)))


def _rows(pathways, ids: list[uuid.UUID]) -> list[OutboxMessage]:
    with pathways.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                        .order_by(OutboxMessage.id)))


@pytest.fixture
def relay_connection(broker_pathways):
    """A connection as the relay gets one, after earlier tests' leftover rows are published."""
    with broker.connect(broker_pathways.config) as connection:
        while Relay(broker_pathways, connection).relay_once():
            pass
        yield connection


@pytest.fixture
def listen(broker_pathways):
    """listen(**queue_arguments) -> a queue of this test bound to every `trainee.registered` event."""
    with broker.connect(broker_pathways.config) as connection:
        channel = connection.channel()
        queues = []

        def declare(**arguments) -> Queue:
            queue = Queue(f"pathways.test.{uuid.uuid4().hex}", exchange=EVENTS_EXCHANGE, routing_key=TYPE,
                          queue_arguments=arguments or None)(channel)
            queue.declare()
            queues.append(queue)
            return queue

        yield declare
        for queue in queues:
            queue.delete()


def _drain(queue: Queue) -> list:
    messages = []
    while (message := queue.get(no_ack=True, accept=["json"])) is not None:
        messages.append(message)
    return messages


def test_one_pass_publishes_a_batch_once_each_and_marks_it_all_published(broker_pathways, relay_connection, listen):
    queue = listen()
    ids = _record(broker_pathways, 60)
    assert Relay(broker_pathways, relay_connection, batch_size=100).relay_once() == 60
    assert all(row.published_at is not None and row.claimed_until is None for row in _rows(broker_pathways, ids))
    received = [message.properties["message_id"] for message in _drain(queue)]
    assert sorted(received) == sorted(map(str, ids))  # each exactly once


def test_rows_the_broker_refuses_are_released_and_published_on_a_later_pass(broker_pathways, relay_connection,
                                                                            listen):
    everything = listen()
    full = listen(**{"x-max-length": 3, "x-overflow": "reject-publish"})  # RabbitMQ nacks what it cannot hold
    ids = _record(broker_pathways, 10)
    with pytest.raises(MessageNacked):
        Relay(broker_pathways, relay_connection, batch_size=100).relay_once()
    rows = _rows(broker_pathways, ids)
    assert [row.id for row in rows if row.published_at] == ids[:3]
    assert all(row.published_at is None and row.claim_token is None for row in rows[3:])  # released, not leased
    full.delete()
    with broker.connect(broker_pathways.config) as connection:
        assert Relay(broker_pathways, connection, batch_size=100).relay_once() == 7
    assert all(row.published_at is not None for row in _rows(broker_pathways, ids))
    received = [message.properties["message_id"] for message in _drain(everything)]
    assert set(received) == set(map(str, ids))  # at least once: a refused message may also have been queued


def test_rows_whose_confirms_do_not_arrive_are_published_on_a_later_pass(broker_pathways, relay_connection,
                                                                        listen, monkeypatch):
    queue = listen()
    ids = _record(broker_pathways, 25)
    relay = Relay(broker_pathways, relay_connection, batch_size=100)
    channel = relay.batches().producer.channel
    publish, sent = channel.basic_publish, itertools.count(1)

    def connection_lost_after_ten(*args, **kwargs):
        publish(*args, **kwargs)
        if next(sent) == 10:
            channel.connection.sock.shutdown(socket.SHUT_RDWR)

    monkeypatch.setattr(channel, "basic_publish", connection_lost_after_ten)
    with pytest.raises(broker.broker_errors(relay_connection)):
        relay.relay_once()
    rows = _rows(broker_pathways, ids)
    confirmed = [row.id for row in rows if row.published_at]
    assert confirmed == ids[:len(confirmed)] and len(confirmed) <= 10  # at most what the broker acked in time
    assert all(row.published_at is None and row.claim_token is None for row in rows[len(confirmed):])  # released
    with broker.connect(broker_pathways.config) as connection:
        assert Relay(broker_pathways, connection, batch_size=100).relay_once() == 25 - len(confirmed)
    assert all(row.published_at is not None for row in _rows(broker_pathways, ids))
    received = [message.properties["message_id"] for message in _drain(queue)]
    assert set(received) == set(map(str, ids))  # at least once: unconfirmed copies may have got through too


def test_a_consumer_receives_the_message_kombus_producer_used_to_send(broker_pathways, relay_connection, listen):
    queue = listen()
    [event_id] = _record(broker_pathways, 1)
    assert Relay(broker_pathways, relay_connection).relay_once() == 1
    [row] = _rows(broker_pathways, [event_id])
    # The relay's publish before batched confirms, for comparison.
    Producer(relay_connection.channel(), exchange=EVENTS_EXCHANGE, serializer="json").publish(
        row.envelope, routing_key=row.type, delivery_mode=2, message_id="the-old-way")
    relayed, old_way = _drain(queue)
    assert relayed.properties["message_id"] == str(event_id)
    assert relayed.delivery_info["routing_key"] == TYPE and relayed.delivery_info["exchange"] == EVENTS_EXCHANGE.name
    assert relayed.properties["delivery_mode"] == 2
    assert relayed.content_type == "application/json" and relayed.payload == row.envelope
    assert {**relayed.properties, "message_id": None} == {**old_way.properties, "message_id": None}
    assert (relayed.headers, relayed.body, relayed.content_encoding) == (old_way.headers, old_way.body,
                                                                       old_way.content_encoding)


def test_a_batch_is_published_through_kombus_producer_and_its_confirms_awaited_once(broker_pathways,
                                                                                   relay_connection, listen,
                                                                                   monkeypatch):
    """Each message goes through Producer.publish (Kombu's public API, no confirm wait of its own, though
    broker.connect's connection asks py-amqp for one per message), and the batch waits for the broker once."""
    queue = listen()
    ids = _record(broker_pathways, 30)
    relay = Relay(broker_pathways, relay_connection, batch_size=100)
    producer = relay.batches().producer
    publishes, waits = [], []
    publish, drain = Producer.publish, producer.channel.connection.drain_events
    monkeypatch.setattr(Producer, "publish", lambda self, *a, **k: publishes.append(k["message_id"]) or
                        publish(self, *a, **k))
    monkeypatch.setattr(producer.channel.connection, "drain_events", lambda **k: waits.append(k) or drain(**k))
    assert relay.relay_once() == 30
    assert publishes == [str(event_id) for event_id in ids]
    # py-amqp polls with timeout 0 before each publish (for connection.blocked); the confirm waits block.
    waits = [wait for wait in waits if wait.get("timeout") != 0]
    assert 1 <= len(waits) <= 3, waits  # one wait (or a few, while the acks arrive), not one per message
    assert sorted(message.properties["message_id"] for message in _drain(queue)) == sorted(map(str, ids))


def test_a_connection_handed_over_open_still_publishes_and_marks_every_row(broker_pathways, relay_connection, listen):
    """Opened with broker.connect's per-message confirms before the relay got it: slower, the same result."""
    queue = listen()
    ids = _record(broker_pathways, 20)
    with broker.connect(broker_pathways.config) as connection:
        connection.channel()  # open, so its channels wait for each confirm
        assert Relay(broker_pathways, connection, batch_size=100).relay_once() == 20
    assert all(row.published_at is not None for row in _rows(broker_pathways, ids))
    assert sorted(message.properties["message_id"] for message in _drain(queue)) == sorted(map(str, ids))
