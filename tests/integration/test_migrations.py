"""Alembic builds exactly the models' schema, on SQLite and on PostgreSQL, and takes it down again."""

from __future__ import annotations


import uuid
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.exc import DataError, IntegrityError

from service.db.base import Base, UTCDateTime
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
                         project_id=project.id, status=status, enrolled_on=project.starts_on,
                         labour_status_at_entry="unemployed", education_level_at_entry="tertiary",
                         settlement_type_at_entry="urban", vulnerable_groups_at_entry=[], age_at_entry=30, **fields)

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


# --- 0008: data carried over (sex `other`, the at-entry backfill, observed_on) -------------------------

_WRITTEN = datetime(2026, 3, 5, 22, 30, tzinfo=timezone.utc)


def _table(name: str, *columns: sa.Column) -> sa.Table:
    stamps = (sa.Column("created_at", UTCDateTime()), sa.Column("updated_at", UTCDateTime()))
    return sa.Table(name, sa.MetaData(), sa.Column("id", sa.Uuid()), *columns, *stamps)


_ORGANISATIONS = _table("organisations", *(sa.Column(n, t) for n, t in (
    ("name", sa.String()), ("slug", sa.String()), ("country", sa.String()), ("national_id_scheme", sa.String()),
    ("share_targets", sa.JSON()), ("min_cell_size", sa.Integer()), ("locale", sa.String()))))
_PROJECTS = _table("projects", *(sa.Column(n, t) for n, t in (
    ("organisation_id", sa.Uuid()), ("code", sa.String()), ("name", sa.String()), ("description", sa.String()),
    ("share_targets", sa.JSON()), ("priority_groups", sa.JSON()))))
_TRAINEES = _table("trainees", *(sa.Column(n, t) for n, t in (
    ("organisation_id", sa.Uuid()), ("given_name", sa.String()), ("family_name", sa.String()),
    ("national_id_hash", sa.String()), ("national_id_ciphertext", sa.LargeBinary()), ("sex", sa.String()),
    ("birth_date", sa.Date()), ("settlement_type", sa.String()), ("education_level", sa.String()),
    ("labour_status", sa.String()), ("vulnerable_groups", sa.JSON()), ("consent", sa.Boolean()),
    ("consent_at", UTCDateTime()))))
_ENROLMENTS = _table("enrolments", *(sa.Column(n, t) for n, t in (
    ("organisation_id", sa.Uuid()), ("trainee_id", sa.Uuid()), ("project_id", sa.Uuid()), ("status", sa.String()),
    ("enrolled_on", sa.Date()), ("exited_on", sa.Date()))))
_FOLLOW_UPS = _table("follow_ups", *(sa.Column(n, t) for n, t in (
    ("organisation_id", sa.Uuid()), ("enrolment_id", sa.Uuid()), ("trainee_id", sa.Uuid()),
    ("checkpoint", sa.String()), ("due_on", sa.Date()), ("status", sa.String()), ("employment_status", sa.String()),
    ("source", sa.String()))))


def _records_of_0007(engine) -> dict[str, uuid.UUID]:
    """Records as release 0007 wrote them, with children under every trainee and enrolment (a rebuilt
    parent table must keep them on SQLite)."""
    ids = {name: uuid.uuid4() for name in ("org", "project", "other", "female", "open", "closed", "leap",
                                           "placement", "caseworker", "unreachable", "due")}
    stamps = {"created_at": _WRITTEN, "updated_at": _WRITTEN}
    org = ids["org"]

    def trainee(key, sex, birth_date, groups):
        return {"id": ids[key], "organisation_id": org, "given_name": "A", "family_name": "B",
                "national_id_hash": key, "national_id_ciphertext": b"x", "sex": sex, "birth_date": birth_date,
                "settlement_type": "rural", "education_level": "lower_secondary", "labour_status": "inactive",
                "vulnerable_groups": groups, "consent": True, "consent_at": _WRITTEN, **stamps}

    def enrolment(key, trainee_key, enrolled_on, exited_on=None):
        return {"id": ids[key], "organisation_id": org, "trainee_id": ids[trainee_key], "project_id": ids["project"],
                "status": "completed" if exited_on else "enrolled", "enrolled_on": enrolled_on,
                "exited_on": exited_on, **stamps}

    def follow_up(key, checkpoint, status, source=None, employment_status=None):
        return {"id": ids[key], "organisation_id": org, "enrolment_id": ids["closed"], "trainee_id": ids["other"],
                "checkpoint": checkpoint, "due_on": date(2025, 9, 1), "status": status,
                "employment_status": employment_status, "source": source, **stamps}

    with engine.begin() as connection:
        connection.execute(_ORGANISATIONS.insert(), [{
            "id": org, "name": "Old", "slug": f"old-{org.hex[:8]}", "country": "TR", "national_id_scheme": "tr_tckn",
            "share_targets": [], "min_cell_size": 1, "locale": "tr", **stamps}])
        connection.execute(_PROJECTS.insert(), [{
            "id": ids["project"], "organisation_id": org, "code": "P", "name": "P", "description": "",
            "share_targets": [], "priority_groups": [], **stamps}])
        connection.execute(_TRAINEES.insert(), [trainee("other", "other", date(2000, 6, 15), ["refugee"]),
                                                trainee("female", "female", date(2000, 2, 29), [])])
        connection.execute(_ENROLMENTS.insert(), [
            enrolment("closed", "other", date(2025, 6, 14), exited_on=date(2025, 9, 1)),  # a day before 25
            enrolment("open", "other", date(2026, 6, 15)),                                 # 26 that day
            enrolment("leap", "female", date(2025, 2, 28))])                               # not yet 25
        connection.execute(_FOLLOW_UPS.insert(), [
            follow_up("placement", "exit", "recorded", "placement", "employed"),
            follow_up("caseworker", "month_6", "recorded", "caseworker", "unemployed"),
            follow_up("unreachable", "month_12", "unreachable", "caseworker", "unknown")])
    return ids


def _row(engine, table: str, id_: uuid.UUID, *columns: str) -> tuple:
    meta = sa.Table(table, sa.MetaData(), sa.Column("id", sa.Uuid()),
                    *(sa.Column(c, sa.JSON() if c.startswith("vulnerable") else None) for c in columns))
    with engine.connect() as connection:
        row = connection.execute(sa.select(*(meta.c[c] for c in columns)).where(meta.c.id == id_)).one()
    return tuple(row)


def test_0008_migrates_other_to_undisclosed_and_fills_the_new_columns(empty_engine):
    upgrade(empty_engine, "0007")
    ids = _records_of_0007(empty_engine)

    upgrade(empty_engine)

    # `other` mixed a non-binary identity with "prefer not to say": no identity is guessed.
    assert _row(empty_engine, "trainees", ids["other"], "sex", "citizenship") == ("undisclosed", None)
    assert _row(empty_engine, "trainees", ids["female"], "sex") == ("female",)
    at_entry = ("labour_status_at_entry", "education_level_at_entry", "settlement_type_at_entry",
                "vulnerable_groups_at_entry", "citizenship_at_entry", "age_at_entry")
    person = ("inactive", "lower_secondary", "rural")
    assert _row(empty_engine, "enrolments", ids["closed"], *at_entry) == (*person, ["refugee"], None, 24)
    assert _row(empty_engine, "enrolments", ids["open"], *at_entry) == (*person, ["refugee"], None, 26)
    assert _row(empty_engine, "enrolments", ids["leap"], *at_entry) == (*person, [], None, 24)
    observed = {key: _row(empty_engine, "follow_ups", ids[key], "observed_on")[0]
                for key in ("placement", "caseworker", "unreachable")}
    as_date = {key: value if isinstance(value, date) else date.fromisoformat(value) for key, value in observed.items()}
    assert as_date == {"placement": date(2025, 9, 1), "caseworker": _WRITTEN.date(), "unreachable": _WRITTEN.date()}
    assert schema_differences(empty_engine) == []


def test_0008_downgrade_maps_both_new_sexes_back_to_other(empty_engine):
    upgrade(empty_engine, "0007")
    ids = _records_of_0007(empty_engine)
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(sa.text("UPDATE trainees SET sex = 'non_binary' WHERE sex = 'female'"))

    downgrade(empty_engine, "0007")

    assert current_revision(empty_engine) == "0007"
    assert _row(empty_engine, "trainees", ids["other"], "sex") == ("other",)
    assert _row(empty_engine, "trainees", ids["female"], "sex") == ("other",)
    # Every child row survived the rebuilt parents (SQLite) and the open enrolment is still unique.
    with empty_engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM follow_ups")) == 3
        assert connection.scalar(sa.text("SELECT count(*) FROM enrolments")) == 3
    _index(empty_engine, "enrolments", "uq_enrolments_open")


def test_0008_new_sexes_are_refused_by_the_database_before_it(empty_engine):
    """The old check stands again after a downgrade: it is not silently left wider."""
    upgrade(empty_engine, "0007")
    ids = _records_of_0007(empty_engine)
    upgrade(empty_engine)
    downgrade(empty_engine, "0007")

    with pytest.raises((IntegrityError, DataError)), empty_engine.begin() as connection:  # the check, or VARCHAR(8)
        connection.execute(_TRAINEES.update().where(_TRAINEES.c.id == ids["other"]).values(sex="undisclosed"))


# --- 0011: identity documents, organisations' time zones --------------------------------------------------

_DOCUMENTS = sa.Table("trainee_documents", sa.MetaData(), sa.Column("id", sa.Uuid()),
                      *(sa.Column(n, t) for n, t in (
                          ("organisation_id", sa.Uuid()), ("trainee_id", sa.Uuid()), ("type", sa.String()),
                          ("issuing_country", sa.String()), ("number_hash", sa.String()),
                          ("number_ciphertext", sa.LargeBinary()))),
                      sa.Column("created_at", UTCDateTime()), sa.Column("updated_at", UTCDateTime()))


def _people_of_0010(engine) -> dict[str, uuid.UUID]:
    """The 0007 records (their enrolments: children of a rebuilt trainees table on SQLite) brought to 0010,
    and an organisation per kind of scheme before 0011 (CO's and GT's people then checked as NIT), a
    person in each."""
    upgrade(engine, "0007")
    ids = _records_of_0007(engine)
    upgrade(engine, "0010")
    stamps = {"created_at": _WRITTEN, "updated_at": _WRITTEN}
    person = {"given_name": "A", "family_name": "B", "sex": "female", "birth_date": date(1990, 1, 1),
              "settlement_type": "urban", "education_level": "tertiary", "labour_status": "unemployed",
              "vulnerable_groups": [], "consent": True, "consent_at": _WRITTEN, **stamps}
    with engine.begin() as connection:
        for country, scheme in (("CO", "co_nit"), ("GT", "gt_nit"), ("DE", "generic")):
            ids[country], ids[f"{country}-person"] = uuid.uuid4(), uuid.uuid4()
            connection.execute(_ORGANISATIONS.insert(), [{
                "id": ids[country], "name": country, "slug": f"{country.lower()}-{ids[country].hex[:8]}",
                "country": country, "national_id_scheme": scheme, "share_targets": [], "min_cell_size": 5,
                "locale": "es", **stamps}])
            connection.execute(_TRAINEES.insert(), [{
                "id": ids[f"{country}-person"], "organisation_id": ids[country], "national_id_hash": f"hash-{country}",
                "national_id_ciphertext": country.encode(), **person}])
    return ids


def _documents(engine) -> dict[uuid.UUID, tuple]:
    with engine.connect() as connection:
        return {row.trainee_id: (row.id, row.organisation_id, row.type, row.issuing_country, row.number_hash,
                                 row.number_ciphertext)
                for row in connection.execute(sa.select(_DOCUMENTS))}


def test_0011_makes_every_national_id_a_document_and_gives_organisations_their_zone(empty_engine):
    ids = _people_of_0010(empty_engine)

    upgrade(empty_engine, "0011")

    org = ids["org"]
    assert _documents(empty_engine) == {
        ids["other"]: (ids["other"], org, "tr_tckn", "TR", "other", b"x"),
        ids["female"]: (ids["female"], org, "tr_tckn", "TR", "female", b"x"),
        # People's NITs stay as they were, now documents of the organisation's new primary type.
        ids["CO-person"]: (ids["CO-person"], ids["CO"], "co_cc", "CO", "hash-CO", b"CO"),
        ids["GT-person"]: (ids["GT-person"], ids["GT"], "gt_cui", "GT", "hash-GT", b"GT"),
        ids["DE-person"]: (ids["DE-person"], ids["DE"], "generic", "DE", "hash-DE", b"DE"),
    }
    assert {key: _row(empty_engine, "organisations", ids[key], "national_id_scheme", "time_zone")
            for key in ("org", "CO", "GT", "DE")} == {
        "org": ("tr_tckn", "Europe/Istanbul"), "CO": ("co_cc", "America/Bogota"),
        "GT": ("gt_cui", "America/Guatemala"), "DE": ("generic", "UTC")}
    with empty_engine.begin() as connection:  # the rebuilt trainees kept their children
        assert connection.scalar(sa.text("SELECT count(*) FROM enrolments")) == 3
        # A person without a document: no national id, a reason; the new schemes pass the CHECK.
        connection.execute(_TRAINEES.update().where(_TRAINEES.c.id == ids["DE-person"]).values(
            national_id_hash=None, national_id_ciphertext=None))
        connection.execute(sa.text("UPDATE organisations SET national_id_scheme = 'tr_ykn'"))
    for never in ("co_nit", "passport"):  # a tax number, an international document
        with pytest.raises(IntegrityError), empty_engine.begin() as connection:
            connection.execute(sa.text(f"UPDATE organisations SET national_id_scheme = '{never}'"))
    upgrade(empty_engine)
    assert schema_differences(empty_engine) == []


def test_0011_downgrade_gives_everyone_a_national_id_again_or_refuses(empty_engine):
    ids = _people_of_0010(empty_engine)
    upgrade(empty_engine, "0011")
    with empty_engine.begin() as connection:
        # The GT person's only document is a passport; the DE person has none at all.
        connection.execute(_DOCUMENTS.update().where(_DOCUMENTS.c.trainee_id == ids["GT-person"]).values(
            type="passport", issuing_country="HN", number_hash="passport-hash", number_ciphertext=b"P"))
        connection.execute(_TRAINEES.update().where(_TRAINEES.c.id.in_([ids["GT-person"], ids["DE-person"]])).values(
            national_id_hash=None, national_id_ciphertext=None))
        connection.execute(_DOCUMENTS.delete().where(_DOCUMENTS.c.trainee_id == ids["DE-person"]))
        reason = sa.Table("trainees", sa.MetaData(), sa.Column("id", sa.Uuid()), sa.Column("no_document_reason"))
        connection.execute(reason.update().where(reason.c.id == ids["DE-person"]).values(
            no_document_reason="asylum_pending"))

    with pytest.raises(RuntimeError, match="1 people are registered without any document"):
        downgrade(empty_engine, "0010")
    assert current_revision(empty_engine) == "0011"

    with empty_engine.begin() as connection:
        connection.execute(_TRAINEES.delete().where(_TRAINEES.c.id == ids["DE-person"]))
    downgrade(empty_engine, "0010")

    assert current_revision(empty_engine) == "0010"
    assert _row(empty_engine, "trainees", ids["GT-person"], "national_id_hash") == ("passport-hash",)
    assert _row(empty_engine, "organisations", ids["CO"], "national_id_scheme") == ("co_nit",)
    assert _row(empty_engine, "organisations", ids["GT"], "national_id_scheme") == ("gt_nit",)
    assert "trainee_documents" not in tables(empty_engine)
    with empty_engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM enrolments")) == 3
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:  # the old CHECK stands again
        connection.execute(sa.text("UPDATE organisations SET national_id_scheme = 'co_cc'"))
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:  # and the national id is required
        connection.execute(_TRAINEES.update().where(_TRAINEES.c.id == ids["CO-person"]).values(national_id_hash=None))


def _filled(connection, table: str, **values) -> None:
    """A row of `table` as the database has it now: `values`, and a plain value in every other required column."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    typed = sa.Table(table, sa.MetaData(), *(sa.Column(c.name, sa.Uuid() if c.name.endswith("_id") else c.type)
                                              for c in reflected.columns))
    row = dict(values)
    for column in typed.columns:
        if column.name in row or reflected.c[column.name].nullable or reflected.c[column.name].server_default:
            continue
        python = column.type.python_type
        row[column.name] = {bool: False, int: 0, str: "x", date: date(2025, 6, 14)}.get(python, uuid.uuid4())
    connection.execute(typed.insert(), [row])


def test_0013_seeds_each_organisations_vocabulary_and_keeps_the_categories_fed_at_entry(empty_engine):
    ids = _people_of_0010(empty_engine)
    upgrade(empty_engine, "0012")
    at_entry = sa.Table("enrolments", sa.MetaData(), sa.Column("id", sa.Uuid()),
                        sa.Column("organisation_id", sa.Uuid()), sa.Column("vulnerable_groups_at_entry", sa.JSON()))
    with empty_engine.begin() as connection:
        connection.execute(at_entry.update().where(at_entry.c.id == ids["closed"]).values(
            vulnerable_groups_at_entry=["roma", "neet", "refugee"]))
        # The leap enrolment as a Guatemalan organisation's (the migration reads each enrolment's organisation).
        connection.execute(at_entry.update().where(at_entry.c.id == ids["leap"]).values(
            organisation_id=ids["GT"], vulnerable_groups_at_entry=["maya", "conflict_victim"]))
        _filled(connection, "metric_participants", trainee_id=ids["other"], organisation_id=ids["org"])
        _filled(connection, "metric_enrolments", enrolment_id=ids["closed"], trainee_id=ids["other"],
                organisation_id=ids["org"], project_id=ids["project"])

    upgrade(empty_engine, "0013")

    with empty_engine.connect() as connection:
        groups = sa.Table("organisation_groups", sa.MetaData(), sa.Column("organisation_id", sa.Uuid()),
                          sa.Column("key", sa.String()), sa.Column("feeds", sa.String()),
                          sa.Column("active", sa.Boolean()), sa.Column("labels", sa.JSON()))
        vocabulary = {(row.organisation_id, row.key): (row.feeds, row.active, row.labels)
                      for row in connection.execute(groups.select())}
        enrolments = sa.Table("enrolments", sa.MetaData(), sa.Column("id", sa.Uuid()),
                              sa.Column("indicator_groups_at_entry", sa.JSON()))
        fed = {row.id: row.indicator_groups_at_entry for row in connection.execute(enrolments.select())}
        facts = connection.execute(sa.text(
            "SELECT fed_minorities, fed_disability, fed_foreign_background, fed_housing_exclusion "
            "FROM metric_enrolments")).one()
    assert {key for org, key in vocabulary if org == ids["org"]} == {
        "roma", "disability", "refugee", "single_parent", "neet", "migrant", "housing_exclusion"}
    assert vocabulary[(ids["org"], "roma")] == ("minorities", True, {"en": "Roma", "tr": "Roman"})
    assert vocabulary[(ids["GT"], "maya")] == ("minorities", True, {"en": "Maya (Indigenous people)", "es": "Maya"})
    assert vocabulary[(ids["CO"], "narp")][0] == "minorities"
    assert (ids["DE"], "roma") in vocabulary  # a country without a profile: the seven
    assert fed == {
        ids["closed"]: ["foreign_background", "minorities"], ids["open"]: ["foreign_background"],
        ids["leap"]: ["minorities"]}
    assert tuple(facts) == (True, False, True, False)
    upgrade(empty_engine)  # the models are the head's: later migrations add to the schema 0013 left
    assert schema_differences(empty_engine) == []

    downgrade(empty_engine, "0012")
    assert current_revision(empty_engine) == "0012"
    assert "organisation_groups" not in tables(empty_engine)
    with empty_engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("enrolments")}
        assert "indicator_groups_at_entry" not in columns and "vulnerable_groups_at_entry" in columns
        assert connection.scalar(sa.text("SELECT count(*) FROM enrolments")) == 3
        assert connection.scalar(sa.text("SELECT count(*) FROM metric_enrolments")) == 1
    upgrade(empty_engine)
    assert schema_differences(empty_engine) == []
