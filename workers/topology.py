"""Every exchange, queue, binding and dead-letter argument, declared in this one module.

Per consumer NAME:
  pathways.NAME            bound to `pathways.events` with the routing keys it handles
  pathways.NAME.wait.I     one per retry delay I: a TTL, then dead-lettered back to pathways.NAME
  pathways.NAME.dead       poison messages, for an operator to list and replay
"""

from __future__ import annotations

from dataclasses import dataclass

from kombu import Exchange, Queue, binding
from sqlalchemy.exc import IntegrityError, OperationalError

EVENTS_EXCHANGE = Exchange("pathways.events", type="topic", durable=True)
#: The default exchange routes by queue name: retries, dead letters and replays use it.
DEFAULT_EXCHANGE = Exchange("", type="direct")
#: A quorum queue redelivers a message that keeps killing its consumer at most this often.
QUORUM_DELIVERY_LIMIT = 20


@dataclass(frozen=True)
class ConsumerTopology:
    name: str
    routing_keys: tuple[str, ...]
    retry_delays: tuple[float, ...]
    queue_type: str = "classic"

    @property
    def queue_name(self) -> str:
        return f"pathways.{self.name}"

    @property
    def dead_letter_name(self) -> str:
        return f"{self.queue_name}.dead"

    def wait_queue_name(self, tier: int) -> str:
        return f"{self.queue_name}.wait.{tier}"

    def after_failure(self, attempts: int) -> str:
        """Where a message goes after its `attempts`-th failed attempt: a wait queue or the dead letters."""
        if attempts <= len(self.retry_delays):
            return self.wait_queue_name(attempts - 1)
        return self.dead_letter_name

    def _type_arguments(self) -> dict:
        if self.queue_type == "quorum":
            return {"x-queue-type": "quorum", "x-delivery-limit": QUORUM_DELIVERY_LIMIT}
        return {}

    def queue(self) -> Queue:
        return Queue(self.queue_name, durable=True, queue_arguments=self._type_arguments() or None,
                     bindings=[binding(EVENTS_EXCHANGE, routing_key=key) for key in self.routing_keys])

    def wait_queues(self) -> list[Queue]:
        return [
            Queue(self.wait_queue_name(tier), durable=True, queue_arguments={
                **self._type_arguments(),
                "x-message-ttl": int(delay * 1000),
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.queue_name,
            })
            for tier, delay in enumerate(self.retry_delays)
        ]

    def dead_letter_queue(self) -> Queue:
        return Queue(self.dead_letter_name, durable=True, queue_arguments=self._type_arguments() or None)

    def declare(self, channel) -> None:
        EVENTS_EXCHANGE(channel).declare()
        for queue in (self.queue(), *self.wait_queues(), self.dead_letter_queue()):
            _declare(queue(channel), channel)


#: A declaration that lost a race is tried again this often at most (a second try finds the queue).
DECLARE_ATTEMPTS = 3


def _declare(entity, channel) -> None:
    """Declare `entity`, losing a race with a concurrent declaration harmlessly.

    On Kombu's SQLite transport (the embedded broker) a queue is a row of `kombu_queue`, made by
    a look-up then an insert, and the tables themselves by a look-up then CREATE TABLE. Kombu
    serialises these only between the threads of one process: when two processes declare the
    same queue at the same moment, both miss it and the second insert fails on the unique name
    (or the second CREATE TABLE on the table). The queue exists then, which is all a declaration
    asks for: the transport's session is rolled back and the declaration made again, and finds it.
    RabbitMQ declares idempotently and never raises these.
    """
    for attempt in range(1, DECLARE_ATTEMPTS + 1):
        try:
            entity.declare()
            return
        except (IntegrityError, OperationalError):
            if attempt == DECLARE_ATTEMPTS:
                raise
            channel.session.rollback()
