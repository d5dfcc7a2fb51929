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

from kombu import Connection, Exchange, Queue

EXCHANGE = Exchange("bench.ceiling", type="topic", durable=True)
BODY = {"id": "", "type": "enrolment.created", "occurred_at": "2026-11-23T10:00:00+00:00",
        "organisation_id": str(uuid.uuid4()), "schema_version": 1,
        "data": {"enrolment_id": str(uuid.uuid4()), "trainee_id": str(uuid.uuid4()),
                 "project_id": str(uuid.uuid4()), "cohort_id": None, "enrolled_on": "2026-03-01",
                 "sex": "female", "age_band": "18-24"}}


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
