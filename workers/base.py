"""The base every consumer stands on: decode, validate, apply once, ack after commit.

A subclass names its queue and routing keys and implements `handle(event, uow)`.
The base owns the rest: the envelope and payload are validated with `schemas.events`;
each message gets one unit of work, in which the event id is recorded so that a
redelivery changes nothing; the message is acked only after that commit. A failure is
never acked as done: the message is first republished, with a confirm, to the wait
queue of its next attempt (or, after the last, to the dead-letter queue), and only then
acked. Invalid messages go straight to the dead letters: retrying cannot mend them.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import ClassVar

from kombu import Connection, Consumer, Message, Producer
from kombu.mixins import ConsumerMixin
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from schemas.events import load_envelope
from service.bootstrap import Pathways
from service.clock import utcnow
from service.db import inbox
from service.db.session import DATABASE_UNAVAILABLE
from service.services.unit_of_work import UnitOfWork
from workers.broker import is_amqp
from workers.topology import DEFAULT_EXCHANGE, ConsumerTopology

log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-pathways-attempts"
ERROR_HEADER = "x-pathways-error"
FAILED_AT_HEADER = "x-pathways-failed-at"
PREFETCH = 100
MAX_BACKOFF_SECONDS = 30.0


class EventConsumer(ConsumerMixin):
    name: ClassVar[str]
    routing_keys: ClassVar[tuple[str, ...]]

    def __init__(self, pathways: Pathways, connection: Connection | None = None):
        self.pathways = pathways
        self.connection = connection
        self.topology = ConsumerTopology(self.name, self.routing_keys, pathways.config.retry_delays,
                                         pathways.config.queue_type)
        self.applied = 0
        self._backoff = 1.0

    # -- what a subclass provides -------------------------------------------------------

    def handle(self, event: dict, uow: UnitOfWork) -> None:
        """Apply one validated event inside `uow`; raise to have it retried."""
        raise NotImplementedError

    def on_tick(self) -> None:
        """Called about once a second between messages (periodic work)."""

    # -- applying an event ----------------------------------------------------------------

    def apply(self, body: dict) -> bool:
        """Validate and apply one event body exactly once in effect; False if seen before."""
        event = load_envelope(body)
        with self.pathways.uow() as uow:
            if inbox.seen(uow.session, self.name, event["id"]):
                return False
            self.handle(event, uow)
            inbox.remember(uow.session, self.name, event["id"])
            try:
                uow.commit()
            except IntegrityError:
                # Another instance applied the same event concurrently and committed first.
                uow.rollback()
                if inbox.seen(uow.session, self.name, event["id"]):
                    return False
                raise
        self.applied += 1
        return True

    # -- Kombu ------------------------------------------------------------------------------

    def get_consumers(self, consumer_cls, channel) -> list[Consumer]:
        self.topology.declare(channel)
        return [consumer_cls(queues=[self.topology.queue()], callbacks=[self.on_message],
                             accept=["json"], prefetch_count=PREFETCH)]

    def on_consume_ready(self, connection, channel, consumers, **kwargs) -> None:
        # ConsumerMixin consumes on a clone of self.connection: republish on the live one.
        self._live, self._channel = connection, channel

    def on_decode_error(self, message: Message, error: Exception) -> None:
        """Not JSON: no attempt can succeed, so dead-letter the raw body (never drop it)."""
        self._send_on(message, message.body, error, self.topology.dead_letter_name,
                      content_type=message.content_type, content_encoding=message.content_encoding)

    def on_message(self, body, message: Message) -> None:
        try:
            self.apply(body if isinstance(body, dict) else {})
        except DATABASE_UNAVAILABLE as error:
            # Not the event's fault: keep it (unacked, back in the queue) and slow down.
            log.warning("%s: database unavailable (%s); retrying in %.0f s", self.name,
                        error.__class__.__name__, self._backoff)
            time.sleep(self._backoff)
            self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECONDS)
            message.requeue()
            return
        except ValidationError as error:
            self._send_on(message, body, error, self.topology.dead_letter_name)
        except Exception as error:  # noqa: BLE001 - any failure is retried, then dead-lettered
            attempts = int((message.headers or {}).get(ATTEMPTS_HEADER, 0)) + 1
            self._send_on(message, body, error, self.topology.after_failure(attempts), attempts)
        else:
            message.ack()
        self._backoff = 1.0

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
        message.ack()  # only now: the message is safe in its next queue

    def on_iteration(self) -> None:
        if getattr(self, "_live", None) is not None and not is_amqp(self._live):
            self._pump_waiting(self._channel)
        self.on_tick()

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
