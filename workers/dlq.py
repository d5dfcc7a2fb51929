"""Dead letters: list them, and replay them into their consumer's queue once the cause is fixed."""

from __future__ import annotations

from kombu import Producer

from service.bootstrap import Pathways
from workers import broker
from workers.base import ATTEMPTS_HEADER, ERROR_HEADER, FAILED_AT_HEADER
from workers.registry import topologies
from workers.topology import DEFAULT_EXCHANGE, ConsumerTopology


def _describe(topology: ConsumerTopology, message) -> dict:
    headers = message.headers or {}
    body = message.payload if message.content_type == "application/json" else message.body
    return {
        "consumer": topology.name,
        "message_id": message.properties.get("message_id"),
        "type": body.get("type") if isinstance(body, dict) else None,
        "attempts": headers.get(ATTEMPTS_HEADER),
        "error": headers.get(ERROR_HEADER),
        "failed_at": headers.get(FAILED_AT_HEADER),
        "body": body if isinstance(body, dict) else repr(body)[:500],
    }


def list_dead(pathways: Pathways, consumer: str | None = None, limit: int = 1000) -> list[dict]:
    """Read dead letters without removing them (each is requeued when the listing ends)."""
    found = []
    with broker.connect(pathways.config) as connection:
        channel = connection.channel()
        for topology in topologies(pathways.config, [consumer] if consumer else None):
            topology.declare(channel)
            held = []
            queue = topology.dead_letter_queue()(channel)
            while len(found) < limit and (message := queue.get(accept=["json"])) is not None:
                held.append(message)
                found.append(_describe(topology, message))
            for message in held:
                message.requeue()
        channel.close()
    return found


def replay(pathways: Pathways, consumer: str | None = None, message_id: str | None = None) -> int:
    """Move dead letters (all, or the one with `message_id`) back to their consumer's queue."""
    replayed = 0
    with broker.connect(pathways.config) as connection:
        channel = connection.channel()
        producer = Producer(channel, exchange=DEFAULT_EXCHANGE)
        for topology in topologies(pathways.config, [consumer] if consumer else None):
            topology.declare(channel)
            held = []
            queue = topology.dead_letter_queue()(channel)
            while (message := queue.get(accept=["json"])) is not None:
                if message_id and message.properties.get("message_id") != message_id:
                    held.append(message)
                    continue
                headers = {k: v for k, v in (message.headers or {}).items()
                           if k not in (ATTEMPTS_HEADER, ERROR_HEADER, FAILED_AT_HEADER)}
                producer.publish(message.body, routing_key=topology.queue_name, headers=headers,
                                 content_type=message.content_type, content_encoding=message.content_encoding,
                                 delivery_mode=2, message_id=message.properties.get("message_id"))
                message.ack()
                replayed += 1
            for message in held:
                message.requeue()
        channel.close()
    return replayed
