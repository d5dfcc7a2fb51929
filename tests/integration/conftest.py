"""Integration fixtures: a composition root that really commits, and records made through the services.

`committing_pathways` (see `committing_pg_pathways` in tests/conftest.py) is for tests
that need several connections to see each other's commits.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from schemas.projects import CohortCreateSchema, ProjectCreateSchema
from schemas.trainees import TraineeCreateSchema
from service.bootstrap import Pathways
from service.db.session import make_engine
from service.domain.roles import Principal, Role
from service.services import organisations, projects, trainees
from tests import factories


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


# Empty databases, for the migration tests: the migrated session database stays untouched.

@pytest.fixture
def sqlite_empty_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_empty_engine(pg_engine):
    """An empty PostgreSQL database of its own, named uniquely so that parallel runs never meet;
    the session's migrated database stays untouched."""
    name = f"{pg_engine.url.database}_migrations_{uuid.uuid4().hex[:8]}"

    def run(statement: str) -> None:
        with pg_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(statement))

    run(f'CREATE DATABASE "{name}"')
    engine = make_engine(pg_engine.url.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    run(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def empty_engine(request):
    return request.getfixturevalue(f"{'sqlite' if request.param == 'sqlite' else 'pg'}_empty_engine")
