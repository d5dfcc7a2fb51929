"""Publishing a batch to RabbitMQ and awaiting the broker's confirms once for the whole batch.

With `confirm_publish`, py-amqp waits for each message's confirm: a round trip per
event. On a channel in confirm mode RabbitMQ numbers the messages it receives 1, 2, 3…
(delivery tags) and acks or nacks them by tag, often many at once (`multiple`), so a
batch can be sent in one go and its confirms collected afterwards.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Hashable, Iterable

from amqp import Message
from amqp.exceptions import MessageNacked


class ConfirmedBatches:
    """One channel in confirm mode; discard it with its connection after any error."""

    def __init__(self, channel):
        self.channel = channel
        self._next_tag = 1  # RabbitMQ numbers a channel's publishes from 1 after confirm.select
        self._pending: dict[int, Hashable] = {}  # delivery tag -> key, in publishing order
        self._acked: list = []
        self._nacked: list = []
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        channel.confirm_select()

    def publish(self, messages: Iterable[tuple[Hashable, Message, str]], *, exchange: str,
                confirmed: list, timeout: float, while_waiting: Callable[[], None] | None = None) -> None:
        """Publish each (key, message, routing key), then wait until the broker settled them all.

        The key of each message the broker acks is appended to `confirmed` as the ack
        arrives, so the caller knows them even when this raises: TimeoutError when the
        broker did not settle everything within `timeout` seconds, a connection error when
        the connection is lost, MessageNacked (after all are settled) when it refused some.
        Messages are sent exactly as Kombu's Producer sends them (not mandatory).
        `while_waiting` is called about every second of the wait (the relay renews its lease).
        """
        self._pending.clear()
        self._acked, self._nacked = confirmed, []
        for key, message, routing_key in messages:
            # basic_publish would wait for this message's confirm on a confirm_publish
            # connection; _basic_publish sends the same frames without waiting.
            self.channel._basic_publish(message, exchange=exchange, routing_key=routing_key, timeout=timeout)
            self._pending[self._next_tag] = key
            self._next_tag += 1
        deadline = time.monotonic() + timeout
        while self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(self._pending)} messages not confirmed within {timeout} s")
            try:
                self.channel.connection.drain_events(timeout=min(remaining, 1.0))
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
