"""The relay: leases unpublished outbox rows, publishes them with confirms, marks them sent.

Several relays may run at once; leases keep their batches apart. A row is published
at least once: a relay that dies after publishing and before marking leaves the row to
be published again when the lease expires, and consumers are idempotent. On RabbitMQ a
batch is confirmed as a whole (one wait, not one per event); only the rows the broker
acked are marked, the rest are released for a later pass.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from datetime import timedelta

from kombu import Connection, Producer

from service.bootstrap import Pathways
from service.db import outbox
from service.db.models.outbox import OutboxMessage
from service.db.session import DATABASE_UNAVAILABLE
from service.ids import new_id
from workers.backoff import Backoff
from workers.broker import PUBLISH_RETRY_POLICY, broker_errors, is_amqp
from workers.confirms import ConfirmedBatches
from workers.heartbeat import Heartbeat
from workers.registry import topologies
from workers.topology import EVENTS_EXCHANGE
from workers.transactions import unit_of_work

log = logging.getLogger(__name__)

#: How long a claimed row is a relay's alone. A live relay renews it while a batch takes long (`_Lease`),
#: so a short lease costs nothing, and a relay that died leaves its rows to the others within it.
LEASE = timedelta(seconds=10)
#: How long an idle relay waits before it looks again, and so how long an event written meanwhile
#: waits in the outbox (0.5 s made a quarter of P6's write-to-effect time; an idle look is one indexed query).
IDLE_POLL_SECONDS = 0.1
#: While nothing comes, each wait is twice the last, up to this: an idle relay looks 2 times a second,
#: not 10 (an event written after a quiet spell waits up to this long; under load the waits stay short).
MAX_IDLE_POLL_SECONDS = 0.5
#: A healthy broker confirms a batch within milliseconds; a longer silence means trouble:
#: the unconfirmed rows are released and the relay backs off (well within the lease).
CONFIRM_TIMEOUT_SECONDS = 10.0


class Relay:
    def __init__(self, pathways: Pathways, connection: Connection, *, batch_size: int | None = None):
        self.pathways = pathways
        self.connection = _without_confirm_each(connection)
        self.batch_size = batch_size or pathways.config.relay_batch_size
        self._producer: Producer | None = None
        self._batches: ConfirmedBatches | None = None

    def _declared_channel(self):
        self.connection.ensure_connection(max_retries=1)
        channel = self.connection.channel()
        # Declare every consumer's queue before publishing: nothing is dropped for want of a
        # binding, and the embedded transport (whose bindings live in each process) routes at all.
        for consumer in topologies(self.pathways.config):
            consumer.declare(channel)
        return channel

    def producer(self) -> Producer:
        if self._producer is None:
            # Not auto_declare: the exchange is declared with the queues above, and declaring it again
            # (a check per publish) made Producer.publish three times slower.
            self._producer = Producer(self._declared_channel(), exchange=EVENTS_EXCHANGE, serializer="json",
                                      auto_declare=False)
        return self._producer

    def batches(self) -> ConfirmedBatches:
        if self._batches is None:
            self._batches = ConfirmedBatches(self.producer())
        return self._batches

    def relay_once(self) -> int:
        """Publish one batch; return how many rows were published (confirmed, on RabbitMQ)."""
        # Connected first: rows are leased only once they can be sent (connecting may take longer than a lease).
        if is_amqp(self.connection):
            self.batches()
            publish = self._publish_confirmed
        else:
            self.producer()
            publish = self._publish_each
        token = new_id()
        with unit_of_work(self.pathways) as uow:
            rows = outbox.claim(uow.session, token=token, lease=LEASE, limit=self.batch_size)
            uow.commit()
        if not rows:
            return 0
        published: list[uuid.UUID] = []
        lease = _Lease(self.pathways, token)
        try:
            publish(rows, published, lease)
        finally:
            with unit_of_work(self.pathways) as uow:
                outbox.mark_published(uow.session, token=token, ids=published)
                outbox.release(uow.session, token=token)
                uow.commit()
        return len(published)

    def _publish_confirmed(self, rows: list[OutboxMessage], published: list[uuid.UUID], lease: "_Lease") -> None:
        """RabbitMQ: the whole batch, then one wait for its confirms; `published` gets the acked ids."""
        messages = [(row.id, _json(row), row.type, {**_options(row), **_JSON}) for row in rows]
        self.batches().publish(messages, confirmed=published, timeout=CONFIRM_TIMEOUT_SECONDS,
                               while_waiting=lease.keep)

    def _publish_each(self, rows: list[OutboxMessage], published: list[uuid.UUID], lease: "_Lease") -> None:
        """The embedded transport has no confirms: a publish that returns has been stored."""
        producer = self.producer()
        for row in rows:
            lease.keep()
            producer.publish(row.envelope, routing_key=row.type, retry=True, retry_policy=PUBLISH_RETRY_POLICY,
                             **_options(row))
            published.append(row.id)

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, backing off (up to `backoff.MAX_SECONDS`) while the database or broker is away."""
        try:
            self._relay_until(stop)
        finally:
            self._reset()

    def _relay_until(self, stop: threading.Event) -> None:
        backoff = Backoff(log, "relay")
        alive = Heartbeat("relay")  # the loop turns (also while it backs off): a container healthcheck reads it
        idle_wait = IDLE_POLL_SECONDS
        while not stop.is_set():
            alive.beat()
            try:
                count = self.relay_once()
                backoff.succeeded()
            except DATABASE_UNAVAILABLE as error:
                delay = backoff.failed("database", error)
            except broker_errors(self.connection) as error:
                delay = backoff.failed("broker", error)
                self._reset()
            else:
                if count == 0:
                    stop.wait(idle_wait)
                idle_wait = min(idle_wait * 2, MAX_IDLE_POLL_SECONDS) if count == 0 else IDLE_POLL_SECONDS
                continue
            stop.wait(delay)

    def _reset(self) -> None:
        self._producer = self._batches = None
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is replaced anyway
            pass


class _Lease:
    """A relay's hold on the rows of its batch: renewed when half of it has passed (a slow broker, a long
    confirm wait), so that only a relay that died lets its rows go to another."""

    def __init__(self, pathways: Pathways, token: uuid.UUID):
        self.pathways, self.token = pathways, token
        self._renew_at = time.monotonic() + LEASE.total_seconds() / 2

    def keep(self) -> None:
        if time.monotonic() < self._renew_at:
            return
        with unit_of_work(self.pathways) as uow:
            outbox.renew(uow.session, token=self.token, lease=LEASE)
            uow.commit()
        self._renew_at = time.monotonic() + LEASE.total_seconds() / 2


def _options(row: OutboxMessage) -> dict:
    """Persistent, and named by the event's id (consumers deduplicate by it)."""
    return {"delivery_mode": 2, "message_id": str(row.id)}


#: What the producer's json serializer says of its bodies, for a body in JSON already.
_JSON = {"content_type": "application/json", "content_encoding": "utf-8"}


def _json(row: OutboxMessage) -> str:
    """The envelope as stored, in the JSON (so the bytes) that the producer's json serializer would make
    (the envelope holds JSON values only), by the standard library's C encoder: 7 % more publishes a second."""
    return json.dumps(row.envelope)


def _without_confirm_each(connection: Connection) -> Connection:
    """The relay awaits confirms per batch (ConfirmedBatches). The `confirm_publish` option that
    broker.connect sets for the consumers makes py-amqp wait for each message's confirm instead;
    it is read when the connection opens, so the relay's connection opens without it. (A connection
    handed over open, as some tests do, keeps it until it reconnects: correct, one wait per message.)"""
    options = connection.transport_options or {}
    if options.get("confirm_publish"):
        connection.transport_options = {**options, "confirm_publish": False}
    return connection
