"""Fixtures for the event pipeline: a RabbitMQ virtual host per test run, and the relay and
consumers running in this process against it (real broker, real PostgreSQL commits)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import threading
import time

import pytest
from kombu import Connection

from tests.conftest import REQUIRE_SERVICES
from workers import broker
from workers.registry import CONSUMERS, topologies
from workers.relay import Relay

VHOST = f"pathways_test_{os.getpid()}"
RABBITMQ_URL = os.environ.get("TEST_BROKER_URL", f"amqp://guest:guest@127.0.0.1:5672/{VHOST}")
#: Short waits keep retry tests quick; the topology is the same as in production.
TEST_RETRY_DELAYS = (0.2, 0.4)


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def rabbitmq_url():
    own_vhost = "TEST_BROKER_URL" not in os.environ
    try:
        if own_vhost:
            _rabbitmqctl("add_vhost", VHOST)
            _rabbitmqctl("set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*")
        with Connection(RABBITMQ_URL, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=2)
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        message = f"RabbitMQ is not usable: {error.__class__.__name__}"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message} (REQUIRE_SERVICES=1)")
        pytest.skip(message)
    yield RABBITMQ_URL
    if own_vhost:
        _rabbitmqctl("delete_vhost", VHOST)


@pytest.fixture
def broker_pathways(committing_pg_pathways, rabbitmq_url):
    """Committing PostgreSQL plus RabbitMQ; the consumers' queues are deleted afterwards."""
    config = committing_pg_pathways.config.with_overrides(broker_url=rabbitmq_url,
                                                          retry_delays=TEST_RETRY_DELAYS)
    pathways = dataclasses.replace(committing_pg_pathways, config=config)
    yield pathways
    with broker.connect(config) as connection:
        channel = connection.channel()
        for topology in topologies(config):
            for queue in (topology.queue(), *topology.wait_queues(), topology.dead_letter_queue()):
                queue(channel).delete()


class Pipeline:
    """The relay and every consumer on threads of this process, as `pathways run` runs them."""

    def __init__(self, pathways, *, relay_pathways=None, consumer_pathways=None):
        """`relay_pathways` / `consumer_pathways`: what the relay / the consumers use instead (another route
        to the database or the broker)."""
        self.pathways = pathways
        self.stop_event = threading.Event()
        relay_pathways, consumer_pathways = relay_pathways or pathways, consumer_pathways or pathways
        self.consumers = {name: cls(consumer_pathways, broker.connect(consumer_pathways.config))
                          for name, cls in CONSUMERS.items()}
        self.threads = [threading.Thread(target=Relay(relay_pathways, broker.connect(relay_pathways.config)).run,
                                         args=(self.stop_event,), daemon=True)]
        self.threads += [threading.Thread(target=c.run, daemon=True) for c in self.consumers.values()]

    def start(self) -> "Pipeline":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        for consumer in self.consumers.values():
            consumer.should_stop = True
        for thread in self.threads:
            thread.join(timeout=10)


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):
    """Poll until `predicate()` is truthy; return its value or fail with the last one."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            assert value, f"not reached within {timeout} s: {predicate.__doc__ or predicate}"
            return value
        time.sleep(interval)


@pytest.fixture
def pipeline(broker_pathways):
    from workers.registry import load_all

    load_all()
    running = Pipeline(broker_pathways).start()
    yield running
    running.stop()
