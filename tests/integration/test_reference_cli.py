"""`pathways reference load-occupations`: an operator loads a country's national table from a CSV file (or the
shipped one); a faulty file loads nothing and says why."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from service import cli, config
from service.bootstrap import bootstrap
from service.db.models import OccupationSexShare
from service.services import occupation_shares

HEADER = "isco_code,female_share,male_share,source,year\n"
TABLE = HEADER + "53,0.8731,0.1269,Test figures,2023\n7,0.0912,0.9088,Test figures,2023\n"


@pytest.fixture
def operator(tmp_path, monkeypatch):
    """Runs `pathways …` on a fresh, migrated SQLite database with no shipped tables; returns its JSON."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    monkeypatch.setattr(occupation_shares, "SHIPPED", tmp_path / "shipped")
    occupation_shares.shipped.cache_clear()

    def run(*args: str, exit_code: int = 0) -> dict:
        result = CliRunner().invoke(cli.main, list(args))
        assert result.exit_code == exit_code, (result.output, result.stderr)
        return json.loads((result.stdout if exit_code == 0 else result.stderr).strip().splitlines()[-1])

    assert CliRunner().invoke(cli.main, ["db", "upgrade"]).exit_code == 0
    run.pathways = bootstrap(config.from_env())
    run.tmp_path = tmp_path
    yield run
    run.pathways.dispose()
    occupation_shares.shipped.cache_clear()


def _national(pathways, country: str) -> list[tuple]:
    with pathways.uow() as uow:
        return sorted(tuple(row) for row in uow.session.execute(
            select(OccupationSexShare.isco_code, OccupationSexShare.female_share, OccupationSexShare.source).where(
                OccupationSexShare.country == country, OccupationSexShare.organisation_id.is_(None))))


def test_a_csv_file_becomes_the_national_table_and_a_second_load_replaces_it(operator):
    path = operator.tmp_path / "tr.csv"
    path.write_text("\ufeff" + TABLE, encoding="utf-8")  # a spreadsheet's byte-order mark is read past
    assert operator("reference", "load-occupations", "--country", "tr", str(path)) == {
        "country": "TR", "scope": "national", "rows": 2, "file": str(path)}
    assert _national(operator.pathways, "TR") == [("53", Decimal("0.8731"), "Test figures"),
                                                  ("7", Decimal("0.0912"), "Test figures")]
    with operator.pathways.uow() as uow:
        assert occupation_shares.non_traditional_sexes(uow.session, "TR", "5321") == {"male"}

    path.write_text(HEADER + "9,0.5,0.5,Other figures,2024\n", encoding="utf-8")
    assert operator("reference", "load-occupations", "--country", "TR", str(path))["rows"] == 1
    assert _national(operator.pathways, "TR") == [("9", Decimal("0.5000"), "Other figures")]


@pytest.mark.parametrize("text, fault", [
    (HEADER + "53,1.2,0,x,2023\n", "rows.0.female_share"),
    (HEADER + "53,0.5,0.5,x,2023\n53,0.5,0.5,x,2023\n", "rows.1.isco_code"),
    ("code,share\n53,0.5\n", "csv"),
])
def test_a_faulty_file_loads_nothing_and_names_the_fault(operator, text, fault):
    good, bad = operator.tmp_path / "good.csv", operator.tmp_path / "bad.csv"
    good.write_text(TABLE, encoding="utf-8")
    bad.write_text(text, encoding="utf-8")
    operator("reference", "load-occupations", "--country", "TR", str(good))
    error = operator("reference", "load-occupations", "--country", "TR", str(bad), exit_code=1)
    assert fault in error["errors"], error
    assert len(_national(operator.pathways, "TR")) == 2


def test_bad_arguments_are_refused(operator):
    path = operator.tmp_path / "tr.csv"
    path.write_text(TABLE, encoding="utf-8")
    assert "--country" in operator("reference", "load-occupations", "--country", "TUR", str(path),
                                   exit_code=1)["errors"]
    (operator.tmp_path / "latin1.csv").write_bytes(TABLE.replace("Test", "T\xfcik").encode("latin-1"))
    assert "not UTF-8" in operator("reference", "load-occupations", "--country", "TR",
                                   str(operator.tmp_path / "latin1.csv"), exit_code=1)["error"]
    assert "No table is shipped for SE" in operator("reference", "load-occupations", "--country", "SE",
                                                    exit_code=1)["error"]
    assert _national(operator.pathways, "TR") == []


def test_without_a_file_the_shipped_table_is_loaded(operator):
    (operator.tmp_path / "shipped").mkdir()
    (operator.tmp_path / "shipped" / "occupation_sex_shares_SE.csv").write_text(TABLE, encoding="utf-8")
    assert operator("reference", "load-occupations", "--country", "SE")["rows"] == 2
    assert [row[0] for row in _national(operator.pathways, "SE")] == ["53", "7"]
