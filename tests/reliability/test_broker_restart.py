"""RabbitMQ stopped and started again while writes go on through the API: no write fails for
want of a broker, and afterwards the pipeline converges (SPEC section 4: "Nothing is lost when
the broker is down: writes still succeed and the events go out when it is back").

The relay and the outcomes worker run as real processes and must ride out the outage on
their own (neither may exit: `pathways run` stops everything when one child does).
"""

from __future__ import annotations

import threading
import time

from service.app import create_app
from tests.reliability.conftest import (
    CONSUMER, broker_accepts, rabbitmqctl, wait_for, wait_until_broker_accepts)
from tests.reliability.workload import (
    Writers, assert_applied_exactly_once, await_drained, case_through_api, consumers_on_queue, new_programme, state)

WRITER_THREADS = 2
BEFORE_SECONDS, DOWN_SECONDS, AFTER_SECONDS = 2.0, 5.0, 2.0


def test_writes_succeed_while_the_broker_restarts_and_the_pipeline_converges(
        broker_pathways, services, stoppable_broker):
    pathways, url = broker_pathways, broker_pathways.config.broker_url
    programme = new_programme(pathways)
    app = create_app(pathways=pathways)
    statuses: list[tuple[str, int]] = []
    local = threading.local()

    def write(n: int) -> None:
        if not hasattr(local, "client"):
            local.client = app.test_client()  # one client per writer thread
        case_through_api(local.client, programme, n, statuses)

    relay = services("relay", "relay")
    worker = services("worker", "worker", CONSUMER)
    wait_for(lambda: not worker.alive or consumers_on_queue(url) == 1, timeout=60, what="the worker consuming")
    started = time.monotonic()
    writers = Writers(write, threads=WRITER_THREADS).start()
    phases = {}
    try:
        time.sleep(BEFORE_SECONDS)
        phases["before stop"] = {"requests": len(statuses), **_progress(pathways, programme)}
        rabbitmqctl("stop_app", timeout=90)
        assert not broker_accepts(url), "the broker still accepts connections after stop_app"
        phases["broker stopped"] = {"requests": len(statuses), **_progress(pathways, programme)}
        time.sleep(DOWN_SECONDS)
        phases["before start"] = {"requests": len(statuses), **_progress(pathways, programme)}
        rabbitmqctl("start_app", timeout=90)
        wait_until_broker_accepts(url, timeout=90)
        phases["broker back"] = {"requests": len(statuses), **_progress(pathways, programme)}
        time.sleep(AFTER_SECONDS)
    finally:
        writers.stop.set()
        writers.wait(timeout=60)  # no writer outlives the test (its data is deleted afterwards)
        # (the `stoppable_broker` fixture starts the broker again if anything above failed)
    writers.join(timeout=60)
    cases = writers.written

    final, depths = await_drained(pathways, programme.organisation_id, url, relay, worker)

    print(f"\n[broker restart] {cases} cases ({len(statuses)} API writes) in "
          f"{BEFORE_SECONDS + DOWN_SECONDS + AFTER_SECONDS:.0f} s + stop/start, drained after "
          f"{time.monotonic() - started:.1f} s")
    for phase, numbers in phases.items():
        print(f"  {phase}: {numbers}")
    print(f"  events {final['events']} by type {final['by_type']}")
    print(f"  subscribed {final['subscribed']}, processed by {CONSUMER} {final['processed']}, "
          f"unpublished {final['unpublished']}, exits {final['exits']}, follow-ups {final['follow_ups']}, "
          f"checkpoints resolved from jobs {final['checkpoints_resolved_from_jobs']}, "
          f"follow_up.recorded events {final['follow_up_recorded_events']}, queues {depths}")
    print(f"  relay and worker alive: {relay.alive}, {worker.alive}; relay back-offs logged: "
          f"{relay.log_lines('broker unavailable')}, worker reconnections logged: "
          f"{worker.log_lines('Connected to amqp') - 1}, worker failed attempts: "
          f"{worker.log_lines('failed (attempt')}")

    failed = [(step, status) for step, status in statuses if not 200 <= status < 300]
    assert failed == [], f"{len(failed)} writes failed while the broker was away: {failed[:10]}"
    written_while_down = phases["before start"]["requests"] - phases["broker stopped"]["requests"]
    assert written_while_down > 0, "no write happened while the broker was down"
    assert phases["before start"]["unpublished"] > 0, "events written meanwhile wait in the outbox"
    assert relay.alive, f"the relay exited during the outage:\n{relay.log_tail()}"
    assert worker.alive, f"the worker exited during the outage:\n{worker.log_tail()}"
    assert_applied_exactly_once(final, depths, cases)


def _progress(pathways, programme) -> dict:
    current = state(pathways, programme.organisation_id)
    return {key: current[key] for key in ("events", "unpublished", "subscribed", "processed")}
