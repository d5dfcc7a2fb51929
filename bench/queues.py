"""The benchmark's view of RabbitMQ: the consumers' queues, their depth and consumers, purging them.

Passive declarations on the benchmark's vhost, on a connection of their own: nothing here
creates a queue (a queue that does not exist yet is reported as absent).
"""

from __future__ import annotations

import subprocess
import time

from amqp.exceptions import NotFound
from kombu import Connection

from service.config import from_env
from workers.registry import topologies


def consumer_queues(names: list[str] | None = None, *, waits: bool = True) -> list[str]:
    """Each consumer's queue (and, with `waits`, its retry wait queues), as workers/topology.py names them."""
    result = []
    for topology in topologies(from_env(), names):
        result.append(topology.queue_name)
        if waits:
            result += [queue.name for queue in topology.wait_queues()]
    return result


def depths(broker_url: str, names: list[str]) -> dict[str, tuple[int, int] | None]:
    """{queue: (messages ready, consumers)}, or None for a queue that does not exist (yet)."""
    found: dict[str, tuple[int, int] | None] = {}
    with Connection(broker_url) as connection:
        channel = connection.default_channel
        for name in names:
            try:
                _name, messages, consumers = channel.queue_declare(queue=name, passive=True)
                found[name] = (messages, consumers)
            except NotFound:
                found[name] = None
                channel = connection.channel()  # a failed passive declare closes the channel
    return found


def purge(broker_url: str, names: list[str]) -> int:
    """Empty these queues (those that exist); returns how many messages were dropped."""
    dropped = 0
    with Connection(broker_url) as connection:
        channel = connection.default_channel
        for name in names:
            try:
                dropped += channel.queue_purge(queue=name) or 0
            except NotFound:
                channel = connection.channel()
    return dropped


def wait_for_consumers(broker_url: str, names: list[str], process: subprocess.Popen, timeout: float = 60) -> None:
    """Until every queue in `names` exists and has a consumer (the worker is up and consuming)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode} before consuming")
        found = depths(broker_url, names)
        if all(entry is not None and entry[1] > 0 for entry in found.values()):
            return
        time.sleep(0.1)
    raise RuntimeError(f"no consumer on {names} within {timeout} s")


def wait_until_empty(broker_url: str, names: list[str], *, settle: int = 2, timeout: float = 120) -> bool:
    """Until every queue in `names` has held no ready message at `settle` polls in a row, 0.5 s apart
    (the messages a consumer has taken but not acked yet are not counted, hence the repeat)."""
    deadline, quiet = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        found = depths(broker_url, names)
        quiet = quiet + 1 if all(entry is None or entry[0] == 0 for entry in found.values()) else 0
        if quiet >= settle:
            return True
        time.sleep(0.5)
    return False
