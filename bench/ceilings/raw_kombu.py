"""Ceiling (c): raw Kombu on the same broker, persistent messages with a confirm each, manual acks.

Publishes `count` event-sized JSON messages to a durable queue of its own with publisher
confirms (one per message), while a second process consumes them with manual
acknowledgement at prefetch 100. Prints JSON rates.
"""

import json
import multiprocessing
import sys
import time
import uuid

from datetime import date, datetime, timezone

from kombu import Connection, Exchange, Queue

from schemas.events import dump_envelope
from service.domain.events import EnrolmentCreated, Envelope

EXCHANGE = Exchange("bench.ceiling", type="topic", durable=True)
#: An event's size and shape: an `enrolment.created` envelope as the outbox holds it.
BODY = dump_envelope(Envelope(uuid.uuid4(), datetime(2026, 11, 23, 10, tzinfo=timezone.utc), EnrolmentCreated(
    organisation_id=uuid.uuid4(), enrolment_id=uuid.uuid4(), trainee_id=uuid.uuid4(), project_id=uuid.uuid4(),
    cohort_id=None, enrolled_on=date(2026, 3, 1))))


def consume(url: str, queue_name: str, count: int, done) -> None:
    """In its own process, like a Pathways worker: manual acks at prefetch 100 until `count` arrived."""
    queue = Queue(queue_name, EXCHANGE, routing_key="#", durable=True)
    received = 0

    def on_message(_body, message):
        nonlocal received
        received += 1
        message.ack()

    with Connection(url) as connection:
        with connection.Consumer(queue, callbacks=[on_message], accept=["json"], prefetch_count=100):
            while received < count:
                connection.drain_events(timeout=30)
    done.set()


def run(url: str, count: int) -> dict:
    """Publisher here, consumer in a second process (as relay and worker are); the clock runs from the
    first publish to the last ack."""
    queue = Queue(f"bench.ceiling.{uuid.uuid4().hex[:8]}", EXCHANGE, routing_key="#", durable=True)
    with Connection(url, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        queue(channel).declare()
        done = multiprocessing.Event()
        consumer = multiprocessing.Process(target=consume, args=(url, queue.name, count, done))
        consumer.start()
        producer = connection.Producer(channel, exchange=EXCHANGE, serializer="json")
        started = time.perf_counter()
        for n in range(count):
            producer.publish({**BODY, "id": str(uuid.uuid4())}, routing_key="enrolment.created",
                             delivery_mode=2, message_id=str(n))
        published = time.perf_counter() - started
        done.wait()
        elapsed = time.perf_counter() - started
        consumer.join()
        queue(channel).delete()
    return {"messages": count, "publish_per_s": count / published, "per_s": count / elapsed}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]))))
