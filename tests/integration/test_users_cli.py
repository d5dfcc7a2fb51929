"""`pathways users add-admin` and `reissue-token`: an operator's way back in."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from service import cli, config
from service.bootstrap import bootstrap
from service.clock import utcnow
from service.db.models import User
from service.domain.errors import Unauthenticated
from service.domain.roles import Role
from service.services import users


@pytest.fixture
def operator(tmp_path, monkeypatch):
    """Runs `pathways …` on a fresh SQLite database (tokens last 30 days here) and returns its JSON."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    monkeypatch.setenv("PATHWAYS_TOKEN_TTL_DAYS", "30")
    pathways = bootstrap(config.from_env())

    def run(*args: str, exit_code: int = 0) -> dict:
        result = CliRunner().invoke(cli.main, list(args))
        assert result.exit_code == exit_code, (result.output, result.stderr)
        return json.loads((result.stdout if exit_code == 0 else result.stderr).strip().splitlines()[-1])

    run.pathways = pathways
    yield run
    pathways.dispose()


def _days_from_now(stamp: str) -> float:
    return (datetime.fromisoformat(stamp) - utcnow()) / timedelta(days=1)


def test_add_admin_gives_an_organisation_without_admins_a_way_back(operator):
    created = operator("bootstrap", "--org-slug", "izmir", "--org-name", "Izmir", "--country", "TR",
                       "--admin-email", "first@izmir.example")
    first = users.authenticate(operator.pathways.uow(), created["token"])
    with operator.pathways.uow() as uow:  # the state the API refuses to reach, as a race once left it
        uow.session.execute(update(User).where(User.id == first.user_id).values(active=False, token_hash=None))
        uow.commit()

    added = operator("users", "add-admin", "--org-slug", "izmir", "--email", "Rescue@Izmir.example")
    assert set(added) == {"organisation_id", "admin_id", "token", "expires_at"}
    assert added["organisation_id"] == created["organisation_id"]
    assert 29.99 < _days_from_now(added["expires_at"]) <= 30
    admin = users.authenticate(operator.pathways.uow(), added["token"])
    assert (str(admin.user_id), admin.role) == (added["admin_id"], Role.ADMIN)
    assert users.get(operator.pathways.uow(), admin, admin.user_id).email == "rescue@izmir.example"

    assert "exists already" in operator("users", "add-admin", "--org-slug", "izmir", "--email",
                                        "rescue@izmir.example", exit_code=1)["error"]
    assert "izmr" in operator("users", "add-admin", "--org-slug", "izmr", "--email", "a@izmir.example",
                              exit_code=1)["error"]
    assert "email" in operator("users", "add-admin", "--org-slug", "izmir", "--email", "not-an-email",
                               exit_code=1)["errors"]


def test_reissue_token_replaces_a_users_token(operator):
    created = operator("bootstrap", "--org-slug", "umea", "--org-name", "Umeå", "--country", "SE",
                       "--admin-email", "admin@umea.example")
    admin = users.authenticate(operator.pathways.uow(), created["token"])
    bootstrapped = users.get(operator.pathways.uow(), admin, admin.user_id)
    assert 29.99 < _days_from_now(bootstrapped.token_expires_at.isoformat()) <= 30  # bootstrap's token too

    reissued = operator("users", "reissue-token", "--org-slug", "umea", "--email", "ADMIN@umea.example")
    assert reissued["user_id"] == created["admin_id"] and reissued["role"] == "admin"
    assert 29.99 < _days_from_now(reissued["expires_at"]) <= 30
    with pytest.raises(Unauthenticated):
        users.authenticate(operator.pathways.uow(), created["token"])
    assert str(users.authenticate(operator.pathways.uow(), reissued["token"]).user_id) == created["admin_id"]

    assert "nobody@umea.example" in operator("users", "reissue-token", "--org-slug", "umea", "--email",
                                             "nobody@umea.example", exit_code=1)["error"]

