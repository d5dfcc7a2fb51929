"""P6: from a write to its effect under a steady load: exits at a fixed rate, their follow-ups timed.

A few paced threads send `POST /enrolments/{id}/complete` at `rate` per second in total
(wrk cannot pace); the effect is the exit's first follow-up, made by the outcomes
consumer through outbox, relay and RabbitMQ. Both instants are read from PostgreSQL
(the enrolment's `updated_at`, the follow-up's `created_at`), on one clock.
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
