"""The relay: leases unpublished outbox rows, publishes them with confirms, marks them sent.

Several relays may run at once; leases keep their batches apart. A row is published
at least once: a relay that dies after publishing and before marking leaves the row to
be published again when the lease expires, and consumers are idempotent.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from kombu import Connection, Producer

from service.bootstrap import Pathways
from service.db import outbox
from service.db.session import DATABASE_UNAVAILABLE
from service.ids import new_id
from workers.broker import PUBLISH_RETRY_POLICY, broker_errors
from workers.registry import topologies
from workers.topology import EVENTS_EXCHANGE

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
IDLE_POLL_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 30.0


class Relay:
    def __init__(self, pathways: Pathways, connection: Connection, *, batch_size: int | None = None):
        self.pathways = pathways
        self.connection = connection
        self.batch_size = batch_size or pathways.config.relay_batch_size
        self._producer: Producer | None = None

    def producer(self) -> Producer:
        if self._producer is None:
            self.connection.ensure_connection(max_retries=1)
            channel = self.connection.channel()
            # Declare every consumer's queue before publishing: nothing is dropped for want of a
            # binding, and the embedded transport (whose bindings live in each process) routes at all.
            for consumer in topologies(self.pathways.config):
                consumer.declare(channel)
            self._producer = Producer(channel, exchange=EVENTS_EXCHANGE, serializer="json")
        return self._producer

    def relay_once(self) -> int:
        """Publish one batch; return how many rows were published."""
        token = new_id()
        with self.pathways.uow() as uow:
            rows = outbox.claim(uow.session, token=token, lease=LEASE, limit=self.batch_size)
            uow.commit()
        if not rows:
            return 0
        published = []
        try:
            producer = self.producer()
            for row in rows:
                producer.publish(row.envelope, routing_key=row.type, delivery_mode=2, message_id=str(row.id),
                                 retry=True,
                                 retry_policy=PUBLISH_RETRY_POLICY)
                published.append(row.id)
        finally:
            with self.pathways.uow() as uow:
                outbox.mark_published(uow.session, token=token, ids=published)
                outbox.release(uow.session, token=token)
                uow.commit()
        return len(published)

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, backing off (up to 30 s) while the broker is away."""
        try:
            self._relay_until(stop)
        finally:
            self._reset()

    def _relay_until(self, stop: threading.Event) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                count = self.relay_once()
                backoff = 1.0
            except DATABASE_UNAVAILABLE as error:
                log.warning("database unavailable (%s); retrying in %.0f s", error.__class__.__name__, backoff)
            except broker_errors(self.connection) as error:
                log.warning("broker unavailable (%s); retrying in %.0f s", error.__class__.__name__, backoff)
                self._reset()
            else:
                if count == 0:
                    stop.wait(IDLE_POLL_SECONDS)
                continue
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    def _reset(self) -> None:
        self._producer = None
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is replaced anyway
            pass
