"""Fixtures: an app per test on a migrated SQLite copy or inside a rolled-back PostgreSQL
transaction, and tenants with one user per role.

PostgreSQL is used when reachable; with REQUIRE_SERVICES=1 an unreachable one fails
the tests that need it instead of skipping them.
"""

from __future__ import annotations

import json
import os
import uuid
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, delete, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from service.app import create_app
from service.bootstrap import Pathways
from service.config import Config
from service.db import outbox
from service.db.base import Base
from service.db.migrate import upgrade
from service.db.models import Organisation
from service.db.session import make_engine, make_session_factory
from service.domain.roles import Role
from service.ids import new_id
from service.services import organisations, users
from service.services.pii import NationalIdVault
from tests import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
#: One database per test run, so that runs side by side never drop each other's tables.
PG_URL = os.environ.get("TEST_DATABASE_URL",
                        f"postgresql+psycopg://postgres@127.0.0.1:5432/pathways_test_{os.getpid()}")
#: 32 random bytes each (as from_env derives them), under key id k1: the first key of a deployment.
TEST_KEYS = {"pii_hash_keys": (("k1", bytes.fromhex(
                 "254fc6e340bae00ec67e10aef0d1ab3b7ab96465dea21ad8acf03b6b4da419c3")),),
             "pii_encryption_keys": (("k1", bytes.fromhex(
                 "55b0cd24f300185f3f052dd11cb9b31cf83e05aa9c832fed6524e50a1eeef0ac")),),
             # Many tests send bad tokens from one address; tests/api/test_rate_limit.py sets a low limit.
             "auth_failure_limit": "100000 per minute"}


def _unavailable(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@contextmanager
def _maintenance_connection(url: str):
    """A connection to the server's `postgres` database, for CREATE/DROP DATABASE."""
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            yield connection
    finally:
        admin.dispose()


def _ensure_database(url: str) -> None:
    name = make_url(url).database
    with _maintenance_connection(url) as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))


@pytest.fixture(scope="session")
def pg_engine():
    """A PostgreSQL database migrated once for the whole session."""
    try:
        _ensure_database(PG_URL)
        engine = make_engine(PG_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        _unavailable(f"PostgreSQL at {make_url(PG_URL).render_as_string(hide_password=True)} "
                     f"is not usable: {error.__class__.__name__}")
    upgrade(engine)
    yield engine
    engine.dispose()
    if "TEST_DATABASE_URL" not in os.environ:
        with _maintenance_connection(PG_URL) as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(PG_URL).database}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "pathways.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _sqlite_pathways(template, directory) -> Pathways:
    path = directory / "pathways.db"
    shutil.copy(template, path)
    config = Config(database_url=f"sqlite:///{path}", **TEST_KEYS)
    engine = make_engine(config.database_url)
    return Pathways(config=config, engine=engine,
                    session_factory=sessionmaker(bind=engine, expire_on_commit=False),
                    vault=NationalIdVault(config.pii_hash_keys, config.pii_encryption_keys))


@pytest.fixture
def sqlite_pathways(sqlite_template, tmp_path):
    pathways = _sqlite_pathways(sqlite_template, tmp_path)
    yield pathways
    pathways.dispose()


@pytest.fixture
def pg_pathways(pg_engine):
    """Everything the test commits lands in a savepoint of one transaction, rolled back after."""
    connection = pg_engine.connect()
    transaction = connection.begin()
    config = Config(database_url=PG_URL, **TEST_KEYS)
    pathways = Pathways(
        config=config, engine=pg_engine,
        session_factory=sessionmaker(bind=connection, expire_on_commit=False,
                                     join_transaction_mode="create_savepoint"),
        vault=NationalIdVault(config.pii_hash_keys, config.pii_encryption_keys))
    yield pathways
    transaction.rollback()
    connection.close()


def _delete_organisations(engine, created: set[uuid.UUID]) -> None:
    """Delete the organisations a test committed, and every row that names one of them."""
    if not created:
        return
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            column = table.c.get("organisation_id")
            # Rows with a foreign key go with their organisation (ON DELETE CASCADE);
            # audit entries, outbox rows and the like have none on purpose.
            if column is not None and not column.foreign_keys:
                connection.execute(delete(table).where(column.in_(created)))
        connection.execute(delete(Organisation).where(Organisation.id.in_(created)))


@pytest.fixture
def committing_pg_pathways(pg_engine):
    """Pathways on the migrated PostgreSQL database with ordinary, really committing sessions.

    Afterwards it deletes exactly the organisations its sessions created (other test
    runs may share the database) together with everything that belongs to them.
    """
    session_factory = make_session_factory(pg_engine)
    created: set[uuid.UUID] = set()

    @event.listens_for(session_factory, "after_flush")
    def _remember_organisations(session, _context):
        created.update(obj.id for obj in session.new if isinstance(obj, Organisation))

    config = Config(database_url=PG_URL, **TEST_KEYS)
    pathways = Pathways(config=config, engine=pg_engine, session_factory=session_factory,
                        vault=NationalIdVault(config.pii_hash_keys, config.pii_encryption_keys))
    yield pathways
    _delete_organisations(pg_engine, created)


@pytest.fixture(params=["sqlite", "postgres"])
def pathways(request):
    """The composition root on each backend: API tests run on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{'sqlite' if request.param == 'sqlite' else 'pg'}_pathways")


@pytest.fixture
def app(pathways):
    return create_app(pathways=pathways)


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Tenant:
    """An organisation with one user per role; `headers[role]` authenticates as that role."""

    organisation_id: str
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def make_tenant(pathways):
    counter = iter(range(1, 1000))

    def make(country: str = "TR") -> Tenant:
        n = next(counter)
        organisation, admin, token = organisations.bootstrap(
            pathways.uow(), slug=f"org-{n}", name=f"Organisation {n}", country=country,
            admin_email=f"admin{n}@example.org")
        tenant = Tenant(organisation_id=str(organisation.id))
        tenant.headers[Role.ADMIN] = {"Authorization": f"Bearer {token}"}
        tenant.user_ids[Role.ADMIN] = str(admin.id)
        principal = users.authenticate(pathways.uow(), token)
        for role in (Role.CASEWORKER, Role.MANAGER):
            user, role_token = users.create(pathways.uow(actor_id=admin.id), principal,
                                            {"email": f"{role}{n}@example.org", "role": role})
            tenant.headers[role] = {"Authorization": f"Bearer {role_token}"}
            tenant.user_ids[role] = str(user.id)
        return tenant

    return make


@pytest.fixture
def tenant(make_tenant) -> Tenant:
    return make_tenant()


@pytest.fixture
def other_tenant(make_tenant) -> Tenant:
    return make_tenant()


@pytest.fixture
def programme(client, tenant):
    """A project with one cohort and one registered trainee, created through the API."""
    admin = tenant.headers[Role.ADMIN]
    project = client.post("/api/v1/projects", json=factories.project_body(), headers=admin).get_json()
    cohort = client.post(f"/api/v1/projects/{project['id']}/cohorts", json=factories.cohort_body(),
                         headers=admin).get_json()
    trainee = client.post("/api/v1/trainees", json=factories.trainee_body(), headers=admin).get_json()
    return {"project": project, "cohort": cohort, "trainee": trainee}


@pytest.fixture
def drain(pathways):
    """Deliver pending outbox events to every consumer in this process, JSON round-tripped as
    the broker would, until none is left (events may cause events); returns how many."""
    return draining(pathways)


def draining(pathways):
    """`drain` for any composition root (a module-scoped one too)."""
    from workers.registry import load_all

    consumers = [cls(pathways) for cls in load_all().values()]

    def run() -> int:
        delivered = 0
        while True:
            token = new_id()
            with pathways.uow() as uow:
                rows = outbox.claim(uow.session, token=token, lease=timedelta(minutes=5), limit=500)
                uow.commit()
            if not rows:
                return delivered
            for row in rows:
                body = json.loads(json.dumps(row.envelope))
                for consumer in consumers:
                    if row.type in consumer.routing_keys:
                        consumer.apply(body)
            with pathways.uow() as uow:
                outbox.mark_published(uow.session, token=token, ids=[row.id for row in rows])
                uow.commit()
            delivered += len(rows)

    return run
