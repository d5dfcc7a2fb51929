"""P6: from a write to its effect under a steady load: exits at a fixed rate, their follow-ups timed.

A few paced threads send `POST /enrolments/{id}/complete` at `rate` per second in total
(wrk cannot pace); the effect is the exit's first follow-up, made by the outcomes
consumer through outbox, relay and RabbitMQ. Both instants are read from PostgreSQL
(the enrolment's `updated_at`, the follow-up's `created_at`), on one clock. Between two
rounds, `wait_quiet` lets the pipeline finish what the last round started (the outbox
relayed, the consumers' queues empty), so that each round starts from rest.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from datetime import date

import psycopg

THREADS = 4


def send_exits(port: int, token: str, enrolment_ids: list, rate: float, seconds: float) -> list:
    """Paced exits; returns the ids answered 200."""
    per_thread = rate / THREADS
    done: list = []
    lock = threading.Lock()
    body = json.dumps({"exited_on": date.today().isoformat(), "qualification_gained": True})

    def pace(share: list) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        for n, enrolment_id in enumerate(share):
            due = start + n / per_thread
            if due - start > seconds:
                break
            time.sleep(max(0.0, due - time.perf_counter()))
            connection.request("POST", f"/api/v1/enrolments/{enrolment_id}/complete", body=body,
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                with lock:
                    done.append(enrolment_id)

    threads = [threading.Thread(target=pace, args=(enrolment_ids[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done


def effect_latencies(database_url: str, enrolment_ids: list, wait_seconds: float = 120) -> list[float]:
    """Seconds from each exit to its first follow-up, once every exit has one (or the wait is over)."""
    query = """SELECT extract(epoch FROM min(f.created_at) - e.updated_at)
               FROM enrolments e JOIN follow_ups f ON f.enrolment_id = e.id
               WHERE e.id = ANY(%s) GROUP BY e.id, e.updated_at"""
    deadline = time.monotonic() + wait_seconds
    with psycopg.connect(database_url) as connection:
        while True:
            latencies = [float(row[0]) for row in connection.execute(query, ([str(i) for i in enrolment_ids],))]
            connection.commit()
            if len(latencies) == len(enrolment_ids) or time.monotonic() > deadline:
                return latencies
            time.sleep(1)


def percentile(ordered: list[float], fraction: float) -> float:
    """The value at index floor(fraction * (n - 1)) of an ascending list (as P6 has always counted it)."""
    return ordered[int(fraction * (len(ordered) - 1))]


def wait_quiet(database_url: str, broker_url: str, queue_names: list[str], timeout: float = 120) -> float:
    """Until no outbox row is unpublished and the queues have stayed empty for a second; returns the
    seconds it took. Raises after `timeout`."""
    from bench import queues

    started = time.monotonic()
    with psycopg.connect(database_url, autocommit=True) as connection:
        while connection.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]:
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"the outbox still held unpublished events after {timeout} s")
            time.sleep(0.5)
    if not queues.wait_until_empty(broker_url, queue_names, timeout=max(1.0, timeout - (time.monotonic() - started))):
        raise RuntimeError(f"the consumers' queues were not empty after {timeout} s")
    return time.monotonic() - started
