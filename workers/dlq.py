"""Dead letters: list them, and replay them into their consumer's queue once the cause is fixed."""

from __future__ import annotations

import base64
import json

from kombu import Producer

from service.bootstrap import Pathways
from workers import broker
from workers.base import ATTEMPTS_HEADER, ERROR_HEADER, FAILED_AT_HEADER
from workers.registry import topologies
from workers.topology import DEFAULT_EXCHANGE, ConsumerTopology


def _describe(topology: ConsumerTopology, message) -> dict:
    """One letter, whatever its body: parsed JSON when it is JSON, else its text, else its bytes in base64
    (a letter is dead-lettered precisely because something about it is wrong, so nothing is assumed)."""
    headers = message.headers or {}
    entry = {
        "consumer": topology.name,
        "message_id": message.properties.get("message_id"),
        "type": None,
        "attempts": headers.get(ATTEMPTS_HEADER),
        "error": headers.get(ERROR_HEADER),
        "failed_at": headers.get(FAILED_AT_HEADER),
        "content_type": message.content_type,
        "content_encoding": message.content_encoding,
    }
    raw = message.body if isinstance(message.body, bytes) else str(message.body).encode()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {**entry, "body_base64": base64.b64encode(raw).decode("ascii")}
    try:
        body = json.loads(text) if "json" in (message.content_type or "") else None
    except ValueError:
        body = None
    if body is None:
        return {**entry, "body_text": text}
    return {**entry, "type": body.get("type") if isinstance(body, dict) else None, "body": body}


def _take_all(queue, limit: int | None = None) -> list:
    """Every letter in `queue` now (up to `limit`), held unacknowledged: none is delivered twice meanwhile."""
    taken: list = []
    while (limit is None or len(taken) < limit) and (message := queue.get(no_ack=False)) is not None:
        taken.append(message)
    return taken


def list_dead(pathways: Pathways, consumer: str | None = None, limit: int = 1000) -> list[dict]:
    """Read dead letters without removing them (each is requeued when the listing ends)."""
    found: list[dict] = []
    with broker.connect(pathways.config) as connection:
        channel = connection.channel()
        for topology in topologies(pathways.config, [consumer] if consumer else None):
            topology.declare(channel)
            held = _take_all(topology.dead_letter_queue()(channel), limit - len(found))
            found += [_describe(topology, message) for message in held]
            for message in held:
                message.requeue()
        channel.close()
    return found


def replay(pathways: Pathways, consumer: str | None = None, message_id: str | None = None) -> int:
    """Move dead letters (all, or the one with `message_id`) back to their consumer's queue; returns how many.

    Every letter is taken before any is sent back: a letter that fails again at once (a consumer is
    running) returns to the dead-letter queue while the replay runs, and must not be replayed again.
    """
    replayed = 0
    with broker.connect(pathways.config) as connection:
        channel = connection.channel()
        producer = Producer(channel, exchange=DEFAULT_EXCHANGE)
        for topology in topologies(pathways.config, [consumer] if consumer else None):
            topology.declare(channel)
            letters = _take_all(topology.dead_letter_queue()(channel))
            for message in letters:
                if message_id and message.properties.get("message_id") != message_id:
                    continue
                headers = {k: v for k, v in (message.headers or {}).items()
                           if k not in (ATTEMPTS_HEADER, ERROR_HEADER, FAILED_AT_HEADER)}
                producer.publish(message.body, routing_key=topology.queue_name, headers=headers,
                                 content_type=message.content_type, content_encoding=message.content_encoding,
                                 delivery_mode=2, message_id=message.properties.get("message_id"))
                message.ack()
                replayed += 1
            for message in letters:
                if not message.acknowledged:
                    message.requeue()
        channel.close()
    return replayed
