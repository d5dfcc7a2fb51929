"""The outcomes worker killed with SIGKILL again and again while events flow: every event is
still applied exactly once in effect (issue "Event pipeline", SPEC section 4).

Real processes (`pathways relay`, `pathways worker outcomes`), real RabbitMQ, real
PostgreSQL. A SIGKILL leaves no chance to ack, roll back or say goodbye: RabbitMQ redelivers
the unacked messages to the next worker, PostgreSQL rolls back the open transaction, and the
inbox (processed_events) must recognise an event whose transaction did commit.
"""

from __future__ import annotations

import os
import random
import time

from tests.reliability.conftest import CONSUMER, wait_for
from tests.reliability.workload import (
    Writers, assert_applied_exactly_once, await_drained, case_through_services, consumers_on_queue, new_programme,
    queue_depths, state)

CASES = int(os.environ.get("PATHWAYS_RELIABILITY_CASES", "600"))
KILLS = 5
WRITER_THREADS = 4


def test_a_worker_killed_repeatedly_applies_every_event_exactly_once(broker_pathways, services, shared_broker):
    pathways, url = broker_pathways, broker_pathways.config.broker_url
    programme = new_programme(pathways)
    rng = random.Random(1400)
    started = time.monotonic()

    relay = services("relay", "relay")
    writers = Writers(lambda n: case_through_services(pathways, programme, n), threads=WRITER_THREADS,
                      count=CASES).start()
    try:
        # A backlog first, so that each kill lands while the worker has messages in flight.
        wait_for(lambda: writers.written >= CASES // 4 or writers.errors or not writers.running, timeout=90,
                 what="a backlog of cases written")
        worker = services("worker", "worker", CONSUMER)
        kills = []
        for _ in range(KILLS):
            wait_for(lambda: not worker.alive or consumers_on_queue(url) == 1, timeout=60,
                     what="the restarted worker consuming")
            # Kill it in the middle of its work: once it has applied something in this life
            # (or has nothing left to do), a random moment later.
            life_start = state(pathways, programme.organisation_id)["processed"]

            def busy():
                """the worker applying events (or none left to apply)"""
                now = state(pathways, programme.organisation_id)
                return not worker.alive or now["processed"] > life_start or now["processed"] == now["subscribed"]

            wait_for(busy, timeout=60)
            assert worker.alive, f"the worker exited by itself:\n{worker.log_tail()}"
            time.sleep(rng.uniform(0.1, 0.8))
            now = state(pathways, programme.organisation_id)
            ready = queue_depths(url)[f"pathways.{CONSUMER}"]
            worker.kill()
            kills.append({"processed": now["processed"], "outstanding": now["subscribed"] - now["processed"],
                          "ready_in_queue": ready, "cases_written": writers.written})
            # RabbitMQ sees the dead connection and requeues its unacked messages.
            wait_for(lambda: consumers_on_queue(url) == 0, timeout=30, what="the killed worker's consumer gone")
            worker.start()
        writers.join(timeout=240)
    finally:
        writers.stop.set()
        writers.wait(timeout=60)  # no writer outlives the test (its data is deleted afterwards)
    written_at = time.monotonic() - started

    final, depths = await_drained(pathways, programme.organisation_id, url, relay, worker)
    assert worker.alive, f"the worker exited by itself:\n{worker.log_tail()}"
    assert relay.alive, f"the relay exited:\n{relay.log_tail()}"

    print(f"\n[killed consumer] {CASES} cases in {written_at:.1f} s, drained after "
          f"{time.monotonic() - started:.1f} s; worker started {worker.starts} times, {len(kills)} SIGKILLs")
    for number, kill in enumerate(kills, 1):
        print(f"  kill {number}: {kill}")
    print(f"  events {final['events']} by type {final['by_type']}")
    print(f"  subscribed {final['subscribed']}, processed by {CONSUMER} {final['processed']}, "
          f"unpublished {final['unpublished']}, exits {final['exits']}, follow-ups {final['follow_ups']}, "
          f"checkpoints resolved from jobs {final['checkpoints_resolved_from_jobs']}, "
          f"follow_up.recorded events {final['follow_up_recorded_events']}, queues {depths}")
    print(f"  worker log: {worker.log_lines('failed (attempt')} failed attempts (retried or dead-lettered)")

    # The kills hit a worker with work outstanding (else this test would prove little).
    assert any(kill["outstanding"] > 0 for kill in kills), kills
    assert_applied_exactly_once(final, depths, CASES)
