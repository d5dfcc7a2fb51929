"""Failed authentications are limited per client address (429 with Retry-After); valid tokens
are never counted. Memory storage counts in one process, Redis across all of them."""

from __future__ import annotations

import dataclasses
import random
import time

import pytest
from sqlalchemy import event

from service.app import create_app
from tests.api.helpers import bearer, ok, problem, url

LIMIT = 5
REDIS = "redis://127.0.0.1:6379/0"


def _address() -> str:
    """Its own address per test: Redis is shared with other test runs."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def _worker(pathways, storage: str = "memory://", limit: str = f"{LIMIT} per minute"):
    """An API process as gunicorn runs it, with a client that calls from `address`."""
    config = pathways.config.with_overrides(rate_limit_storage=storage, auth_failure_limit=limit)
    return create_app(pathways=dataclasses.replace(pathways, config=config)).test_client()


def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _bad(client, path="/trainees"):
    return client.get(url(path), headers=bearer("pw_guessed"))


def _limited(response) -> int:
    body = problem(response, 429)
    assert "failed authentications" in body["detail"]
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    return retry_after


def test_failed_authentications_are_limited_then_answered_429(pathways, tenant):
    client = _from(_worker(pathways), _address())
    for path in ("/trainees", "/organisation", "/users", "/projects"):  # counted across endpoints
        problem(_bad(client, path), 401)
    problem(client.get(url("/trainees")), 401)  # no token at all is as much a failure
    _limited(_bad(client))
    _limited(client.get(url("/organisation"), headers=tenant.headers["admin"]))  # the address waits
    assert client.get("/healthz").status_code == 200  # endpoints without tokens are not limited

    other = _from(_worker(pathways), _address())
    problem(_bad(other), 401)
    ok(other.get(url("/organisation"), headers=tenant.headers["admin"]))


def test_a_limited_address_costs_no_database_query(pathways):
    client = _from(_worker(pathways), _address())
    for _ in range(LIMIT):
        problem(_bad(client), 401)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(pathways.engine, "before_cursor_execute", listener)
    try:
        for _ in range(20):
            _limited(_bad(client))
    finally:
        event.remove(pathways.engine, "before_cursor_execute", listener)
    assert statements == []


def test_valid_tokens_and_wrong_roles_are_never_counted(pathways, tenant):
    client = _from(_worker(pathways), _address())
    for _ in range(10 * LIMIT):
        ok(client.get(url("/organisation"), headers=tenant.headers["caseworker"]))
        problem(client.get(url("/users"), headers=tenant.headers["caseworker"]), 403)
    for _ in range(LIMIT):
        problem(_bad(client), 401)
    _limited(_bad(client))


def test_the_address_may_try_again_when_the_window_has_passed(pathways, tenant):
    client = _from(_worker(pathways, limit="2 per 1 second"), _address())
    problem(_bad(client), 401)
    problem(_bad(client), 401)
    retry_after = _limited(_bad(client))
    time.sleep(retry_after)
    problem(_bad(client), 401)
    ok(client.get(url("/organisation"), headers=tenant.headers["admin"]))


def test_memory_storage_counts_in_each_process_alone(pathways):
    address = _address()
    first, second = _from(_worker(pathways), address), _from(_worker(pathways), address)
    for _ in range(LIMIT):
        problem(_bad(first), 401)
    _limited(_bad(first))
    problem(_bad(second), 401)


@pytest.mark.parametrize("pathways", ["sqlite"], indirect=True)
def test_redis_storage_counts_across_processes(pathways, tenant):
    address = _address()
    first, second = _from(_worker(pathways, REDIS), address), _from(_worker(pathways, REDIS), address)
    for n in range(LIMIT):
        problem(_bad(first if n % 2 else second), 401)
    _limited(_bad(first))
    _limited(_bad(second))
    _limited(second.get(url("/organisation"), headers=tenant.headers["admin"]))
    ok(_from(_worker(pathways, REDIS), _address()).get(url("/organisation"), headers=tenant.headers["admin"]))
