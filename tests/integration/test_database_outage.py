"""While PostgreSQL is unreachable the API answers 503 problem+json with Retry-After, logs the outage
once (and the recovery once), and stays alive (/healthz 200, /readyz 503)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.engine import make_url

from service.app import create_app
from service.bootstrap import Pathways
from service.db.session import make_engine, make_session_factory
from service.services import organisations
from tests.api.helpers import PROBLEM, bearer, url
from tests.conftest import PG_URL
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres


@pytest.fixture
def outage(committing_pg_pathways):
    """An app whose database connections go through a proxy the test can cut, and an admin token."""
    _organisation, _admin, token = organisations.bootstrap(
        committing_pg_pathways.uow(), slug="outage", name="Outage test", country="TR",
        admin_email="admin@outage.example.org")
    upstream = make_url(PG_URL)
    with TcpProxy(upstream.port or 5432) as proxy:
        proxied_url = upstream.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        engine = make_engine(proxied_url)
        pathways = Pathways(config=committing_pg_pathways.config.with_overrides(database_url=proxied_url),
                            engine=engine, session_factory=make_session_factory(engine),
                            vault=committing_pg_pathways.vault)
        app = create_app(pathways=pathways)
        yield app.test_client(), bearer(token), proxy
        engine.dispose()


def _outage_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "database" in r.getMessage().lower()
            and r.levelno >= logging.WARNING]


def test_every_request_answers_503_with_retry_after_while_the_database_is_down(outage, caplog):
    client, admin, proxy = outage
    assert client.get(url("/projects"), headers=admin).status_code == 200
    proxy.cut()
    caplog.clear()
    for request in (lambda: client.get(url("/projects"), headers=admin),
                    lambda: client.post(url("/projects"), headers=admin,
                                        json={"code": "X1", "name": "During the outage", "reach_target": 10}),
                    lambda: client.get(url("/trainees"), headers=admin),
                    lambda: client.get(url("/metrics/reach"), headers=admin)):
        response = request()
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.mimetype == PROBLEM
        assert int(response.headers["Retry-After"]) > 0
        body = response.get_json()
        assert body["status"] == 503 and body["detail"]
        assert "Traceback" not in body["detail"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503
    # One line for the whole outage, no traceback per request.
    lines = _outage_lines(caplog)
    assert len(lines) == 1, lines
    assert not any(r.exc_info for r in caplog.records)


def test_the_recovery_is_logged_once_and_requests_succeed_again(outage, caplog):
    client, admin, proxy = outage
    proxy.cut()
    assert client.get(url("/projects"), headers=admin).status_code == 503
    proxy.restore()
    caplog.clear()
    for _ in range(3):
        assert client.get(url("/projects"), headers=admin).status_code == 200
    recovered = [r.getMessage() for r in caplog.records if "reachable again" in r.getMessage()]
    assert len(recovered) == 1, caplog.records
    # A second outage is announced again.
    proxy.cut()
    caplog.clear()
    assert client.get(url("/projects"), headers=admin).status_code == 503
    assert len(_outage_lines(caplog)) == 1
