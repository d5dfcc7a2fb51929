"""After RabbitMQ restarts, the consumers' deliveries of the dead connection are dropped quietly: the broker
redelivers them and the consumers are idempotent, so a failed ack is nothing to warn about (a run once logged
984 warnings for it). The events are still applied exactly once."""

from __future__ import annotations

import logging
import time
from collections import Counter

from tests.reliability.conftest import rabbitmqctl, wait_until_broker_accepts
from tests.reliability.workload import (
    Writers, assert_applied_exactly_once, await_drained, case_through_services, new_programme)
from tests.workers.conftest import Pipeline

#: A lost connection is worth a line or two per consumer and one for the relay (Kombu's "connection lost",
#: ours "broker unavailable"), not one per message or per reconnection attempt.
WARNINGS_PER_THREAD = 2


def test_a_broker_restart_costs_a_few_warnings_and_applies_every_event_once(
        broker_pathways, stoppable_broker, caplog):
    pathways, url = broker_pathways, broker_pathways.config.broker_url
    programme = new_programme(pathways)
    pipeline = Pipeline(pathways).start()
    writers = Writers(lambda n: case_through_services(pathways, programme, n), threads=2)
    try:
        with caplog.at_level(logging.INFO):
            writers.start()
            time.sleep(2)
            rabbitmqctl("stop_app", timeout=90)
            time.sleep(2)
            rabbitmqctl("start_app", timeout=90)
            wait_until_broker_accepts(url, timeout=90)
            time.sleep(2)
            writers.stop.set()
            writers.join(timeout=60)
            final, depths = await_drained(pathways, programme.organisation_id, url, _NoLog(), _NoLog())
    finally:
        writers.stop.set()
        writers.wait(timeout=60)
        pipeline.stop()
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    print(f"\n[acks after restart] {writers.written} cases, {len(warnings)} warnings:")
    for (name, text), count in Counter((r.name, r.getMessage()[:100]) for r in warnings).most_common(12):
        print(f"  {count} x {name}: {text}")
    assert_applied_exactly_once(final, depths, writers.written)
    assert len(warnings) <= WARNINGS_PER_THREAD * len(pipeline.threads), [r.getMessage()[:200] for r in warnings]


class _NoLog:
    """await_drained prints the processes' logs on failure; these threads log into caplog instead."""

    def log_tail(self) -> str:
        return "(in this process's log)"
