"""Running the relay and consumers in one process until told to stop (SIGTERM, SIGINT)."""

from __future__ import annotations

import logging
import signal
import threading

from service.bootstrap import Pathways
from service.config import Config
from workers import broker, retention
from workers.heartbeat import Heartbeat
from workers.registry import CONSUMERS, topologies
from workers.relay import Relay

log = logging.getLogger(__name__)


def stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def declare_topology(config: Config) -> None:
    """Every consumer's exchange, queues and bindings, declared once before any process consumes or
    publishes (the launcher calls it before starting its children).

    The relay and each consumer still declare what they use (a process of its own must not depend
    on another having run first, and the embedded transport keeps bindings in each process), but
    they then find every queue there already instead of racing to make it.
    """
    with broker.connect(config) as connection:
        connection.ensure_connection(max_retries=1)
        channel = connection.channel()
        for consumer in topologies(config):
            consumer.declare(channel)


def run_relay(pathways: Pathways, stop: threading.Event) -> None:
    log.info("relay started (%s)", "embedded" if pathways.config.embedded_broker else "RabbitMQ")
    retention.start(pathways, stop)  # every deployment runs a relay: it purges on a thread beside it
    Relay(pathways, broker.connect(pathways.config)).run(stop)


def run_consumers(pathways: Pathways, names: list[str], stop: threading.Event) -> bool:
    """Each named consumer on its own thread and connection; all stop together.

    Returns False when a consumer died: the process should exit non-zero to be restarted.
    """
    consumers = [CONSUMERS[t.name](pathways, broker.connect(pathways.config))
                 for t in topologies(pathways.config, names)]
    threads = [threading.Thread(target=c.run, name=c.name, daemon=True) for c in consumers]
    for thread in threads:
        thread.start()
    log.info("consumers started: %s", ", ".join(c.name for c in consumers))
    healthy = True
    alive = Heartbeat("worker")
    while not stop.wait(1):
        if not all(thread.is_alive() for thread in threads):
            log.error("a consumer thread died; stopping the worker so that it is restarted")
            healthy = False
            break
        alive.beat()
    for consumer in consumers:
        consumer.should_stop = True
    for thread in threads:
        thread.join(timeout=10)
    return healthy
