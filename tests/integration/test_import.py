"""`pathways import trainees`: encodings and delimiters, every bad row reported, duplicates reported
not duplicated, whole batches with their events and audit entries, resuming an interrupted import,
and the command's output and exit statuses; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import uuid
from concurrent.futures.process import BrokenProcessPool
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from marshmallow import ValidationError, validates_schema
from sqlalchemy import func, select, text
from stdnum import luhn

from schemas.events import load_envelope
from schemas.trainees import TraineeCreateSchema
from service import cli as pathways_cli
from service.bootstrap import bootstrap
from service.config import Config
from service.db import bulk
from service.db.models import AuditEntry, Organisation, OutboxMessage, Trainee
from service.domain import national_ids
from service.domain.events import TraineeRegistered
from service.domain.roles import Principal, Role
from service.ids import reserve
from service.imports import cli as import_cli
from service.imports import checking, reading
from service.imports import rows as import_rows
from service.imports import trainees as importing
from service.services import organisations, trainees
from tests import factories
from tests.conftest import TEST_KEYS
from tests.integration.conftest import Seed

COLUMNS = reading.COLUMNS


def row(**overrides) -> dict:
    """A CSV row as a caseworker's spreadsheet holds it: text cells, groups separated by '|'."""
    body = factories.trainee_body(**overrides)
    cells = {key: "" if value is None else str(value) for key, value in body.items()}
    cells["vulnerable_groups"] = "|".join(body["vulnerable_groups"])
    cells["consent"] = "true" if body["consent"] is True else str(body["consent"])
    return cells


def write_csv(path: Path, rows: list[dict], *, delimiter: str = ",", encoding: str = "utf-8",
              columns=COLUMNS) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for cells in rows:
        writer.writerow([cells.get(column, "") for column in columns])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def personnummer(yymmdd: str, serial: int) -> str:
    return f"{yymmdd}-{serial:03d}" + luhn.calc_check_digit(f"{yymmdd}{serial:03d}")


@pytest.fixture
def make_organisation(pathways):
    def make(country: str = "TR") -> Organisation:
        slug = f"imp-{uuid.uuid4().hex[:10]}"
        organisation, _admin, _token = organisations.bootstrap(
            pathways.uow(), slug=slug, name=f"Import {slug}", country=country, admin_email=f"admin@{slug}.org")
        return organisation

    return make


def run_import(pathways, organisation, path: Path, **options):
    """The use case as the command runs it; returns the summary, the problems and the table read."""
    table = reading.read_table(path, country=organisation.country, encoding=options.pop("encoding", None),
                               delimiter=options.pop("delimiter", None))
    problems = []
    summary = importing.import_trainees(pathways, organisation, table,
                                        on_batch=lambda _line, found: problems.extend(found), **options)
    return summary, problems, table


def counts(pathways, organisation_id) -> dict:
    with pathways.uow() as uow:
        def count(model, *where):
            return uow.session.scalar(select(func.count()).select_from(model)
                                      .where(model.organisation_id == organisation_id, *where))

        return {"trainees": count(Trainee),
                "events": count(OutboxMessage, OutboxMessage.type == "trainee.registered"),
                "audit": count(AuditEntry, AuditEntry.entity_type == "trainees")}


def stored(pathways, organisation_id) -> list[Trainee]:
    with pathways.uow() as uow:
        return list(uow.session.scalars(select(Trainee).where(Trainee.organisation_id == organisation_id)
                                        .order_by(Trainee.id)))


# -- encodings and delimiters ------------------------------------------------------------------

def test_utf8_with_a_bom_and_commas(pathways, make_organisation, tmp_path):
    organisation = make_organisation("TR")
    people = [row(given_name="Ayşe", family_name="Yılmaz", district="Bayraklı"),
              row(given_name="Zeynep", family_name="Öztürk", vulnerable_groups=["roma", "neet"], phone=None)]
    path = tmp_path / "trainees.csv"
    write_csv(path, people, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfgiven_name,")

    summary, problems, table = run_import(pathways, organisation, path)

    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
    assert problems == []
    assert (summary.rows, summary.imported, summary.duplicates, summary.invalid) == (2, 2, 0, 0)
    by_name = {t.given_name: t for t in stored(pathways, organisation.id)}
    assert by_name["Ayşe"].family_name == "Yılmaz" and by_name["Ayşe"].district == "Bayraklı"
    assert by_name["Zeynep"].vulnerable_groups == ["roma", "neet"] and by_name["Zeynep"].phone is None


def test_a_turkish_cp1254_file_with_semicolons(pathways, make_organisation, tmp_path):
    organisation = make_organisation("TR")
    people = [row(given_name="Şükrü", family_name="Çağlayan", district="Karşıyaka", consent="evet"),
              row(given_name="İbrahim", family_name="Ünlü", district="Ödemiş", consent="EVET",
                  vulnerable_groups=["roma", "neet"]),
              row(given_name="Gülşen", family_name="Işık", district="İzmir Bornova", consent="hayır")]
    people[1]["vulnerable_groups"] = "roma neet"  # space separated, as some spreadsheets have it
    path = write_csv(tmp_path / "kursiyerler.csv", people, delimiter=";", encoding="cp1254")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")

    summary, problems, table = run_import(pathways, organisation, path)

    assert (table.encoding, table.delimiter) == ("cp1254", ";")
    assert [str(problem) for problem in problems] == ["line 4: consent: Consent is required to register a trainee."]
    assert (summary.rows, summary.imported, summary.invalid) == (3, 2, 1)
    names = {(t.given_name, t.family_name, t.district, tuple(t.vulnerable_groups))
             for t in stored(pathways, organisation.id)}
    assert names == {("Şükrü", "Çağlayan", "Karşıyaka", ()), ("İbrahim", "Ünlü", "Ödemiş", ("roma", "neet"))}


def test_a_swedish_cp1252_file_with_personnummer(pathways, make_organisation, tmp_path):
    organisation = make_organisation("SE")
    assert organisation.national_id_scheme == "se_personnummer"
    # Each number agrees with the birth date and sex given with it (checked since issue 15).
    people = [row(given_name="Åsa", family_name="Öberg", national_id=personnummer("880320", 2),
                  birth_date="1988-03-20", district="Malmö", consent="ja", phone="+46 70 123 45 67"),
              row(given_name="Björn", family_name="Ängström", national_id=personnummer("911104", 1),
                  birth_date="1991-11-04", district="Göteborg", consent="Ja", sex="male")]
    path = write_csv(tmp_path / "deltagare.csv", people, delimiter=";", encoding="cp1252")

    summary, problems, table = run_import(pathways, organisation, path)

    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert problems == [] and summary.imported == 2
    [asa] = [t for t in stored(pathways, organisation.id) if t.given_name == "Åsa"]
    assert (asa.family_name, asa.district) == ("Öberg", "Malmö")
    assert pathways.vault.decrypt(organisation.id, asa.national_id_ciphertext) == "19" + personnummer(
        "880320", 2).replace("-", "")


def test_the_named_encoding_and_delimiter_win(pathways, make_organisation, tmp_path):
    organisation = make_organisation("TR")  # whose legacy encoding would be cp1254
    path = write_csv(tmp_path / "t.csv", [row(given_name="Åsa", family_name="Öberg; Ek", district="Täby")],
                     encoding="cp1252")

    summary, problems, table = run_import(pathways, organisation, path, encoding="windows-1252", delimiter=",")

    assert (table.encoding, table.delimiter, problems, summary.imported) == ("cp1252", ",", [], 1)
    assert [(t.given_name, t.family_name) for t in stored(pathways, organisation.id)] == [("Åsa", "Öberg; Ek")]


@pytest.mark.parametrize(("cell", "expected"), [
    ("true", True), ("YES", True), ("1", True), ("evet", True), ("Evet", True), ("ja", True), ("sí", True),
    ("SI", True), ("false", False), ("no", False), ("0", False), ("hayır", False), ("HAYIR", False),
    ("nej", False), ("maybe", "maybe")])
def test_consent_in_our_languages(cell, expected):
    assert reading.parse_consent(cell) == expected


def test_groups_by_bar_or_space_and_the_delimiter_by_the_header():
    assert reading.parse_groups(" roma | neet  migrant||") == ["roma", "neet", "migrant"]
    assert reading.sniff_delimiter("given_name;family_name;national_id") == ";"
    assert reading.sniff_delimiter("given_name,family_name,national_id") == ","


BODIES = [
    {}, factories.trainee_body(), factories.trainee_body(phone="12", email="no", district=""),
    factories.trainee_body(sex="woman", consent="evet", vulnerable_groups=["roma", "x", "roma"]),
    factories.trainee_body(given_name="\x07", birth_date="2001-02-30", settlement_type=None, consent=False),
    {key: value for key, value in factories.trainee_body().items() if key not in ("sex", "given_name")},
    {"consent": True, "district": "Konak", "labour_status": "inactive"},
    factories.trainee_body(consent=1, sex=["female"], vulnerable_groups="roma", district=None, phone=None),
    factories.trainee_body(consent="true", vulnerable_groups=[1, True], email=None, notes="unknown field"),
    factories.trainee_body(given_name=" Ayşe ", family_name="x" * 101, birth_date="1899-12-31", vulnerable_groups=[]),
    factories.trainee_body(national_id=" ", sex="", district=" Konak\t"),
]


def _whole_load(schema, body):
    try:
        return schema.load(body), {}
    except ValidationError as error:
        return error.valid_data, {field: checking._messages(messages) for field, messages in error.messages.items()}


def test_the_row_loader_loads_as_the_whole_schema_does():
    loader = checking.RowLoader()
    for body in BODIES * 2:  # twice: the second time from the memo
        data, errors = loader.load(body)
        assert (data, errors) == _whole_load(TraineeCreateSchema(), body)
        data.get("vulnerable_groups", []).append("changed")  # a list of its own: the memo keeps its value
    assert loader.load(BODIES[1]) == _whole_load(TraineeCreateSchema(), BODIES[1])


def test_the_row_loader_loads_the_whole_body_once_the_schema_has_hooks():
    class Hooked(TraineeCreateSchema):
        @validates_schema
        def one_name_at_least(self, data, **_kwargs):
            if data.get("given_name") == data.get("family_name"):
                raise ValidationError("Given and family name are one.", "family_name")

    body = factories.trainee_body(given_name="Ali", family_name="Ali")
    assert checking.RowLoader(Hooked()).load(body) == _whole_load(Hooked(), body)
    assert "family_name" in checking.RowLoader(Hooked()).load(body)[1]


# -- bad rows, dry runs, duplicates ------------------------------------------------------------

BAD_ROWS = {  # line: (row, expected problems)
    3: (row(sex="woman", citizenship="XX"), ["line 3: sex: Must be one of: female, male, non_binary, undisclosed.",
                                             "line 3: citizenship: XX is not an ISO 3166-1 country code."]),
    4: (row(given_name=""), ["line 4: given_name: Missing data for required field."]),
    5: (row(consent="no", birth_date=(date.today() + timedelta(days=3)).isoformat()),
        ["line 5: birth_date: The birth date is in the future.",
         "line 5: consent: Consent is required to register a trainee."]),
    6: (row(national_id="37468912539"), ["line 6: national_id: Not a valid tr_tckn number: "
                                         "The number's checksum or check digit is invalid."]),
    7: (row(vulnerable_groups=["roma", "pirates"], consent="perhaps", birth_date="31.02.2001"),
        ["line 7: birth_date: Not a valid date.",
         "line 7: vulnerable_groups: item 2: Must be one of: roma, disability, refugee, single_parent, neet, "
         "migrant, housing_exclusion.", "line 7: consent: Not a valid boolean."]),
    8: (row(sex="other"), ["line 8: sex: `other` is no longer a value: use `non_binary` or `undisclosed` (the "
                           "person did not say). Must be one of: female, male, non_binary, undisclosed."]),
}


def _file_with_bad_rows(tmp_path) -> Path:
    rows = [row()] + [BAD_ROWS[line][0] for line in sorted(BAD_ROWS)] + [row(citizenship="sy", sex="non_binary")]
    path = write_csv(tmp_path / "mixed.csv", rows)  # lines 2, 3..8, 9
    with path.open("a", encoding="utf-8", newline="") as handle:  # line 10: a cell too few; line 11: blank
        handle.write("Ali,Kaya,10000000146,male,1999-01-01\r\n\r\n")
    return path


def test_a_dry_run_reports_every_bad_row_and_writes_nothing(pathways, make_organisation, tmp_path):
    organisation = make_organisation("TR")
    path = _file_with_bad_rows(tmp_path)
    before = counts(pathways, organisation.id)

    summary, problems, _table = run_import(pathways, organisation, path, dry_run=True)

    expected = [message for line in sorted(BAD_ROWS) for message in BAD_ROWS[line][1]]
    expected.append(f"line 10: row: 5 cells where the header names {len(COLUMNS)} columns")
    assert [str(problem) for problem in problems] == expected
    assert (summary.rows, summary.imported, summary.duplicates, summary.invalid, summary.dry_run) == \
        (9, 0, 0, 7, True)
    assert counts(pathways, organisation.id) == before


def test_the_valid_rows_are_imported_and_the_bad_ones_reported(pathways, make_organisation, tmp_path):
    organisation = make_organisation("TR")

    summary, problems, _table = run_import(pathways, organisation, _file_with_bad_rows(tmp_path))

    assert len({problem.line for problem in problems}) == 7
    assert (summary.rows, summary.imported, summary.invalid) == (9, 2, 7)
    assert counts(pathways, organisation.id) == {"trainees": 2, "events": 2, "audit": 2}
    assert sorted((t.sex, t.citizenship) for t in stored(pathways, organisation.id)) == [
        ("female", None), ("non_binary", "SY")]


def test_duplicates_in_the_database_and_in_the_file_are_reported_not_duplicated(pathways, make_organisation,
                                                                                 tmp_path):
    organisation = make_organisation("TR")
    admin = Principal(user_id=None, organisation_id=organisation.id, role=Role.ADMIN)
    registered = trainees.register(pathways.uow(), admin, Seed.trainee_data(national_id="374 6891 2538"),
                                   pathways.vault)
    repeated = factories.tckn()
    people = [row(national_id="37468912538"),  # line 2: registered through the API, spelled otherwise
              row(national_id=repeated, given_name="Elif"),  # line 3
              row(national_id=f" {repeated[:3]} {repeated[3:]}", given_name="Elif"),  # line 4: line 3 again
              row(national_id="37468912538", given_name="Again"),  # line 5: line 2 again
              row()]  # line 6
    path = write_csv(tmp_path / "dups.csv", people)

    dry, dry_problems, _ = run_import(pathways, organisation, path, dry_run=True)
    summary, problems, _ = run_import(pathways, organisation, path, batch_size=2)

    [elif_] = [t for t in stored(pathways, organisation.id) if t.given_name == "Elif"]
    assert [str(problem) for problem in problems] == [
        f"line 2: national_id: already imported (trainee {registered.id})",
        f"line 4: national_id: repeats line 3 (trainee {elif_.id})",
        f"line 5: national_id: repeats line 2 (trainee {registered.id})"]
    assert all(problem.duplicate for problem in problems)
    assert (summary.rows, summary.imported, summary.duplicates, summary.invalid) == (5, 2, 3, 0)
    assert counts(pathways, organisation.id) == {"trainees": 3, "events": 3, "audit": 3}
    assert (dry.imported, dry.duplicates) == (0, 3)
    assert [str(problem) for problem in dry_problems][1] == "line 4: national_id: repeats line 3"


def test_the_same_person_spelled_two_ways_in_a_swedish_file(pathways, make_organisation, tmp_path):
    organisation = make_organisation("SE")
    number = personnummer("811218", 987)
    born = {"birth_date": "1981-12-18", "sex": "male"}  # as the number has them
    path = write_csv(tmp_path / "se.csv", [row(national_id=number, **born), row(national_id="19" + number, **born)])

    summary, problems, _ = run_import(pathways, organisation, path)

    assert (summary.imported, summary.duplicates) == (1, 1)
    assert str(problems[0]).startswith("line 3: national_id: repeats line 2 (trainee ")


# -- batches, resuming, what is written --------------------------------------------------------

def test_a_rerun_imports_nothing_new_and_reports_every_row_as_already_imported(pathways, make_organisation,
                                                                                tmp_path):
    organisation = make_organisation("TR")
    path = write_csv(tmp_path / "t.csv", [row() for _ in range(5)])
    first, _, _ = run_import(pathways, organisation, path, batch_size=2)
    after_first = counts(pathways, organisation.id)

    again, problems, _ = run_import(pathways, organisation, path, batch_size=2)

    assert first.imported == 5 and after_first == {"trainees": 5, "events": 5, "audit": 5}
    assert (again.rows, again.imported, again.duplicates, again.invalid) == (5, 0, 5, 0)
    assert [problem.line for problem in problems] == [2, 3, 4, 5, 6]
    assert all(problem.reason.startswith("already imported (trainee ") for problem in problems)
    assert counts(pathways, organisation.id) == after_first


@pytest.mark.parametrize("processes", [1, 2])
def test_rows_checked_in_worker_processes_are_reported_by_line_in_file_order(pathways, make_organisation, tmp_path,
                                                                             processes):
    organisation = make_organisation("TR")
    repeated = factories.tckn()
    people = [row(), row(national_id=repeated), row(),  # lines 2-4: batch 1
              row(), row(sex="woman"), row(),  # lines 5-7: batch 2, with a bad row at line 6
              row(national_id=f"{repeated[:5]} {repeated[5:]}"), row(), row(birth_date="2001-13-01")]  # batch 3
    path = write_csv(tmp_path / "t.csv", people)

    summary, problems, _ = run_import(pathways, organisation, path, batch_size=3, processes=processes)
    dry, dry_problems, _ = run_import(pathways, make_organisation("TR"), path, batch_size=3, processes=processes,
                                      dry_run=True)

    [first] = [t for t in stored(pathways, organisation.id) if t.national_id_hash == pathways.vault.fingerprint(
        organisation.id, repeated)]
    assert [str(problem) for problem in problems] == [
        "line 6: sex: Must be one of: female, male, non_binary, undisclosed.",
        f"line 8: national_id: repeats line 3 (trainee {first.id})",
        "line 10: birth_date: Not a valid date."]
    assert (summary.rows, summary.imported, summary.duplicates, summary.invalid) == (9, 6, 1, 2)
    assert counts(pathways, organisation.id) == {"trainees": 6, "events": 6, "audit": 6}
    in_file_order = [pathways.vault.fingerprint(organisation.id, people[index]["national_id"])
                     for index in (0, 1, 2, 3, 5, 7)]  # lines 2-5, 7 and 9
    assert [t.national_id_hash for t in stored(pathways, organisation.id)] == in_file_order  # ids by file order
    assert [str(problem) for problem in dry_problems][1] == "line 8: national_id: repeats line 3"
    assert (dry.rows, dry.imported, dry.duplicates, dry.invalid) == (9, 0, 1, 2)
    assert multiprocessing.active_children() == []


def test_an_error_in_a_worker_process_stops_the_import_after_whole_batches(pathways, make_organisation, tmp_path,
                                                                          monkeypatch):
    organisation = make_organisation("TR")
    path = write_csv(tmp_path / "t.csv", [row(given_name=f"Person {n}") for n in range(7)])
    check = checking.Checker.check

    def fail_at_line_6(self, record):  # the workers fork from this process, so they inherit the patch
        if record.line == 6:
            raise RuntimeError("a bug")
        return check(self, record)

    monkeypatch.setattr(checking.Checker, "check", fail_at_line_6)
    with pytest.raises(RuntimeError, match="a bug"):
        run_import(pathways, organisation, path, batch_size=2, processes=2)

    assert counts(pathways, organisation.id) == {"trainees": 4, "events": 4, "audit": 4}  # lines 2-5
    assert multiprocessing.active_children() == []


def test_a_worker_process_that_dies_stops_the_import_after_whole_batches(pathways, make_organisation, tmp_path,
                                                                         monkeypatch):
    organisation = make_organisation("TR")
    path = write_csv(tmp_path / "t.csv", [row(given_name=f"Person {n}") for n in range(7)])
    check = checking.Checker.check

    def die_at_line_6(self, record):  # as if killed, or out of memory
        if record.line == 6:
            os._exit(1)
        return check(self, record)

    monkeypatch.setattr(checking.Checker, "check", die_at_line_6)
    with pytest.raises(BrokenProcessPool):
        run_import(pathways, organisation, path, batch_size=2, processes=2)

    assert counts(pathways, organisation.id)["trainees"] in (0, 2, 4)  # whole batches before line 6 at most
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("processes", [1, 2])
def test_an_interrupted_import_keeps_whole_batches_and_a_rerun_completes_it_once(pathways, make_organisation,
                                                                                 tmp_path, monkeypatch, processes):
    organisation = make_organisation("TR")
    path = write_csv(tmp_path / "t.csv", [row(given_name=f"Person {n}") for n in range(7)])
    write_batch, calls = importing.write_batch, []

    def fail_in_the_third_batch(session, *args, **kwargs):
        calls.append(1)
        written = write_batch(session, *args, **kwargs)  # the rows are in the transaction when it fails
        if len(calls) == 3:
            raise KeyboardInterrupt
        return written

    monkeypatch.setattr(importing, "write_batch", fail_in_the_third_batch)
    with pytest.raises(KeyboardInterrupt):
        run_import(pathways, organisation, path, batch_size=2, processes=processes)
    assert counts(pathways, organisation.id) == {"trainees": 4, "events": 4, "audit": 4}
    assert multiprocessing.active_children() == []  # the workers are stopped

    summary, problems, _ = run_import(pathways, organisation, path, batch_size=2, processes=processes)

    assert (summary.imported, summary.duplicates) == (3, 4)
    assert [problem.line for problem in problems] == [2, 3, 4, 5]
    assert counts(pathways, organisation.id) == {"trainees": 7, "events": 7, "audit": 7}
    assert sorted(t.given_name for t in stored(pathways, organisation.id)) == [f"Person {n}" for n in range(7)]


def _xmin(pathways, table: str, row_id) -> str:
    with pathways.uow() as uow:
        return uow.session.scalar(text(f"SELECT xmin::text FROM {table} WHERE id = :id"), {"id": row_id})


def test_each_imported_trainee_is_written_as_the_api_writes_it(pathways, make_organisation, tmp_path):
    """One `trainee.registered` event and one audit entry each, equal to the API's but for ids and
    times; the national id kept only as the keyed hash and the ciphertext; a batch in one transaction."""
    through_api, imported_into = make_organisation("TR"), make_organisation("TR")
    person = {"given_name": "Elif", "family_name": "Demirtaşoğlu", "phone": "+90 555 123 45 67",
              "email": "elif@example.org", "vulnerable_groups": ["single_parent", "neet"]}
    submitted = ["374 6891 2538", "10000000146", factories.tckn()]
    admin = Principal(user_id=None, organisation_id=through_api.id, role=Role.ADMIN)
    api_trainee = trainees.register(pathways.uow(), admin, Seed.trainee_data(**person, national_id=submitted[0]),
                                    pathways.vault)
    path = write_csv(tmp_path / "t.csv", [row(**person, national_id=number) for number in submitted])

    summary, _, _ = run_import(pathways, imported_into, path, batch_size=2)

    assert summary.imported == 3
    imported = stored(pathways, imported_into.id)
    with pathways.uow() as uow:
        def event_and_entry(trainee):
            [event] = [row for row in uow.session.scalars(select(OutboxMessage).where(
                OutboxMessage.organisation_id == trainee.organisation_id)) if row.envelope["data"]["trainee_id"]
                == str(trainee.id)]
            [entry] = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == trainee.id))
            return event, entry

        api_event, api_entry = event_and_entry(api_trainee)
        for trainee, number in zip(imported, submitted, strict=True):
            event, entry = event_and_entry(trainee)
            envelope = load_envelope(event.envelope)  # the event schema accepts it
            assert (envelope.id, envelope.event) == \
                (event.id, TraineeRegistered(organisation_id=imported_into.id, trainee_id=trainee.id))
            assert {**event.envelope["data"], "trainee_id": None} == {**api_event.envelope["data"], "trainee_id": None}
            assert list(event.envelope) == list(api_event.envelope)
            assert (entry.action, entry.actor_id, entry.entity_type) == ("create", None, "trainees")
            varying = {"id", "organisation_id", "consent_at"}
            assert {k: v for k, v in entry.changes.items() if k not in varying} == \
                {k: v for k, v in api_entry.changes.items() if k not in varying}
            assert entry.changes["id"] == str(trainee.id)
            canonical = national_ids.normalise("tr_tckn", number)
            assert trainee.national_id_hash == pathways.vault.fingerprint(imported_into.id, canonical)
            assert pathways.vault.decrypt(imported_into.id, trainee.national_id_ciphertext) == canonical
            envelope_text = json.dumps(event.envelope, ensure_ascii=False)
            for secret in (canonical, number, trainee.national_id_hash, "Demirtaşoğlu", "elif@example.org"):
                assert secret not in envelope_text
            for secret in (canonical, number, trainee.national_id_hash):  # names are audited, as by the API
                assert secret not in json.dumps(entry.changes, ensure_ascii=False)
    if pathways.engine.dialect.name == "postgresql":
        first, second, third = imported
        with pathways.uow() as uow:
            [first_event] = [row.id for row in uow.session.scalars(select(OutboxMessage).where(
                OutboxMessage.organisation_id == imported_into.id)) if row.envelope["data"]["trainee_id"]
                == str(first.id)]
            [first_entry] = uow.session.scalars(select(AuditEntry.id).where(AuditEntry.entity_id == first.id))
        batch = {_xmin(pathways, "trainees", first.id), _xmin(pathways, "trainees", second.id),
                 _xmin(pathways, "outbox", first_event), _xmin(pathways, "audit_entries", first_entry)}
        assert len(batch) == 1 and _xmin(pathways, "trainees", third.id) not in batch


def test_rows_encoded_for_copy_store_what_an_insert_of_their_values_stores(pg_pathways):
    """COPY rows in the binary format, encoded by the import itself, read back as the values they were
    made of; JSON columns hold the text an INSERT sends (json.dumps)."""
    pathways = pg_pathways
    organisation, admin, _token = organisations.bootstrap(pathways.uow(), slug=f"copy-{uuid.uuid4().hex[:8]}",
                                                          name="Copy", country="TR", admin_email="a@copy.org")
    bodies = [factories.trainee_body(given_name='Şükrü "Ş" \\ Ünlü', vulnerable_groups=["roma", "neet"]),
              factories.trainee_body(phone=None, email=None, district=None, birth_date="1970-01-01")]
    candidates = []
    for line, body in enumerate(bodies, start=2):
        data = TraineeCreateSchema().load({key: value for key, value in body.items() if value is not None})
        national_id = data.pop("national_id")
        data.pop("consent_purposes"), data.pop("consent_language")  # as the checker leaves them out
        candidates.append(checking.Candidate(line, data, national_id,
                                             pathways.vault.fingerprint(organisation.id, national_id)))
    made = import_rows.Rows(pathways.vault, organisation.id, admin.id).make(candidates, reserve(3 * len(candidates)))
    with pathways.uow() as uow:
        encoding = uow.session.connection().connection.driver_connection.info.encoding
        for table, dicts in zip(import_rows.TABLES, (made.trainees, made.outbox, made.audit), strict=True):
            bulk.insert_rows(uow.session, table, [bulk.row_encoder(table, encoding)(row) for row in dicts])
        uow.commit()
    with pathways.uow() as uow:
        for table, dicts in zip(import_rows.TABLES, (made.trainees, made.outbox, made.audit), strict=True):
            for expected in dicts:
                stored_row = uow.session.execute(select(table).where(table.c.id == expected["id"])).mappings().one()
                assert dict(stored_row) == expected
                for column in table.columns:
                    if column.type.__class__.__name__ == "JSON":
                        text_ = uow.session.scalar(select(text(f"{column.name}::text")).select_from(table)
                                                   .where(table.c.id == expected["id"]))
                        assert text_ == json.dumps(expected[column.name])
    assert made.trainees[1]["phone"] is None and made.audit[0]["actor_id"] == admin.id


# -- the command -------------------------------------------------------------------------------

@pytest.fixture
def command(committing_pathways, monkeypatch):
    """`command(*args)`: `pathways import trainees ...` in this process on the test database, its
    national-id keys those of the fixtures' vault; returns the result and its summary (or None)."""
    url = committing_pathways.config.database_url
    monkeypatch.setattr(import_cli, "build", lambda: bootstrap(Config(database_url=url, **TEST_KEYS)))

    def run(*args: str):
        result = CliRunner().invoke(pathways_cli.main, ["import", "trainees", *args])
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        last = result.stdout.strip().splitlines()[-1:] or [""]
        return result, (json.loads(last[0]) if last[0].startswith("{") else None)

    return run


@pytest.fixture
def slug(committing_pathways) -> str:
    slug = f"cli-{uuid.uuid4().hex[:10]}"
    organisations.bootstrap(committing_pathways.uow(), slug=slug, name="CLI import", country="TR",
                            admin_email=f"admin@{slug}.org")
    return slug


def test_the_command_imports_reports_and_exits_1_for_invalid_rows(command, slug, committing_pathways, tmp_path):
    path = write_csv(tmp_path / "t.csv", [row(), row(sex="f"), row()], delimiter=";", encoding="utf-8-sig")

    dry, dry_summary = command(str(path), "--org-slug", slug, "--dry-run")
    result, summary = command(str(path), "--org-slug", slug, "--batch-size", "2")
    again, again_summary = command(str(path), "--org-slug", slug, "--delimiter", ";", "--encoding", "utf-8")

    assert dry.exit_code == 1
    assert dry_summary == {"rows": 3, "imported": 0, "duplicates": 0, "invalid": 1, "dry_run": True}
    assert result.exit_code == 1
    assert summary == {"rows": 3, "imported": 2, "duplicates": 0, "invalid": 1, "dry_run": False}
    assert "line 3: sex: Must be one of: female, male, non_binary, undisclosed." in result.stderr.splitlines()
    assert again.exit_code == 1
    assert again_summary == {"rows": 3, "imported": 0, "duplicates": 2, "invalid": 1, "dry_run": False}
    assert sum("already imported (trainee " in line for line in again.stderr.splitlines()) == 2
    with committing_pathways.uow() as uow:
        organisation_id = uow.session.scalar(select(Organisation.id).where(Organisation.slug == slug))
    assert counts(committing_pathways, organisation_id) == {"trainees": 2, "events": 2, "audit": 2}


def test_the_command_exits_0_when_every_row_is_valid(command, slug, tmp_path):
    result, summary = command(str(write_csv(tmp_path / "t.csv", [row(), row()])), "--org-slug", slug)

    assert result.exit_code == 0, result.output
    assert summary == {"rows": 2, "imported": 2, "duplicates": 0, "invalid": 0, "dry_run": False}


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _headerless(path: Path) -> Path:
    write_csv(path, [row(national_id="37468912538")])
    path.write_bytes(path.read_bytes().split(b"\r\n", 1)[1])  # the data row without the header
    return path


@pytest.mark.parametrize(("make_file", "options", "message"), [
    (lambda tmp: tmp / "missing.csv", (), "cannot read"),
    (lambda tmp: write_csv(tmp / "t.csv", [row()]), ("--org-slug", "no-such-organisation"),
     "No organisation with slug 'no-such-organisation'"),
    (lambda tmp: write_csv(tmp / "t.csv", [row()], columns=[c for c in COLUMNS if c != "birth_date"]), (),
     "missing required column(s) in the header line: birth_date"),
    (lambda tmp: write_csv(tmp / "t.csv", [row()], columns=[*COLUMNS, "notes"]), (),
     "unknown column(s) 'notes'"),
    (lambda tmp: write_csv(tmp / "t.csv", [row()], encoding="utf-16"), (), "line 1: a NUL character"),
    (lambda tmp: _empty(tmp / "t.csv"), (), "is empty"),
    (lambda tmp: _headerless(tmp / "t.csv"), (), "the first line names none of the columns"),
    (lambda tmp: write_csv(tmp / "t.csv", [row()]), ("--encoding", "klingon"), "unknown encoding 'klingon'"),
    (lambda tmp: write_csv(tmp / "t.csv", [row(given_name="Şükrü")], encoding="cp1254"),
     ("--encoding", "utf-8"), "line 2: not valid utf-8-sig text"),
], ids=["missing file", "unknown organisation", "missing column", "unknown column", "utf-16", "empty",
        "no header", "unknown encoding", "undecodable"])
def test_unusable_input_exits_2_with_a_message(command, slug, tmp_path, make_file, options, message):
    path = make_file(tmp_path)
    options = options if "--org-slug" in options else ("--org-slug", slug, *options)

    result, summary = command(str(path), *options)

    assert result.exit_code == 2, result.output
    assert summary is None
    assert message in result.stderr
    assert "37468912538" not in result.output  # a national id in the file is never repeated


def test_a_file_in_no_known_encoding_needs_one_named(pathways, make_organisation, tmp_path):
    organisation = make_organisation("DE")  # no legacy encoding is assumed for Germany
    path = write_csv(tmp_path / "t.csv", [row(given_name="Jürgen", family_name="Müller", district="Köln")],
                     encoding="cp1252")

    with pytest.raises(reading.UnusableInput, match="name it with --encoding"):
        run_import(pathways, organisation, path)
    summary, problems, table = run_import(pathways, organisation, path, encoding="cp1252")
    assert (table.encoding, problems, summary.invalid) == ("cp1252", [], 0)


# -- identity documents (issue 15) ----------------------------------------------------------------

def test_imported_national_ids_are_documents_and_people_without_one_give_a_reason(pathways, make_organisation,
                                                                                   tmp_path):
    organisation = make_organisation("CO")
    caseworker = Principal(user_id=None, organisation_id=organisation.id, role=Role.CASEWORKER)
    body = {**factories.trainee_body(documents=[{"type": "passport", "number": "4567890", "issuing_country": "VE"}])}
    del body["national_id"]
    holder = trainees.register(pathways.uow(), caseworker, TraineeCreateSchema().load(body), pathways.vault)
    people = [row(given_name="Ana", national_id="52.523.478"),
              row(given_name="Luz", national_id="", no_document_reason="asylum_pending"),
              row(given_name="Eva", national_id=""),                                   # neither
              row(given_name="Rosa", national_id="1020304050", no_document_reason="none_held"),  # both
              row(given_name="Sol", national_id="4567890")]  # a cédula the passport holder's number: held
    path = write_csv(tmp_path / "co.csv", people, delimiter=";")

    summary, problems, _ = run_import(pathways, organisation, path)

    assert [(p.line, p.field) for p in problems] == [(4, "no_document_reason"), (5, "no_document_reason"),
                                                     (6, "national_id")]
    assert problems[2].duplicate and str(holder.id) in problems[2].reason
    assert (summary.imported, summary.invalid, summary.duplicates) == (2, 2, 1)
    by_name = {t.given_name: t for t in stored(pathways, organisation.id)}
    ana, luz = by_name["Ana"], by_name["Luz"]
    assert (luz.national_id_hash, luz.no_document_reason, luz.documents) == (None, "asylum_pending", [])
    [document] = ana.documents
    assert (document.type, document.issuing_country, document.number_hash, document.number_ciphertext) == (
        "co_cc", "CO", ana.national_id_hash, ana.national_id_ciphertext)
    assert pathways.vault.decrypt(organisation.id, document.number_ciphertext) == "52523478"
    found, _cursor = trainees.list_(pathways.uow(), caseworker, {"document": "52523478", "limit": 10}, pathways.vault)
    assert [t.id for t in found] == [ana.id]


def test_a_documents_column_is_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("given_name,documents\nA,x\n")
    with pytest.raises(reading.UnusableInput, match="unknown column.*'documents'"):
        reading.read_table(path, country="TR")
