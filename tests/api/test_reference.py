"""`/reference/occupation-sex-shares/{country}`: an admin loads the organisation's table (rows or CSV), everyone
who reads the programme reads the table in effect; faults load nothing; tenants never see or change each other's
tables; the national and shipped tables stand behind an organisation's own (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from service.db.models import AuditEntry, OccupationSexShare
from service.domain.occupation_shares import ShareRow
from service.services import occupation_shares, organisations, users
from service.services.unit_of_work import SharedTransaction, UnitOfWork
from tests.api.helpers import create_employer_user, ok, problem, url

SOURCE = "Test figures; not official statistics"
CSV = ("isco_code,female_share,male_share,source,year,female_thousands\n"
       f"53,0.8731,0.1269,{SOURCE},2023,517\n"
       f"7,0.0912,0.9088,{SOURCE},2023,1\n"
       f"72,0.25,0.75,{SOURCE},2023,1\n")


def _path(country: str = "TR") -> str:
    return url(f"/reference/occupation-sex-shares/{country}")


def _row(code: str, female: str, male: str, **overrides) -> dict:
    # Floats: the test client writes a Decimal as a string; the API reads the JSON number exactly as written.
    return {"isco_code": code, "female_share": float(female), "male_share": float(male), "source": SOURCE,
            "year": 2023, **overrides}


def _put(client, tenant, body: dict, country: str = "TR", role: str = "admin"):
    return client.put(_path(country), json=body, headers=tenant.headers[role])


def _stored(pathways, organisation_id=None) -> list[tuple]:
    with pathways.uow() as uow:
        owner = (OccupationSexShare.organisation_id.is_(None) if organisation_id is None
                 else OccupationSexShare.organisation_id == uuid.UUID(organisation_id))
        return sorted(tuple(row) for row in uow.session.execute(
            select(OccupationSexShare.isco_code, OccupationSexShare.female_share).where(owner)))


@pytest.fixture
def no_shipped_tables(monkeypatch, tmp_path):
    """No table shipped for any country (a test adds its own files to tmp_path)."""
    monkeypatch.setattr(occupation_shares, "SHIPPED", tmp_path)
    occupation_shares.shipped.cache_clear()
    yield tmp_path
    occupation_shares.shipped.cache_clear()


def test_an_admin_loads_rows_and_every_programme_reader_reads_them(client, tenant, no_shipped_tables):
    assert "No occupation sex-share table for TR" in problem(client.get(_path(), headers=tenant.headers["manager"]),
                                                            404)["detail"]
    loaded = ok(_put(client, tenant, {"rows": [_row("53", "0.8731", "0.1269"), _row("7", "0.0912", "0.9088"),
                                               _row("72", "0.25", "0.75")]}))
    assert loaded == {"country": "TR", "scope": "organisation", "threshold": 0.25, "rows": [
        {"isco_code": "53", "level": "sub_major", "title": "Personal care workers", "female_share": 0.8731,
         "male_share": 0.1269, "non_traditional_for": ["male"], "source": SOURCE, "year": 2023},
        {"isco_code": "7", "level": "major", "title": "Craft and related trades workers", "female_share": 0.0912,
         "male_share": 0.9088, "non_traditional_for": ["female"], "source": SOURCE, "year": 2023},
        {"isco_code": "72", "level": "sub_major", "title": "Metal, machinery and related trades workers",
         "female_share": 0.25, "male_share": 0.75, "non_traditional_for": [], "source": SOURCE, "year": 2023}]}
    for role in ("admin", "caseworker", "manager"):
        assert ok(client.get(_path(), headers=tenant.headers[role])) == loaded
    assert ok(client.get(_path("tr"), headers=tenant.headers["manager"])) == loaded


def test_a_csv_replaces_the_whole_table_and_the_load_is_audited(client, tenant, pathways, no_shipped_tables):
    ok(_put(client, tenant, {"rows": [_row("91", "0.7", "0.3"), _row("53", "0.5", "0.5")]}))
    answer = ok(_put(client, tenant, {"csv": CSV}))
    assert [row["isco_code"] for row in answer["rows"]] == ["53", "7", "72"]  # 91 is gone
    assert _stored(pathways, tenant.organisation_id) == [("53", Decimal("0.8731")), ("7", Decimal("0.0912")),
                                                         ("72", Decimal("0.2500"))]
    with pathways.uow() as uow:
        entries = uow.session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "occupation_sex_shares",
            AuditEntry.organisation_id == uuid.UUID(tenant.organisation_id)).order_by(AuditEntry.occurred_at)).all()
    assert [(entry.action, str(entry.actor_id)) for entry in entries] == [
        ("create", tenant.user_ids["admin"]), ("update", tenant.user_ids["admin"])]
    old, new = entries[1].changes["rows"]
    assert [row[0] for row in old] == ["53", "91"] and [row[0] for row in new] == ["53", "7", "72"]
    assert entries[1].changes["country"] == "TR"


@pytest.mark.parametrize("role", ["caseworker", "manager", "employer", "anonymous"])
def test_only_an_admin_loads_and_only_programme_readers_read(client, tenant, role, pathways, no_shipped_tables):
    ok(_put(client, tenant, {"csv": CSV}))
    headers = ({} if role == "anonymous" else create_employer_user(client, tenant) if role == "employer"
               else tenant.headers[role])
    expected = 401 if role == "anonymous" else 403
    problem(client.put(_path(), json={"rows": [_row("5", "0.5", "0.5")]}, headers=headers), expected)
    problem(client.delete(_path(), headers=headers), expected)
    if role in ("employer", "anonymous"):
        problem(client.get(_path(), headers=headers), expected)
    else:
        assert len(ok(client.get(_path(), headers=headers))["rows"]) == 3
    assert [code for code, _ in _stored(pathways, tenant.organisation_id)] == ["53", "7", "72"]


@pytest.mark.parametrize("body, field", [
    ({"csv": "isco_code,female_share,male_share,year\n5,0.5,0.5,2023\n"}, "csv"),
    ({"csv": "isco_code,female_share,male_share,source,year\n"}, "rows"),
    ({"csv": f"isco_code,female_share,male_share,source,year\n5,1.5,0,{SOURCE},2023\n"}, "rows.0.female_share"),
    ({"csv": f"isco_code,female_share,male_share,source,year\n5,50,50,{SOURCE},2023\n"}, "rows.0.female_share"),
    ({"csv": f"isco_code,female_share,male_share,source,year\n5,0.6,0.6,{SOURCE},2023\n"}, "rows.0.male_share"),
    ({"csv": f"isco_code,female_share,male_share,source,year\n512,0.5,0.5,{SOURCE},2023\n"}, "rows.0.isco_code"),
    ({"csv": "a,b\n\"unterminated\n"}, "csv"),
    ({"rows": [_row("5", "0.5", "0.5"), _row("5", "0.4", "0.6")]}, "rows.1.isco_code"),
    ({"rows": [_row("5", "0.7", "0.7")]}, "rows.0.male_share"),
    ({"rows": [_row("5", "0.12345", "0.5")]}, "rows.0.female_share"),
    ({"rows": []}, "rows"),
    ({"rows": [_row("5", "0.5", "0.5")], "csv": CSV}, "_body"),
    ({}, "_body"),
])
def test_a_faulty_table_is_a_422_naming_the_fault_and_loads_nothing(client, tenant, pathways, body, field,
                                                                    no_shipped_tables):
    ok(_put(client, tenant, {"rows": [_row("9", "0.5", "0.5")]}))
    answer = problem(_put(client, tenant, body), 422)
    assert field in answer["errors"], answer
    assert _stored(pathways, tenant.organisation_id) == [("9", Decimal("0.5000"))]


@pytest.mark.parametrize("row", [
    {"female_share": 1.5}, {"female_share": -0.1}, {"male_share": "0.5"}, {"isco_code": "19"}, {"isco_code": 5},
    {"year": 1800}, {"year": "2023"}, {"source": ""}, {"source": "x" * 501}, {"extra": 1},
])
def test_rows_that_break_the_schema_are_a_422(client, tenant, row, no_shipped_tables):
    body = {"rows": [{**_row("5", "0.5", "0.5"), **row}]}
    assert problem(_put(client, tenant, body), 422)["errors"]


def test_an_organisation_loads_only_its_own_countrys_table_and_reads_any(client, tenant, pathways,
                                                                          no_shipped_tables):
    answer = problem(_put(client, tenant, {"csv": CSV}, country="SE"), 422)
    assert "own country (TR)" in answer["errors"]["country"][0]
    assert "country" in problem(_put(client, tenant, {"csv": CSV}, country="T1"), 422)["errors"]
    problem(client.get(_path("TUR"), headers=tenant.headers["manager"]), 404)  # no such resource
    for code in ("ıt", "1T", "t-"):
        assert "country" in problem(client.get(_path(code), headers=tenant.headers["manager"]), 422)["errors"]
    problem(client.get(_path("SE"), headers=tenant.headers["manager"]), 404)
    occupation_shares.load_national(pathways.uow(), "SE", [ShareRow("53", Decimal("0.8"), Decimal("0.2"), "SCB", 2022)])
    se = ok(client.get(_path("SE"), headers=tenant.headers["manager"]))
    assert (se["scope"], [row["isco_code"] for row in se["rows"]]) == ("national", ["53"])
    assert _stored(pathways, tenant.organisation_id) == []


def test_tenants_never_see_each_others_tables_and_the_national_one_stands_behind(
        client, tenant, other_tenant, pathways, no_shipped_tables):
    occupation_shares.load_national(pathways.uow(), "TR", [ShareRow("5", Decimal("0.4"), Decimal("0.6"), "TÜİK",
                                                                    2023)])
    ok(_put(client, tenant, {"csv": CSV}))
    mine = ok(client.get(_path(), headers=tenant.headers["manager"]))
    theirs = ok(client.get(_path(), headers=other_tenant.headers["manager"]))
    assert (mine["scope"], len(mine["rows"])) == ("organisation", 3)
    assert (theirs["scope"], [row["isco_code"] for row in theirs["rows"]]) == ("national", ["5"])
    problem(client.delete(_path(), headers=other_tenant.headers["admin"]), 404)  # it has none of its own
    assert len(ok(client.get(_path(), headers=tenant.headers["manager"]))["rows"]) == 3

    assert client.delete(_path(), headers=tenant.headers["admin"]).status_code == 204
    assert ok(client.get(_path(), headers=tenant.headers["manager"]))["scope"] == "national"
    problem(client.delete(_path(), headers=tenant.headers["admin"]), 404)


def test_the_shipped_table_is_read_when_none_is_loaded(client, tenant, pathways, no_shipped_tables):
    (no_shipped_tables / "occupation_sex_shares_TR.csv").write_text(CSV, encoding="utf-8")
    shipped = ok(client.get(_path(), headers=tenant.headers["caseworker"]))
    assert (shipped["scope"], len(shipped["rows"])) == ("shipped", 3)
    occupation_shares.load_national(pathways.uow(), "TR", [ShareRow("5", Decimal("0.4"), Decimal("0.6"), "x", 2023)])
    assert ok(client.get(_path(), headers=tenant.headers["caseworker"]))["scope"] == "national"


def test_titles_follow_the_organisations_language(client, tenant, no_shipped_tables):
    ok(client.patch(url("/organisation"), json={"locale": "tr"}, headers=tenant.headers["admin"]))
    rows = ok(_put(client, tenant, {"csv": CSV}))["rows"]
    assert rows[0]["title"] == "Kişisel bakım hizmetlerinde çalışanlar"


def test_non_traditional_sexes_reads_the_table_in_effect_for_the_organisation(client, tenant, other_tenant,
                                                                               pathways, no_shipped_tables):
    ok(_put(client, tenant, {"csv": CSV}))
    with pathways.uow() as uow:
        session = uow.session
        own = {code: occupation_shares.non_traditional_sexes(session, "TR", code, uuid.UUID(tenant.organisation_id))
               for code in ("5322", "7111", "7212", "2211", "bad")}
        other = occupation_shares.non_traditional_sexes(session, "TR", "5322", uuid.UUID(other_tenant.organisation_id))
        national = occupation_shares.non_traditional_sexes(session, "TR", "5322")
    assert own == {"5322": {"male"}, "7111": {"female"}, "7212": frozenset(), "2211": frozenset(),
                   "bad": frozenset()}
    assert other == national == frozenset()


def test_two_loads_at_once_are_serialised_by_the_organisation(committing_pg_pathways, no_shipped_tables):
    """A second admin's load waits for the first (here: gives up at its lock timeout) instead of deleting the
    rows it can see and inserting beside the first load's, which would leave both loads' rows."""
    pathways = committing_pg_pathways
    _organisation, _admin, token = organisations.bootstrap(
        pathways.uow(), slug=f"shares-{uuid.uuid4().hex[:8]}", name="Shares", country="TR",
        admin_email="admin@shares.example")
    admin = users.authenticate(pathways.uow(), token)
    with SharedTransaction(pathways.session_factory, admin.user_id) as in_progress:  # loaded, not yet committed
        occupation_shares.load(in_progress.unit_of_work(), admin, "TR", {"rows": [_row("5", "0.5", "0.5")]})

        def impatient_session():
            session = pathways.session_factory()
            session.execute(text("SET LOCAL lock_timeout = '200ms'"))
            return session

        with pytest.raises(OperationalError, match="lock timeout"):
            occupation_shares.load(UnitOfWork(impatient_session, admin.user_id), admin, "TR",
                                   {"rows": [_row("9", "0.5", "0.5")]})
        in_progress.commit()
    with pathways.uow() as uow:
        table = occupation_shares.table_in_effect(uow.session, "TR", admin.organisation_id)
    assert list(table.table.rows) == ["5"]
