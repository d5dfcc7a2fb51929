"""Migration 0012: the normalised names of people registered before it, computed by the service's own
function; the trigram index on PostgreSQL; down and up again without losing a person or their records."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from service.db.migrate import upgrade
from service.domain.names import normalise
from tests.integration.test_migrations import (
    _ORGANISATIONS, _PROJECTS, _TRAINEES, _WRITTEN, _table, downgrade, schema_differences,
)

_DOCUMENTS = _table("trainee_documents", *(sa.Column(n, t) for n, t in (
    ("organisation_id", sa.Uuid()), ("trainee_id", sa.Uuid()), ("type", sa.String()), ("issuing_country", sa.String()),
    ("number_hash", sa.String()), ("number_ciphertext", sa.LargeBinary()))))
NAMES = {"ayse": ("Ayşe", "Yılmaz"), "maria": ("MARÍA JOSÉ", "Pérez-García"), "asa": ("Åsa", "Öberg")}


def _people_of_0011(engine) -> dict[str, uuid.UUID]:
    ids = {key: uuid.uuid4() for key in (*NAMES, "org", "project", "enrolment")}
    stamps = {"created_at": _WRITTEN, "updated_at": _WRITTEN}
    with engine.begin() as connection:
        connection.execute(_ORGANISATIONS.insert(), [{
            "id": ids["org"], "name": "Old", "slug": f"old-{ids['org'].hex[:8]}", "country": "TR",
            "national_id_scheme": "tr_tckn", "share_targets": [], "min_cell_size": 1, "locale": "tr", **stamps}])
        connection.execute(_PROJECTS.insert(), [{
            "id": ids["project"], "organisation_id": ids["org"], "code": "P", "name": "P", "description": "",
            "share_targets": [], "priority_groups": [], **stamps}])
        connection.execute(_TRAINEES.insert(), [{
            "id": ids[key], "organisation_id": ids["org"], "given_name": given, "family_name": family,
            "national_id_hash": None if key == "asa" else key, "national_id_ciphertext": None if key == "asa" else b"x",
            "sex": "female", "birth_date": date(1990, 1, 1), "settlement_type": "urban",
            "education_level": "tertiary", "labour_status": "unemployed", "vulnerable_groups": [], "consent": True,
            "consent_at": _WRITTEN, **stamps} for key, (given, family) in NAMES.items()])
        connection.execute(_DOCUMENTS.insert(), [{  # a record hanging off a person (SQLite rebuilds trainees)
            "id": ids["enrolment"], "organisation_id": ids["org"], "trainee_id": ids["ayse"], "type": "tr_tckn",
            "issuing_country": "TR", "number_hash": "ayse", "number_ciphertext": b"x", **stamps}])
    return ids


def _names(engine) -> dict:
    with engine.connect() as connection:
        return dict(connection.execute(sa.text("SELECT given_name, normalised_name FROM trainees")).all())


def test_0012_fills_every_normalised_name_and_keeps_the_records(empty_engine):
    upgrade(empty_engine, "0011")
    ids = _people_of_0011(empty_engine)

    upgrade(empty_engine, "0012")

    assert _names(empty_engine) == {given: normalise(given, family) for given, family in NAMES.values()}
    assert _names(empty_engine)["MARÍA JOSÉ"] == "garcia jose maria perez"
    with empty_engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM trainee_documents")) == 1
        assert connection.scalar(sa.text("SELECT count(*) FROM trainees WHERE merged_into_id IS NULL")) == 3
        assert connection.scalar(sa.text("SELECT national_id_hash FROM trainees WHERE id = :id"),
                                 {"id": ids["ayse"].hex if empty_engine.dialect.name == "sqlite"
                                  else ids["ayse"]}) == "ayse"
        if empty_engine.dialect.name == "postgresql":
            definition = connection.scalar(sa.text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_trainees_normalised_name_trgm'"))
            assert "USING gin" in definition and "gin_trgm_ops" in definition
    upgrade(empty_engine)
    assert schema_differences(empty_engine) == []


def test_0012_downgrade_keeps_everyone_and_refuses_while_someone_is_merged(empty_engine):
    upgrade(empty_engine, "0011")
    ids = _people_of_0011(empty_engine)
    upgrade(empty_engine, "0012")
    sqlite = empty_engine.dialect.name == "sqlite"

    def key(name):
        return ids[name].hex if sqlite else ids[name]

    with empty_engine.begin() as connection:
        connection.execute(sa.text("UPDATE trainees SET merged_into_id = :into WHERE id = :id"),
                           {"into": key("ayse"), "id": key("asa")})
    with pytest.raises(RuntimeError, match="merged into others"):
        downgrade(empty_engine, "0011")
    with empty_engine.begin() as connection:
        connection.execute(sa.text("UPDATE trainees SET merged_into_id = NULL"))

    downgrade(empty_engine, "0011")

    with empty_engine.connect() as connection:
        columns = {column["name"] for column in sa.inspect(connection).get_columns("trainees")}
        assert "normalised_name" not in columns and "merged_into_id" not in columns
        assert connection.scalar(sa.text("SELECT count(*) FROM trainees")) == 3
        assert connection.scalar(sa.text("SELECT count(*) FROM trainee_documents")) == 1
        assert "trainee_merges" not in sa.inspect(connection).get_table_names()
    upgrade(empty_engine, "0012")
    assert _names(empty_engine)["Åsa"] == "asa oberg"
