"""Reliability fixtures: the relay and the outcomes worker as real OS processes, against the real
RabbitMQ (a virtual host of this run) and the run's PostgreSQL database, with really committing sessions.

Everything here is bounded: every wait has a deadline, every process started is killed in a
finalizer, and a test that stops the broker starts it again (and waits until it accepts
connections) before it ends, whatever happened.
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from kombu import Connection

from tests.conftest import REQUIRE_SERVICES

REPO = Path(__file__).resolve().parents[2]
VHOST = f"pathways_reliability_{os.getpid()}"
BROKER_URL = os.environ.get("TEST_BROKER_URL", f"amqp://guest:guest@127.0.0.1:5672/{VHOST}")
#: Short retry waits, passed to the processes too: every declaration of a wait queue must agree.
RETRY_DELAYS = (0.2, 0.5)
CONSUMER = "outcomes"
#: Taken exclusively by a test that stops the broker, shared by the other tests of this suite,
#: so that two runs side by side never stop RabbitMQ under each other's feet.
BROKER_LOCK = Path(os.environ.get("PATHWAYS_BROKER_LOCK", "/tmp/pathways-reliability-broker.lock"))
BROKER_LOCK_TIMEOUT_SECONDS = 240


def rabbitmqctl(*args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["rabbitmqctl", *args], check=check, capture_output=True, text=True, timeout=timeout)


def broker_accepts(url: str = BROKER_URL, timeout: float = 3) -> bool:
    """Whether an AMQP connection to `url` opens now (one attempt, no retries)."""
    try:
        with Connection(url, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not now"
        return False


def wait_until_broker_accepts(url: str = BROKER_URL, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not broker_accepts(url):
        if time.monotonic() > deadline:
            raise AssertionError(f"RabbitMQ did not accept connections within {timeout} s")
        try:
            rabbitmqctl("await_startup", "--timeout", "20", timeout=30, check=False)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.5)


def restore_broker(url: str = BROKER_URL) -> None:
    """Make sure RabbitMQ runs and accepts connections: start_app, else start the whole node."""
    if broker_accepts(url):
        return
    try:
        started = rabbitmqctl("start_app", timeout=90, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        started = False
    if not started:
        subprocess.run(["rabbitmq-server", "-detached"], capture_output=True, timeout=60, check=False)
    wait_until_broker_accepts(url)


@contextmanager
def broker_lock(exclusive: bool):
    """An advisory lock on BROKER_LOCK; waits at most BROKER_LOCK_TIMEOUT_SECONDS."""
    BROKER_LOCK.touch(exist_ok=True)
    with open(BROKER_LOCK, "r+") as handle:
        mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        deadline = time.monotonic() + BROKER_LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(handle, mode)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another run held {BROKER_LOCK} for over {BROKER_LOCK_TIMEOUT_SECONDS} s")
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture
def shared_broker():
    """This test needs the broker up, and no other run of this suite to stop it meanwhile."""
    with broker_lock(exclusive=False):
        yield


@pytest.fixture
def stoppable_broker():
    """This test may stop the broker: nobody else of this suite uses it meanwhile, and it is
    running and accepting connections again when the test ends, whatever happened."""
    with broker_lock(exclusive=True):
        try:
            yield
        finally:
            restore_broker()


@pytest.fixture(scope="session")
def reliability_broker_url():
    own_vhost = "TEST_BROKER_URL" not in os.environ
    try:
        # An earlier run that was killed while the broker was stopped must not fail this one.
        restore_broker("amqp://guest:guest@127.0.0.1:5672//")
        if own_vhost:
            rabbitmqctl("add_vhost", VHOST)
            rabbitmqctl("set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*")
        if not broker_accepts(BROKER_URL):
            raise ConnectionError(BROKER_URL)
    except Exception as error:  # noqa: BLE001 - any failure means "not usable"
        message = f"RabbitMQ is not usable: {error.__class__.__name__}: {error}"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message} (REQUIRE_SERVICES=1)")
        pytest.skip(message)
    yield BROKER_URL
    if own_vhost:
        try:
            restore_broker()
            rabbitmqctl("delete_vhost", VHOST, check=False)
        except Exception:  # noqa: BLE001 - cleanup is best effort; the vhost name is unique per run
            pass


@pytest.fixture
def broker_pathways(committing_pg_pathways, reliability_broker_url):
    """Committing PostgreSQL plus this run's RabbitMQ vhost; the consumer's queues go afterwards."""
    from workers.registry import load_all, topologies

    load_all()
    config = committing_pg_pathways.config.with_overrides(broker_url=reliability_broker_url,
                                                          retry_delays=RETRY_DELAYS)
    pathways = dataclasses.replace(committing_pg_pathways, config=config)
    yield pathways
    if not broker_accepts(reliability_broker_url):
        return
    with Connection(reliability_broker_url, connect_timeout=5) as connection:
        channel = connection.channel()
        for topology in topologies(config):
            for queue in (topology.queue(), *topology.wait_queues(), topology.dead_letter_queue()):
                queue(channel).delete()


class Service:
    """One `pathways relay` or `pathways worker …` process, its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path):
        self.args, self.env, self.log_path = args, env, log_path
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> "Service":
        assert self.process is None or self.process.poll() is not None, "already running"
        log = open(self.log_path, "ab")
        try:
            log.write(f"\n===== start {self.starts + 1} =====\n".encode())
            log.flush()
            self.process = subprocess.Popen([sys.executable, "-m", "service.cli", *self.args], cwd=REPO,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        finally:
            log.close()  # the child holds its own descriptor
        self.starts += 1
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no ack, no rollback by the process itself."""
        if self.alive:
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (a clean stop), then SIGKILL if it lingers."""
        if not self.alive:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_lines(self, containing: str) -> int:
        """How many lines of the process's output (all its starts) contain `containing`."""
        try:
            return sum(containing in line for line in self.log_path.read_text(errors="replace").splitlines())
        except OSError:
            return 0

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@pytest.fixture
def services(broker_pathways, tmp_path):
    """Start `pathways relay` / `pathways worker outcomes` processes on this test's database and
    vhost; every one is killed when the test ends (before its data is deleted)."""
    started: list[Service] = []
    env = {
        **os.environ,
        "DATABASE_URL": broker_pathways.config.database_url,
        "BROKER_URL": broker_pathways.config.broker_url,
        "PATHWAYS_PII_HASH_KEY": "eA2lp8d3JqD8HdBbz5n6j74rg2a1qKpBu-47rsjKOCk",
        "PATHWAYS_PII_ENCRYPTION_KEY": "R8rvoaYzwunzgVM0JYh-KQlfZxRNFc2lP6PtnNmHexk",
        "PATHWAYS_RETRY_DELAYS": ",".join(str(delay) for delay in RETRY_DELAYS),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PATHWAYS_SQL_ECHO", None)

    def start(name: str, *args: str) -> Service:
        service = Service(list(args), env, tmp_path / f"{name}.log")
        started.append(service)
        return service.start()

    yield start
    for service in started:
        try:
            service.stop(timeout=5)
        finally:
            service.kill()


def wait_for(predicate, timeout: float, interval: float = 0.2, what: str | None = None):
    """Poll until `predicate()` is truthy; return its value or fail (never waits past `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s: {what or predicate.__doc__ or predicate}")
        time.sleep(interval)
