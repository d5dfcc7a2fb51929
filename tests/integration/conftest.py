"""Integration fixtures: a composition root that really commits, and records made through the services.

`committing_pathways` is for tests that need several connections to see each other's
commits (concurrency): on PostgreSQL it cannot live inside the rolled-back transaction
of `pg_pathways`, so it commits for real and deletes what its organisations left behind.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, event

from schemas.projects import CohortCreateSchema, ProjectCreateSchema
from schemas.trainees import TraineeCreateSchema
from service.bootstrap import Pathways
from service.config import Config
from service.db.base import Base
from service.db.models import Organisation
from service.db.session import make_session_factory
from service.domain.roles import Principal, Role
from service.services import organisations, projects, trainees
from service.services.pii import NationalIdVault
from tests import factories
from tests.conftest import PG_URL, TEST_KEYS


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
                        vault=NationalIdVault(config.pii_hash_key, config.pii_encryption_key))
    yield pathways
    _delete_organisations(pg_engine, created)


@pytest.fixture(params=["sqlite", "postgres"])
def committing_pathways(request):
    """Real commits on each backend: an SQLite file of its own, or PostgreSQL cleaned afterwards."""
    name = "sqlite_pathways" if request.param == "sqlite" else "committing_pg_pathways"
    return request.getfixturevalue(name)


class Seed:
    """Records made through the services, from bodies loaded by the API's own schemas."""

    def __init__(self, pathways: Pathways):
        self.pathways = pathways

    def organisation(self, country: str = "TR") -> Principal:
        """A fresh organisation; returns its first admin as the acting principal."""
        slug = f"it-{uuid.uuid4().hex[:12]}"
        organisation, admin, _token = organisations.bootstrap(
            self.pathways.uow(), slug=slug, name=f"Organisation {slug}", country=country,
            admin_email=f"admin@{slug}.example.org")
        return Principal(user_id=admin.id, organisation_id=organisation.id, role=Role.ADMIN)

    def project(self, principal: Principal, **overrides):
        data = ProjectCreateSchema().load(factories.project_body(**overrides))
        return projects.create(self.pathways.uow(actor_id=principal.user_id), principal, data)

    def cohort(self, principal: Principal, project, **overrides):
        data = CohortCreateSchema().load(factories.cohort_body(**overrides))
        return projects.create_cohort(self.pathways.uow(actor_id=principal.user_id), principal, project.id, data)

    @staticmethod
    def trainee_data(**overrides) -> dict:
        """A registration as the API hands it to the service (the raw national id included)."""
        return TraineeCreateSchema().load(factories.trainee_body(**overrides))

    def trainee(self, principal: Principal, **overrides):
        return trainees.register(self.pathways.uow(actor_id=principal.user_id), principal,
                                 self.trainee_data(**overrides), self.pathways.vault)


@pytest.fixture
def seed(pathways) -> Seed:
    """Records in the rolled-back (PostgreSQL) or throw-away (SQLite) database of `pathways`."""
    return Seed(pathways)


@pytest.fixture
def committed_seed(committing_pathways) -> Seed:
    return Seed(committing_pathways)
