"""Alembic builds exactly the models' schema, on SQLite and on PostgreSQL, and takes it down again."""

from __future__ import annotations


import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from service.db.base import Base
from service.db.migrate import alembic_config, upgrade
from service.db.models import Enrolment, User

def downgrade(engine, revision: str = "base") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def schema_differences(engine) -> list:
    """What autogenerate would write into a new migration; empty when schema and models agree."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, Base.metadata)


def current_revision(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def tables(engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_upgrade_from_empty_builds_exactly_the_models_schema(empty_engine):
    upgrade(empty_engine)

    assert current_revision(empty_engine) == head_revision()
    assert tables(empty_engine) == set(Base.metadata.tables) | {"alembic_version"}
    assert schema_differences(empty_engine) == []


def test_downgrade_to_base_and_upgrade_again(empty_engine):
    upgrade(empty_engine)

    downgrade(empty_engine, "base")
    assert current_revision(empty_engine) is None
    assert tables(empty_engine) <= {"alembic_version"}
    # The comparison is not vacuous: with the tables gone it reports every one of them.
    missing = {diff[1].name for diff in schema_differences(empty_engine) if diff[0] == "add_table"}
    assert missing == set(Base.metadata.tables)

    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert schema_differences(empty_engine) == []


def _index(engine, table: str, name: str) -> dict:
    with engine.connect() as connection:
        indexes = {index["name"]: index for index in inspect(connection).get_indexes(table)}
    assert name in indexes, f"{name} missing on {table}: {sorted(indexes)}"
    return indexes[name]


def _where(engine, index: dict) -> str:
    clause = index["dialect_options"].get(f"{engine.dialect.name}_where")
    assert clause is not None, f"{index['name']} is not a partial index"
    return str(clause)


@pytest.mark.parametrize(("table", "name", "columns", "condition"), [
    ("enrolments", "uq_enrolments_open", ["trainee_id", "project_id"], ("status", "'enrolled'")),
    ("users", "uq_users_active_email", ["organisation_id", "email"], ("active",)),
], ids=["one-open-enrolment", "one-active-user-per-email"])
def test_partial_unique_indexes_exist(empty_engine, table, name, columns, condition):
    upgrade(empty_engine)

    index = _index(empty_engine, table, name)
    assert index["unique"]
    assert index["column_names"] == columns
    where = _where(empty_engine, index)
    for fragment in condition:
        assert fragment in where


def _flush(pathways, *records) -> None:
    with pathways.uow() as uow:
        uow.session.add_all(records)
        uow.commit()


def test_database_allows_one_open_enrolment_per_trainee_and_project(pathways, seed):
    """Enforced by the partial index itself, below the service's own check."""
    principal = seed.organisation()
    project, trainee = seed.project(principal), seed.trainee(principal)

    def enrolment(status: str = "enrolled", **fields):
        return Enrolment(organisation_id=principal.organisation_id, trainee_id=trainee.id,
                         project_id=project.id, status=status, enrolled_on=project.starts_on, **fields)

    _flush(pathways, enrolment("completed", exited_on=project.starts_on))
    _flush(pathways, enrolment())  # a closed enrolment does not count
    with pytest.raises(IntegrityError):
        _flush(pathways, enrolment())


def test_database_allows_one_active_user_per_email(pathways, seed):
    principal = seed.organisation()

    def user(active: bool = True):
        return User(organisation_id=principal.organisation_id, email="same@example.org",
                    role="caseworker", active=active)

    _flush(pathways, user(active=False))
    _flush(pathways, user(active=False))  # deactivated users keep their email
    _flush(pathways, user())
    with pytest.raises(IntegrityError):
        _flush(pathways, user())
