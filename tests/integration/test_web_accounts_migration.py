"""Migration 0014: users from before it keep their tokens and have no password, nothing locked; the downgrade
takes the web accounts away again (tokens stay)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import inspect

from service.db.migrate import upgrade
from service.db.session import make_session_factory
from service.services import accounts, organisations, sign_in, users, web_sessions
from service.services.unit_of_work import UnitOfWork
from tests.integration.test_migrations import downgrade, schema_differences


def test_users_from_before_0014_keep_their_tokens_and_can_be_given_a_password(empty_engine):
    upgrade(empty_engine)
    uow = lambda: UnitOfWork(make_session_factory(empty_engine))  # noqa: E731
    _, admin, token = organisations.bootstrap(uow(), slug="old", name="Old", country="TR",
                                              admin_email="admin@old.example")
    downgrade(empty_engine, "0013")
    with empty_engine.connect() as connection:
        assert {"web_sessions", "user_invitations"}.isdisjoint(inspect(connection).get_table_names())
        assert "password_hash" not in {c["name"] for c in inspect(connection).get_columns("users")}

    upgrade(empty_engine)
    assert schema_differences(empty_engine) == []
    with empty_engine.connect() as connection:
        row = connection.execute(sa.text(
            "SELECT password_hash, failed_sign_ins, locked_until, locale FROM users")).one()
    assert tuple(row) == (None, 0, None, None)
    assert users.authenticate(uow(), token).user_id == admin.id
    with pytest.raises(sign_in.SignInRefused):  # no password yet: the web refuses, as for a wrong one
        sign_in.sign_in(uow(), "admin@old.example", "")
    accounts.set_password(uow(), "admin@old.example", "a first password")
    cookie = web_sessions.open_session(uow(), admin.id)
    assert web_sessions.resolve(uow(), cookie).principal.user_id == admin.id

    downgrade(empty_engine, "0013")  # with a password and a session in place
    assert users.authenticate(uow(), token).user_id == admin.id
