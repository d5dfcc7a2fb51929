"""Migration 0006 gives tokens issued before expiry existed 90 days from the upgrade (no lock-out)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from service.clock import utcnow
from service.db.migrate import upgrade
from service.db.models import User
from service.db.session import make_session_factory
from service.services import organisations, users
from service.services.unit_of_work import UnitOfWork
from tests.integration.test_migrations import downgrade


def test_older_tokens_expire_90_days_after_the_upgrade(empty_engine):
    upgrade(empty_engine)
    uow = lambda: UnitOfWork(make_session_factory(empty_engine))  # noqa: E731
    _, admin, token = organisations.bootstrap(uow(), slug="old", name="Old", country="TR",
                                              admin_email="admin@old.example")
    with uow() as unit:  # a token from before 0006, and a removed user who has none
        unit.session.execute(update(User).values(token_expires_at=None))
        unit.session.add(User(organisation_id=admin.organisation_id, email="gone@old.example", role="manager",
                              active=False))
        unit.commit()
    downgrade(empty_engine, "0005")
    before = utcnow()
    upgrade(empty_engine)

    with uow() as unit:
        expiries = dict(unit.session.execute(select(User.email, User.token_expires_at)).all())
    assert before + timedelta(days=90) <= expiries["admin@old.example"] <= utcnow() + timedelta(days=90)
    assert expiries["gone@old.example"] is None
    assert users.authenticate(uow(), token).user_id == admin.id
