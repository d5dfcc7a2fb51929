"""An Idempotency-Key survives a gunicorn worker killed in the middle of its request (PostgreSQL).

The API runs under a real gunicorn (two sync workers) on the run's PostgreSQL database; a
request asks the worker to SIGKILL itself just before or just after the commit of its placement
(tests/integration/killable_api.py). The client's retry with the same key must then find either
everything (the stored first response, one placement) or nothing (the use case runs once), and a
retry answers 409 "in progress" only while the first request is really still running.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from service.services import organisations
from tests import factories
from tests.api.conftest import employer_body, work_terms
from tests.api.helpers import PROBLEM, url
from tests.conftest import PG_URL

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
KEY = "Idempotency-Key"
#: killable_api's header (not imported: importing it builds an app and registers its hooks here too).
HEADER = "X-Test-At"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Api:
    """A gunicorn serving killable_api on a free port; `call` makes one HTTP request."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token

    def call(self, method: str, path: str, body: dict | None = None, **headers) -> tuple[int, dict, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        try:
            connection.request(method, url(path), body=None if body is None else json.dumps(body),
                               headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                                        **headers})
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"null"), dict(response.getheaders())
        finally:
            connection.close()


@pytest.fixture
def api(committing_pg_pathways, tmp_path):
    slug = f"crash-{uuid.uuid4().hex[:10]}"
    _organisation, _admin, token = organisations.bootstrap(
        committing_pg_pathways.uow(), slug=slug, name="Crash test", country="TR", admin_email=f"admin@{slug}.org")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": PG_URL, "PATHWAYS_PII_HASH_KEY": "MhFszbiMq-0dfdSIhP2q8vwglKihh283bmlPSAt3Po0",
           "PATHWAYS_PII_ENCRYPTION_KEY": "QHI7Mdi79n4YGptmK4INzbUyThEMC1lr4O7S0rm9xr0",
           "PATHWAYS_DATA_DIR": str(tmp_path),
           "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2", "GUNICORN_TIMEOUT": "120"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:service.gunicorn_conf",
             "tests.integration.killable_api:app"],
            cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield Api(port, token)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _placement_request(api: Api) -> tuple[str, dict]:
    """A new trainee and employer, and the body of a placement of the one at the other."""
    status, employer, _ = api.call("POST", "/employers", employer_body())
    assert status == 201, employer
    status, trainee, _ = api.call("POST", "/trainees", factories.trainee_body())
    assert status == 201, trainee
    return trainee["id"], work_terms(employer_id=employer["id"], trainee_id=trainee["id"])


def _placements_of(api: Api, trainee_id: str) -> list[dict]:
    status, listed, _ = api.call("GET", f"/placements?trainee_id={trainee_id}")
    assert status == 200, listed
    return listed["items"]


def _killed(api: Api, path: str, body: dict, **headers) -> None:
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        api.call("POST", path, body, **headers)


def _no_key_lock_left(committing_pg_pathways, timeout: float = 10) -> None:
    """Wait until no transaction holds an idempotency key: the killed worker's backend has noticed
    its client is gone and rolled back (PostgreSQL does so as soon as the socket closes)."""
    deadline = time.monotonic() + timeout
    held = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
    with committing_pg_pathways.engine.connect() as connection:
        while connection.scalar(held):
            assert time.monotonic() < deadline, "a dead worker's transaction still holds its key"
            time.sleep(0.05)
            connection.rollback()


def test_a_worker_killed_after_the_commit_leaves_the_response_for_the_retry(api):
    trainee_id, body = _placement_request(api)
    _killed(api, "/placements", body, **{KEY: "kill-after", HEADER: "kill-after-commit"})
    status, replayed, headers = api.call("POST", "/placements", body, **{KEY: "kill-after"})
    assert status == 201, replayed
    assert headers.get("Idempotent-Replayed") == "true"
    assert [p["id"] for p in _placements_of(api, trainee_id)] == [replayed["id"]]
    assert (replayed["trainee_id"], replayed["employer_id"]) == (trainee_id, body["employer_id"])


def test_a_worker_killed_before_the_commit_leaves_nothing_and_the_retry_runs_once(api, committing_pg_pathways):
    trainee_id, body = _placement_request(api)
    _killed(api, "/placements", body, **{KEY: "kill-before", HEADER: "kill-before-commit"})
    assert _placements_of(api, trainee_id) == []
    _no_key_lock_left(committing_pg_pathways)
    status, created, headers = api.call("POST", "/placements", body, **{KEY: "kill-before"})
    assert status == 201, created
    assert "Idempotent-Replayed" not in headers
    status, replayed, headers = api.call("POST", "/placements", body, **{KEY: "kill-before"})
    assert (status, replayed, headers.get("Idempotent-Replayed")) == (201, created, "true")
    assert [p["id"] for p in _placements_of(api, trainee_id)] == [created["id"]]


def test_a_retry_is_409_while_the_first_request_really_runs_then_gets_its_response(api, tmp_path):
    trainee_id, body = _placement_request(api)
    release = tmp_path / "release"
    first: dict = {}

    def send_first():
        first["answer"] = api.call("POST", "/placements", body,
                                   **{KEY: "held", HEADER: f"hold-before-commit:{release}"})

    sender = threading.Thread(target=send_first)
    sender.start()
    try:
        deadline = time.monotonic() + 30
        while not Path(f"{release}.held").exists():
            assert time.monotonic() < deadline and sender.is_alive(), first
            time.sleep(0.05)
        status, answer, headers = api.call("POST", "/placements", body, **{KEY: "held"})
        assert status == 409, answer
        assert headers["Content-Type"] == PROBLEM and "in progress" in answer["detail"]
    finally:
        release.touch()
        sender.join(timeout=60)
    status, created, _ = first["answer"]
    assert status == 201, created
    status, replayed, headers = api.call("POST", "/placements", body, **{KEY: "held"})
    assert (status, replayed, headers.get("Idempotent-Replayed")) == (201, created, "true")
    assert [p["id"] for p in _placements_of(api, trainee_id)] == [created["id"]]
