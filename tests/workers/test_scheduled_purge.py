"""The purge runs by itself inside a running `pathways relay` (at start, then on its interval), in the
embedded shape (SQLite and the SQLite queue file) and in the production shape (PostgreSQL, RabbitMQ)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from kombu import Connection
from sqlalchemy import create_engine, func, select, text

from tests.conftest import PG_URL
from tests.integration.test_retention import add_rows, present, remove
from tests.workers.conftest import wait_for

REPO = Path(__file__).resolve().parents[2]
NOTHING = {"outbox": 0, "inbox": 0, "idempotency": 0}


@pytest.fixture(params=["embedded", "postgres"])
def shape(request, tmp_path):
    """(pathways the test writes with, the relay's environment, the embedded queue file or None)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PATHWAYS_", "DATABASE_URL",
                                                                                      "BROKER_URL"))}
    env.update(PATHWAYS_DATA_DIR=str(tmp_path), PATHWAYS_PURGE_INTERVAL_SECONDS="1")
    if request.param == "embedded":
        pathways = request.getfixturevalue("sqlite_pathways")
        queue_file = tmp_path / "queue.db"
        env.update(DATABASE_URL=pathways.config.database_url, BROKER_URL=f"sqla+sqlite:///{queue_file}")
        return pathways, env, queue_file
    pathways = request.getfixturevalue("broker_pathways")  # deletes the queues the relay declares
    env.update(DATABASE_URL=PG_URL, BROKER_URL=pathways.config.broker_url,
               PATHWAYS_PII_HASH_KEY="ySsxAscmUnjRPbumAvyqX1cd-c-fegK3Xt71aOOJfx8",
               PATHWAYS_PII_ENCRYPTION_KEY="vZOS-p209WBFkyC4rRYp45-zVPqTlrzTvho1hLpyuAg")
    return pathways, env, None


def _delivered(queue_file: Path) -> int:
    engine = create_engine(f"sqlite:///{queue_file}")
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(text("kombu_message")).where(
                text("visible = 0")))
    finally:
        engine.dispose()


def _consume(queue_file: Path, count: int) -> None:
    """`count` messages through the embedded queue: stored, delivered and acked (kept as delivered)."""
    with Connection(f"sqla+sqlite:///{queue_file}") as connection:
        queue = connection.SimpleQueue("purge-test")
        for n in range(count):
            queue.put({"n": n})
        for _ in range(count):
            queue.get(timeout=10).ack()
        queue.close()


def test_a_running_relay_purges_at_start_and_then_on_its_interval(shape):
    pathways, env, queue_file = shape
    first = add_rows(pathways, copies=3)
    if queue_file is not None:
        _consume(queue_file, 4)
    relay = subprocess.Popen([sys.executable, "-m", "service.cli", "relay"], cwd=REPO, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    second = None
    try:
        wait_for(lambda: present(pathways, first.expired) == NOTHING, timeout=60)
        if queue_file is not None:
            wait_for(lambda: _delivered(queue_file) == 0, timeout=30)
        second = add_rows(pathways, copies=2)  # after the first purge: only a later one removes them
        if queue_file is not None:
            _consume(queue_file, 3)
        wait_for(lambda: present(pathways, second.expired) == NOTHING, timeout=30)
        if queue_file is not None:
            wait_for(lambda: _delivered(queue_file) == 0, timeout=30)
        assert present(pathways, first.kept) == {"outbox": 6, "inbox": 3, "idempotency": 3}
        assert present(pathways, second.kept) == {"outbox": 4, "inbox": 2, "idempotency": 2}
        assert relay.poll() is None
    finally:
        if relay.poll() is None:
            os.killpg(relay.pid, signal.SIGTERM)
        try:
            _out, errors = relay.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(relay.pid, signal.SIGKILL)
            _out, errors = relay.communicate()
        for rows in (first, second):
            if rows is not None:
                remove(pathways, rows)
    assert b"purge failed" not in errors, errors.decode(errors="replace")[-2000:]
