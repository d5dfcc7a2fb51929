"""The base every consumer stands on: decode, validate, apply once, ack after commit.

A subclass names its queue and declares `handlers = {EventClass: method}`: its queue is bound
to those classes' routing keys, and each method is given, in order, the consecutive events it
handles (typed `Envelope`s, so that it may apply them together) and the unit of work. Which
consumer handles which event class is also the table of tests/unit/test_event_catalogue.py, so
that a new class is handled or left alone by each consumer on purpose. The base owns
the rest: the envelope and payload are loaded with `schemas.events`; the messages
that arrive together (up to `BATCH_SIZE`, or what came within `BATCH_WAIT_SECONDS`) are
applied in one unit of work, which first records their event ids (so that a redelivery
changes nothing, and a competing consumer holding the same event waits, then skips it);
they are acked only after that commit. A batch that fails is applied
again message by message, so that one bad event cannot hold up the others. A failure is
never acked as done: the message is first republished, with a confirm, to the wait
queue of its next attempt (or, after the last, to the dead-letter queue), and only then
acked. Invalid messages go straight to the dead letters: retrying cannot mend them.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any, ClassVar, cast

from kombu import Connection, Consumer, Message, Producer
from kombu.mixins import ConsumerMixin
from marshmallow import ValidationError
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from schemas.events import load_envelope
from service.bootstrap import Pathways
from service.clock import utcnow
from service.db.models import ProcessedEvent
from service.db.session import DATABASE_UNAVAILABLE, is_conflict
from service.domain.events import Envelope, Event
from service.services.unit_of_work import UnitOfWork
from workers.backoff import Backoff
from workers.broker import is_amqp
from workers.topology import DEFAULT_EXCHANGE, ConsumerTopology
from workers.transactions import retrying_conflicts, unit_of_work

log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-pathways-attempts"
ERROR_HEADER = "x-pathways-error"
FAILED_AT_HEADER = "x-pathways-failed-at"
#: The most messages applied in one transaction (200 rather than 100: a commit and a dozen round trips
#: per batch, shared by twice the events, gave about 10 % more events/s in an A/B of the metrics consumer).
BATCH_SIZE = 200
#: Unacked messages the broker sends ahead: the next batch arrives while one is applied (with the
#: prefetch equal to the batch, the consumer waited for each batch to be delivered after the last ack).
PREFETCH = 2 * BATCH_SIZE
#: A batch is applied when it is full or its first message has waited this long.
BATCH_WAIT_SECONDS = 0.05
#: The longest an idle consumer waits on the broker before it looks again (see `consume`): on the
#: embedded broker a message sent to an idle worker waits about half of it on average.
IDLE_WAIT_SECONDS = 0.5
#: How often, at most, the embedded broker's wait queues are looked at for retries that fell due.
PUMP_INTERVAL_SECONDS = 1.0


#: A consumer's method for one event class: given consecutive envelopes of the classes it handles.
Handler = Callable[[Any, list[Envelope], UnitOfWork], None]


class EventConsumer(ConsumerMixin):
    name: ClassVar[str]
    #: What the consumer applies: each event class with the method that applies it.
    handlers: ClassVar[dict[type[Event], Handler]] = {}
    #: What its queue is bound to: derived from `handlers`.
    routing_keys: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "handlers" in cls.__dict__:
            cls.routing_keys = tuple(event_class.routing_key for event_class in cls.handlers)

    def __init__(self, pathways: Pathways, connection: Connection | None = None):
        self.pathways = pathways
        self.connection = connection
        self.topology = ConsumerTopology(self.name, self.routing_keys, pathways.config.retry_delays,
                                         pathways.config.queue_type)
        self.applied = 0
        self._database = Backoff(log, self.name)
        self._broker = Backoff(log, self.name)
        #: While the database is away, pending messages wait (unacked, in order) until this moment.
        self._resume_at = 0.0
        self._pending: list[tuple[dict, Message]] = []
        self._pending_since = 0.0

    # -- what a subclass provides -------------------------------------------------------

    def handle_batch(self, envelopes: list[Envelope], uow: UnitOfWork) -> None:
        """Apply loaded events inside `uow`, in order: each run of consecutive events that one method
        handles goes to it at once. Raise to have them retried. Events of a class the consumer does
        not handle (none reach its queue but by hand) change nothing."""
        known = [envelope for envelope in envelopes if type(envelope.event) in self.handlers]
        for handler, run in groupby(known, key=lambda envelope: self.handlers[type(envelope.event)]):
            handler(self, list(run), uow)

    def on_tick(self) -> None:
        """Called between messages, at least every `IDLE_WAIT_SECONDS` (periodic work)."""

    # -- applying an event ----------------------------------------------------------------

    def apply(self, body: dict) -> bool:
        """Load and apply one event body exactly once in effect; False if seen before."""
        envelope = load_envelope(body)

        def transaction() -> bool:
            with unit_of_work(self.pathways) as uow:
                if not _claim(uow.session, self.name, [envelope.id]):
                    return False
                self.handle_batch([envelope], uow)
                uow.commit()
                return True

        if not retrying_conflicts(transaction, self.name):
            return False
        self.applied += 1
        return True

    def apply_batch(self, envelopes: list[Envelope]) -> int:
        """Apply loaded events in one transaction, each at most once; returns how many were new.

        Raises when any of them fails: then nothing of the batch is committed.
        """
        unique = {envelope.id: envelope for envelope in envelopes}

        def transaction() -> set:
            with unit_of_work(self.pathways) as uow:
                claimed = _claim(uow.session, self.name, list(unique))
                self.handle_batch([envelope for event_id, envelope in unique.items() if event_id in claimed], uow)
                uow.commit()
                return claimed

        fresh = retrying_conflicts(transaction, self.name)
        self.applied += len(fresh)
        return len(fresh)

    # -- Kombu ------------------------------------------------------------------------------

    def get_consumers(self, consumer_cls, channel) -> list[Consumer]:
        self.topology.declare(channel)
        return [consumer_cls(queues=[self.topology.queue()], callbacks=[self.on_message],
                             accept=["json"], prefetch_count=PREFETCH)]

    def on_consume_ready(self, connection, channel, consumers, **kwargs) -> None:
        # ConsumerMixin consumes on a clone of self.connection: republish on the live one.
        self._live, self._channel = connection, channel
        # What was pending came on a connection that is gone: the broker delivers it again on this one.
        # (Acking it on the dead channel failed, which closed this one too, with 400 deliveries in flight.)
        self._pending = [(body, message) for body, message in self._pending if message.channel is channel]
        self._broker.succeeded()

    @contextmanager
    def establish_connection(self):
        """ConsumerMixin's, retrying every `backoff.MAX_SECONDS` at most (Kombu's default waits up to 30 s)."""
        with self.create_connection() as connection:
            connection.ensure_connection(self.on_connection_error, self.connect_max_retries,
                                         interval_start=self._broker.first, interval_step=self._broker.first,
                                         interval_max=self._broker.cap)
            yield connection

    def on_connection_error(self, error: Exception, interval: float) -> None:
        self._broker.failed("broker", error)

    def on_decode_error(self, message: Message, error: Exception) -> None:
        """Not JSON: no attempt can succeed, so dead-letter the raw body (never drop it)."""
        self._send_on(message, message.body, error, self.topology.dead_letter_name,
                      content_type=message.content_type, content_encoding=message.content_encoding)

    def on_message(self, body, message: Message) -> None:
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append((body, message))
        if len(self._pending) >= BATCH_SIZE:
            self._flush()

    def _flush(self) -> None:
        """Apply what is pending as one batch; on failure, one by one (retries, dead letters)."""
        if time.monotonic() < self._resume_at:
            return  # the database was away a moment ago: the messages wait, and the loop goes on
        pending, self._pending = self._pending[:BATCH_SIZE], self._pending[BATCH_SIZE:]
        valid: list[tuple[Envelope, Message]] = []
        for body, message in pending:
            try:
                valid.append((load_envelope(body if isinstance(body, dict) else {}), message))
            except ValidationError as error:
                self._send_on(message, body, error, self.topology.dead_letter_name)
        if not valid:
            return
        try:
            self.apply_batch([event for event, _message in valid])
        except Exception as error:  # noqa: BLE001 - retried below, message by message
            if isinstance(error, DATABASE_UNAVAILABLE) and not is_conflict(error):
                self._wait_for_database(error, pending)
                return
            log.info("%s: a batch of %d failed (%s); applying one by one", self.name, len(valid),
                     error.__class__.__name__)
        else:
            self._database.succeeded()
            for _event, message in valid:
                self._ack(message)
            return
        for index, (body, message) in enumerate(pending):
            if message.acknowledged:
                continue
            if (unavailable := self._process_one(body, message)) is not None:
                self._wait_for_database(unavailable, pending[index:])
                return

    def _process_one(self, body, message: Message) -> Exception | None:
        """Apply one message, or send it on to be retried; the error when the database is away (not sent on)."""
        try:
            self.apply(body if isinstance(body, dict) else {})
        except DATABASE_UNAVAILABLE as error:
            if not is_conflict(error):
                return error
            attempts = int((message.headers or {}).get(ATTEMPTS_HEADER, 0)) + 1
            self._send_on(message, body, error, self.topology.after_failure(attempts), attempts)
        except ValidationError as error:
            self._send_on(message, body, error, self.topology.dead_letter_name)
        except Exception as error:  # noqa: BLE001 - any failure is retried, then dead-lettered
            attempts = int((message.headers or {}).get(ATTEMPTS_HEADER, 0)) + 1
            self._send_on(message, body, error, self.topology.after_failure(attempts), attempts)
        else:
            self._ack(message)
        return None

    def _wait_for_database(self, error: Exception, pending: list[tuple[dict, Message]]) -> None:
        """Not the events' fault: keep them (unacked, first in line) and try again after a back-off.

        Nothing sleeps here: the consume loop goes on (heartbeats, the broker's deliveries), and
        `_flush` does nothing until `_resume_at`, which is at most `backoff.MAX_SECONDS` away.
        """
        self._resume_at = time.monotonic() + self._database.failed("database", error)
        self._pending = [(body, message) for body, message in pending if not message.acknowledged] + self._pending

    def _ack(self, message: Message) -> None:
        """Ack, unless the message came on a connection that has since died: the broker redelivers
        it (the consumers are idempotent), and acking it on the dead channel fails for nothing."""
        if message.channel is not getattr(self, "_channel", message.channel):
            log.debug("%s: dropped the ack of a delivery of a lost connection", self.name)
            return
        message.ack()

    def _send_on(self, message: Message, body, error: Exception, queue_name: str, attempts: int = 1,
                 **encoding) -> None:
        log.warning("%s: event %s failed (attempt %d, %s); to %s", self.name, message.properties.get(
            "message_id"), attempts, error.__class__.__name__, queue_name, exc_info=error)
        headers = {**(message.headers or {}), ATTEMPTS_HEADER: attempts,
                   ERROR_HEADER: f"{error.__class__.__name__}: {error}"[:500],
                   FAILED_AT_HEADER: utcnow().isoformat()}
        Producer(self._channel, exchange=DEFAULT_EXCHANGE).publish(
            body, routing_key=queue_name, headers=headers, delivery_mode=2,
            message_id=message.properties.get("message_id"), **(encoding or {"serializer": "json"}))
        self._ack(message)  # only now: the message is safe in its next queue

    def on_iteration(self) -> None:
        if self._pending and time.monotonic() - self._pending_since >= BATCH_WAIT_SECONDS:
            self._flush()
        if getattr(self, "_live", None) is not None and not is_amqp(self._live) and self._pump_due():
            self._pump_waiting(self._channel)
        self.on_tick()

    def consume(self, limit=None, timeout=None, safety_interval=None, **kwargs):
        """ConsumerMixin's loop, with a wait on the broker as long as there is nothing to do: until a
        partial batch is due (BATCH_WAIT_SECONDS after its first message), otherwise an idle wait that
        doubles after each empty one up to IDLE_WAIT_SECONDS and is short again after a delivery.

        Kombu's SQLite transport (the embedded broker) polls its file: there each wait is one look
        (Kombu's own wait would look twice) and then a sleep; an idle worker looking every
        BATCH_WAIT_SECONDS used 20-30 % of a core. RabbitMQ pushes its deliveries, so there the
        wait ends with a delivery and only paces `on_tick`.
        """
        idle_wait = BATCH_WAIT_SECONDS
        with self.consumer_context(**kwargs) as (connection, _channel, _consumers):
            polls = not is_amqp(connection)
            while not self.should_stop:
                self.on_iteration()
                wait = self._batch_wait() if self._pending else idle_wait
                try:
                    connection.drain_events(timeout=0 if polls else wait)
                except socket.timeout:
                    connection.heartbeat_check()
                    if polls:
                        time.sleep(wait)
                    idle_wait = min(idle_wait * 2, IDLE_WAIT_SECONDS)
                except OSError:
                    if not self.should_stop:
                        raise
                else:
                    idle_wait = BATCH_WAIT_SECONDS
                    yield

    def _batch_wait(self) -> float:
        """Until the pending batch is due (later while the database is away: see `_wait_for_database`)."""
        due = max(self._pending_since + BATCH_WAIT_SECONDS, getattr(self, "_resume_at", 0.0))
        return min(IDLE_WAIT_SECONDS, max(0.005, due - time.monotonic()))

    def _pump_due(self) -> bool:
        """Whether to look at the wait queues now: at most every PUMP_INTERVAL_SECONDS (or the shortest
        retry delay, if shorter), as each look is a transaction per wait queue on the queue file."""
        now = time.monotonic()
        if now < getattr(self, "_next_pump", 0.0):
            return False
        self._next_pump = now + min(PUMP_INTERVAL_SECONDS, *self.topology.retry_delays)
        return True

    def _pump_waiting(self, channel) -> None:
        """Without RabbitMQ's TTL and dead-lettering (embedded mode), move due retries back by hand.

        Each wait queue has one delay, so its oldest message falls due first: the pump
        stops at the first one that is not due.
        """
        now = utcnow()
        for queue, delay in zip(self.topology.wait_queues(), self.topology.retry_delays):
            bound = queue(channel)
            while (message := bound.get(accept=["json"])) is not None:
                failed_at = datetime.fromisoformat((message.headers or {}).get(FAILED_AT_HEADER, now.isoformat()))
                if failed_at + timedelta(seconds=delay) > now:
                    message.requeue()
                    break
                Producer(channel, exchange=DEFAULT_EXCHANGE).publish(
                    message.payload, routing_key=self.topology.queue_name, headers=message.headers,
                    delivery_mode=2, serializer="json", message_id=message.properties.get("message_id"))
                message.ack()


def _claim(session: Session, consumer: str, event_ids: list) -> set:
    """Record `event_ids` as applied by `consumer` in the caller's transaction; returns those not recorded
    before (the others were applied already, or by a competing consumer that committed while this one
    waited for its row lock).

    One INSERT ... ON CONFLICT DO NOTHING RETURNING instead of a query and an insert; in id order, so that
    competing consumers claiming overlapping batches queue rather than deadlock.
    """
    return set(session.scalars(_CLAIMS[session.get_bind().dialect.name], [
        {"consumer": consumer, "event_id": event_id} for event_id in sorted(event_ids)]))


_INBOX = cast(Table, ProcessedEvent.__table__)  # a mapped class's table is a Table; its stub says FromClause
#: Built once per dialect (Core, not the ORM's bulk insert): PostgreSQL in production, SQLite embedded.
_CLAIMS = {dialect: insert(_INBOX).on_conflict_do_nothing().returning(_INBOX.c.event_id)
           for dialect, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))}
