"""Publishing a batch to RabbitMQ through a Kombu Producer and awaiting the broker's confirms once for it.

With `confirm_publish`, py-amqp waits for each message's confirm: a round trip per
event. On a channel in confirm mode RabbitMQ numbers the messages it receives 1, 2, 3…
(delivery tags) and acks or nacks them by tag, often many at once (`multiple`), so a
batch can be sent in one go and its confirms collected afterwards. The channel should belong
to a connection without `confirm_publish`: with it, Producer.publish waits for each confirm
(still counted here, and a refusal raises at once).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from amqp.exceptions import MessageNacked
from kombu import Producer


class ConfirmedBatches:
    """One producer whose channel is in confirm mode; discard it with its connection after any error."""

    def __init__(self, producer: Producer):
        self.producer = producer
        channel = producer.channel
        self._next_tag = 1  # RabbitMQ numbers a channel's publishes from 1 after confirm.select
        self._pending: dict[int, Hashable] = {}  # delivery tag -> key, in publishing order
        self._acked: list = []
        self._nacked: list = []
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        channel.confirm_select()

    def publish(self, messages: Iterable[tuple[Hashable, Any, str, dict]], *, confirmed: list, timeout: float,
                while_waiting: Callable[[], None] | None = None) -> None:
        """Publish each (key, body, routing key, Producer.publish options), then wait until the broker settled them all.

        The key of each message the broker acks is appended to `confirmed` as the ack
        arrives, so the caller knows them even when this raises: TimeoutError when the
        broker did not settle everything within `timeout` seconds, a connection error when
        the connection is lost, MessageNacked (after all are settled) when it refused some.
        `while_waiting` is called about every second of the wait (the relay renews its lease).
        """
        self._pending.clear()
        self._acked, self._nacked = confirmed, []
        for key, body, routing_key, options in messages:
            # Pending before it is sent: on a connection with `confirm_publish` the ack arrives within publish.
            self._pending[self._next_tag] = key
            self._next_tag += 1
            self.producer.publish(body, routing_key=routing_key, timeout=timeout, **options)
        deadline = time.monotonic() + timeout
        connection = self.producer.channel.connection
        while self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(self._pending)} messages not confirmed within {timeout} s")
            try:
                connection.drain_events(timeout=min(remaining, 1.0))
            except socket.timeout:
                pass
            if while_waiting is not None:
                while_waiting()
        if self._nacked:
            raise MessageNacked(f"the broker refused {len(self._nacked)} messages")

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, self._acked)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, self._nacked)

    def _settle(self, delivery_tag: int, multiple: bool, into: list) -> None:
        """`multiple` settles every outstanding tag up to and including `delivery_tag`."""
        tags = [tag for tag in self._pending if tag <= delivery_tag] if multiple else [delivery_tag]
        for tag in tags:
            if tag in self._pending:
                into.append(self._pending.pop(tag))
