"""A removed user or a replaced token is refused at once by every API process, not only by the
one that made the change (gunicorn runs several; each used to remember principals for 5 s)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

from service.app import create_app
from tests.api.helpers import bearer, ok, problem, url


@pytest.fixture(params=["sqlite", "postgres"])
def pathways(request):
    """Data that another process can see: the default PostgreSQL fixture never commits."""
    return request.getfixturevalue("sqlite_pathways" if request.param == "sqlite" else "committing_pg_pathways")


_app = None  # the other worker's app, in its own process


def _start_worker(config) -> None:
    global _app
    _app = create_app(config)


def _call(method: str, path: str, headers: dict) -> int:
    return _app.test_client().open(url(path), method=method, headers=headers).status_code


@pytest.fixture
def other_worker(pathways):
    """A second gunicorn worker: its own process, app, engine and connections, started (and
    its app built) before the test runs, so that each call takes milliseconds."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                             initargs=(pathways.config,)) as pool:
        pool.submit(int).result(timeout=120)  # the worker is up
        yield lambda *call: pool.submit(_call, *call).result(timeout=60)


@pytest.mark.parametrize("change", ["delete", "rotate"])
def test_a_token_revoked_by_another_worker_is_refused_by_the_next_request(client, other_worker, tenant, change):
    admin = tenant.headers["admin"]
    created = ok(client.post(url("/users"), json={"email": "leaving@example.org", "role": "caseworker"},
                             headers=admin), 201)
    token = bearer(created["token"])
    ok(client.get(url("/trainees"), headers=token))  # this worker has just accepted the token
    method, path, status = {"delete": ("DELETE", f"/users/{created['id']}", 204),
                            "rotate": ("POST", f"/users/{created['id']}/token", 200)}[change]

    assert other_worker(method, path, admin) == status

    problem(client.get(url("/trainees"), headers=token), 401)
    problem(client.post(url("/trainees"), json={}, headers=token), 401)


def test_a_deactivated_user_is_refused_at_once_by_the_process_that_deactivated_it(client, tenant):
    admin = tenant.headers["admin"]
    created = ok(client.post(url("/users"), json={"email": "gone@example.org", "role": "manager"}, headers=admin),
                 201)
    ok(client.get(url("/organisation"), headers=bearer(created["token"])))
    assert client.delete(url(f"/users/{created['id']}"), headers=admin).status_code == 204
    problem(client.get(url("/organisation"), headers=bearer(created["token"])), 401)
