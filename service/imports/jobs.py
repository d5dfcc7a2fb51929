"""Imports of trainees from a file an admin uploads on the import page: the upload read (CSV or XLSX),
its columns mapped to the trainee's fields, every row checked as `pathways import trainees` checks it
(service.imports.checking), likely duplicates found as the engine finds them (service.services.matching),
and then the import itself, run by a worker (workers/imports.py) with the engine of the command
(service.imports.trainees.import_trainees), its progress stored batch by batch.

A job is a row of `import_jobs`: `draft` while the admin maps and previews it, `queued` once they start
it (only a draft starts: a form sent twice imports once), `running` while a worker holds it (a worker
that stops mid-way leaves it to be taken again after `STALE_AFTER`; rows of committed batches are then
reported as registered already, never imported twice), then `done` or `failed`. The file's cells are
stored encrypted with the national-id vault's key, as they hold national ids.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update

from service import clock
from service.bootstrap import Pathways
from service.clock import utcnow
from service.db.models import ImportJob, Organisation, Trainee
from service.domain import names
from service.domain.errors import NotFound, ValidationFailed
from service.domain.messages import Msg
from service.domain.roles import ADMIN_ONLY, Principal
from service.imports import reading
from service.imports.checking import Candidate, Checker, Problem
from service.imports.trainees import _registered, import_trainees
from service.services import groups, matching
from service.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

#: More rows than this are for `pathways import trainees` (the page checks the whole file on each look).
MAX_ROWS = 10_000
#: Rows per transaction (and per progress step) of an import run by a worker.
BATCH_SIZE = 200
#: A running job whose worker has not reported for this long is taken again by another.
STALE_AFTER = timedelta(minutes=10)
#: A finished job (its cells hold national ids) is deleted this long after it ended, a draft never started
#: this long after it was last touched: time enough to download and fix the rejected rows.
KEEP_FINISHED = timedelta(days=30)
KEEP_DRAFTS = timedelta(days=7)
DRAFT, QUEUED, RUNNING, DONE, FAILED = "draft", "queued", "running", "done", "failed"
#: Where a row's problem belongs to no single field (a wrong number of cells).
ROW = "row"
#: The kinds of duplicate a row can be: its number is registered, it looks like someone registered,
#: it repeats an earlier row of the file.
REGISTERED, LIKELY, REPEATED = "registered", "likely", "repeated"

#: Headers people write for each field, in English, Turkish, Swedish and Spanish, as `_normal` reads them.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "given_name": ("given name", "first name", "firstname", "forename", "name", "ad", "adı", "adi", "isim",
                   "förnamn", "fornamn", "tilltalsnamn", "nombre", "nombres", "primer nombre"),
    "family_name": ("family name", "last name", "lastname", "surname", "soyad", "soyadı", "soyadi",
                    "efternamn", "apellido", "apellidos"),
    "national_id": ("national id", "national id number", "id number", "identity number", "tckn", "tc",
                    "tc kimlik", "tc kimlik no", "tc no", "kimlik no", "kimlik numarası", "personnummer",
                    "person nummer", "cedula", "cédula", "numero de cedula", "número de cédula", "dni", "dpi",
                    "cui", "documento", "número de documento", "numero de documento"),
    "no_document_reason": ("no document reason", "reason for no document", "kimliksiz nedeni",
                           "skäl utan id handling", "motivo sin documento"),
    "sex": ("sex", "gender", "cinsiyet", "kön", "kon", "sexo", "género", "genero"),
    "birth_date": ("birth date", "date of birth", "dob", "birthday", "doğum tarihi", "dogum tarihi",
                   "födelsedatum", "fodelsedatum", "fecha de nacimiento", "nacimiento"),
    "phone": ("phone", "telephone", "phone number", "mobile", "telefon", "cep telefonu", "cep", "gsm",
              "telefonnummer", "mobil", "mobilnummer", "teléfono", "telefono", "celular", "móvil", "movil"),
    "email": ("email", "e-mail", "email address", "e-posta", "eposta", "e-post", "epost", "mejl", "correo",
              "correo electrónico", "correo electronico"),
    "district": ("district", "ilçe", "ilce", "semt", "stadsdel", "kommun", "distrito", "municipio", "barrio"),
    "settlement_type": ("settlement type", "settlement", "urban rural", "yerleşim", "yerleşim yeri",
                        "yerleşim türü", "kır kent", "boendeort", "tätort landsbygd", "tipo de zona", "zona",
                        "área", "area urbana rural"),
    "education_level": ("education", "education level", "eğitim", "eğitim durumu", "öğrenim durumu",
                        "eğitim düzeyi", "utbildning", "utbildningsnivå", "educación", "nivel educativo",
                        "escolaridad", "nivel de estudios"),
    "labour_status": ("labour status", "labor status", "employment status", "çalışma durumu",
                      "istihdam durumu", "sysselsättning", "arbetsmarknadsstatus", "situación laboral",
                      "situacion laboral"),
    "vulnerable_groups": ("vulnerable groups", "groups", "dezavantajlı gruplar", "gruplar", "grupper",
                          "målgrupper", "grupos", "grupos vulnerables"),
    "citizenship": ("citizenship", "nationality", "uyruk", "uyruğu", "vatandaşlık", "medborgarskap",
                    "nacionalidad", "ciudadanía", "ciudadania"),
    "consent": ("consent", "onay", "rıza", "açık rıza", "kvkk onayı", "samtycke", "consentimiento"),
}


def _normal(header: str) -> str:
    """A header as compared: case, accents, dotless i, punctuation and spacing ignored."""
    text = header.strip().casefold().replace("ı", "i")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).replace("_", " ").split())


_BY_HEADER = {_normal(word): name for name, words in SYNONYMS.items() for word in (*words, name)}
_BY_HEADER.update({_normal(name): name for name in reading.COLUMNS})


def auto_mapping(headers: list[str], known: dict[str, str] | None = None) -> list[str]:
    """The field each header names (a field's own name, a known synonym, or a header of `known`: the
    fields' labels on the page, `_normal` header -> field), "" for none; a field is given to its first
    column only."""
    taken: set[str] = set()
    mapping = []
    for header in headers:
        name = _BY_HEADER.get(_normal(header)) or (known or {}).get(_normal(header), "")
        mapping.append("" if name in taken else name)
        taken.add(name)
    return mapping


# Reading the upload ------------------------------------------------------------------------------------

class UnusableFile(Exception):
    """The upload as a whole cannot be used; its message (a `Msg`) says why, for the admin to read."""


@dataclass
class Upload:
    headers: list[str]
    rows: list[list[str]]
    #: Each row's number as the admin sees it in their program (the header is row 1).
    numbers: list[int]
    #: The uploader's language: how a date that reads two ways (03/04/1999) is read (service.imports.values).
    language: str = "en"


def read_upload(file_name: str, raw: bytes, *, country: str) -> Upload:
    if not raw:
        raise UnusableFile(Msg("The file is empty."))
    is_zip = raw.startswith(b"PK\x03\x04")
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix == "xlsx" or (is_zip and suffix != "csv"):
        if not is_zip:
            raise UnusableFile(Msg("The file is not a readable XLSX workbook."))
        upload = _read_xlsx(raw)
    elif suffix in ("csv", "txt", "") and not is_zip:
        upload = _read_csv(raw, country)
    else:
        raise UnusableFile(Msg("Upload a CSV file or an XLSX workbook (not {kind}).",
                               kind=f".{suffix}" if suffix else file_name))
    if not any(upload.headers):
        raise UnusableFile(Msg("The first row names no columns: it must hold the column headers."))
    if not upload.rows:
        raise UnusableFile(Msg("The file has column headers but no rows of people."))
    return upload


def _read_csv(raw: bytes, country: str) -> Upload:
    try:
        text, _encoding = reading.decode(raw, country=country)
    except reading.UnusableInput:
        raise UnusableFile(Msg("The file is not text in UTF-8 or the usual encoding of the organisation's "
                               "country. Save it as “CSV UTF-8” and upload it again.")) from None
    if "\x00" in text:
        raise UnusableFile(Msg("The file holds binary data: upload a CSV file or an XLSX workbook."))
    first = text.lstrip("\r\n").partition("\n")[0]
    delimiter = reading.sniff_delimiter(first, ";" if first.count(";") else ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows, numbers = [], []
    try:
        for cells in reader:
            if not "".join(cells).strip():
                continue
            if headers is None:
                headers = [cell.strip() for cell in cells]
                continue
            rows.append(cells)
            numbers.append(reader.line_num)
            if len(rows) > MAX_ROWS:
                raise UnusableFile(_too_many())
    except csv.Error:
        raise UnusableFile(Msg("Row {row} of the file cannot be read as CSV (a quote left open?).",
                               row=reader.line_num)) from None
    return _trimmed(headers or [], rows, numbers)


def _read_xlsx(raw: bytes) -> Upload:
    import openpyxl  # only for workbooks

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as error:
        log.info("an unreadable workbook was uploaded: %s", error.__class__.__name__)
        raise UnusableFile(Msg("The file is not a readable XLSX workbook.")) from None
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        log.info("an unreadable workbook was uploaded: %s", error.__class__.__name__)
        raise UnusableFile(Msg("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        headers: list[str] | None = None
        rows, numbers = [], []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if not "".join(cells).strip():
                continue
            if headers is None:
                headers = [cell.strip() for cell in cells]
                continue
            rows.append(cells)
            numbers.append(number)
            if len(rows) > MAX_ROWS:
                raise UnusableFile(_too_many())
    except UnusableFile:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged sheet inside a sound zip
        log.info("an unreadable worksheet was uploaded: %s", error.__class__.__name__)
        raise UnusableFile(Msg("The file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()
    return _trimmed(headers or [], rows, numbers)


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold: dates as ISO dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _too_many() -> Msg:
    return Msg("The file has more than {max} rows. Split it into smaller files, or ask your system "
               "administrator to import it with the command `pathways import trainees`.", max=f"{MAX_ROWS:,}")


def _trimmed(headers: list[str], rows: list[list[str]], numbers: list[int]) -> Upload:
    """Without the empty columns at the right of the header (spreadsheets leave some), each row as long
    as the header (cells beyond it dropped when empty)."""
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    shaped = []
    for cells in rows:
        cells = [cell.replace("\r\n", " ").replace("\n", " ").replace("\r", " ") for cell in cells]
        extra = cells[width:]
        shaped.append(cells[:width] + [""] * (width - len(cells)) + ([] if not "".join(extra).strip() else extra))
    return Upload(headers, shaped, numbers)


# Jobs ----------------------------------------------------------------------------------------------------

def _seal(pathways: Pathways, organisation_id: uuid.UUID, upload: Upload) -> bytes:
    return pathways.vault.encrypt(organisation_id, json.dumps(
        {"headers": upload.headers, "rows": upload.rows, "numbers": upload.numbers, "language": upload.language},
        ensure_ascii=False))


def opened(pathways: Pathways, job: ImportJob) -> Upload:
    data = json.loads(pathways.vault.decrypt(job.organisation_id, job.payload))
    return Upload(data["headers"], data["rows"], data["numbers"], data.get("language", "en"))


def create(pathways: Pathways, principal: Principal, file_name: str, upload: Upload,
           known: dict[str, str] | None = None) -> uuid.UUID:
    principal.require(ADMIN_ONLY)
    with pathways.uow(actor_id=principal.user_id) as uow:
        job = ImportJob(organisation_id=principal.organisation_id, created_by=principal.user_id,
                        file_name=(file_name or "import")[:255], status=DRAFT,
                        payload=_seal(pathways, principal.organisation_id, upload),
                        mapping=auto_mapping(upload.headers, known), import_anyway=[], rows_total=len(upload.rows),
                        problems=[])
        uow.session.add(job)
        uow.commit()
        return job.id


def get(uow: UnitOfWork, principal: Principal, job_id: uuid.UUID) -> ImportJob:
    """The organisation's job (another organisation's answers NotFound, as a missing one does)."""
    principal.require(ADMIN_ONLY)
    with uow:
        job = uow.session.get(ImportJob, job_id)
        if job is None or job.organisation_id != principal.organisation_id:
            raise NotFound(Msg("Import not found."))
        uow.session.expunge(job)
        return job


def recent(uow: UnitOfWork, principal: Principal, limit: int = 20) -> list[ImportJob]:
    principal.require(ADMIN_ONLY)
    with uow:
        jobs = list(uow.session.scalars(select(ImportJob).where(
            ImportJob.organisation_id == principal.organisation_id).order_by(ImportJob.created_at.desc())
            .limit(limit)))
        uow.session.expunge_all()
        return jobs


def save_mapping(uow: UnitOfWork, principal: Principal, job_id: uuid.UUID, mapping: list[str]) -> None:
    """Keep the admin's mapping (one field or "" per column) of a draft; refused (ValidationFailed, by
    column index) when a field is chosen twice, an unknown one is sent, or a required one is missing."""
    job = get(uow, principal, job_id)
    errors: dict[str, list] = {}
    seen: dict[str, int] = {}
    for index, name in enumerate(mapping):
        if name and name not in reading.COLUMNS:
            errors[f"column-{index}"] = [Msg("Not a field of a person.")]
        elif name in seen:
            errors[f"column-{index}"] = [Msg("This field is chosen for another column already.")]
        elif name:
            seen[name] = index
    missing = [name for name in reading.REQUIRED_COLUMNS if name not in seen]
    if missing:
        errors["_form"] = [Msg("Choose a column for every required field; missing: {fields}.",
                               fields=", ".join(missing))]
    if errors:
        raise ValidationFailed(errors)
    if job.status != DRAFT:
        return
    with uow:
        uow.session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == DRAFT)
                            .values(mapping=mapping, updated_at=utcnow()))
        uow.commit()


def mapped_columns(mapping: list[str]) -> list[tuple[int, str]]:
    return [(index, name) for index, name in enumerate(mapping) if name]


# Preview -------------------------------------------------------------------------------------------------

@dataclass
class RowProblem:
    field: str
    value: str
    messages: tuple


@dataclass
class Match:
    trainee_id: uuid.UUID
    given_name: str
    family_name: str
    birth_date: date
    reason: str


@dataclass
class Duplicate:
    index: int
    number: int
    given_name: str
    family_name: str
    birth_date: date | None
    kind: str
    matches: list[Match] = field(default_factory=list)
    #: The earlier row of the file it repeats (REPEATED).
    repeats: int | None = None


@dataclass
class Preview:
    headers: list[str]
    mapping: list[str]
    numbers: list[int]
    rows: list[list[str]]
    #: Row index -> what is wrong with it (invalid rows only).
    problems: dict[int, list[RowProblem]]
    duplicates: list[Duplicate]
    #: The upload's language, which decided how its dates that read two ways were read.
    language: str = "en"

    @property
    def valid(self) -> int:
        return len(self.rows) - len(self.problems)

    @property
    def likely(self) -> list[Duplicate]:
        return [duplicate for duplicate in self.duplicates if duplicate.kind == LIKELY]


def _table(upload: Upload, mapping: list[str], extra: dict[int, list[str]] | None = None) -> reading.Table:
    """The mapped cells as the engine reads a file (one physical line per row: row index i is line i + 2);
    `extra` adds ids to rows' `not_duplicate_of`."""
    chosen = mapped_columns(mapping)
    columns = [name for _index, name in chosen]
    confirmed_at = columns.index(matching.CONFIRMED) if matching.CONFIRMED in columns else None
    if extra and confirmed_at is None:
        columns.append(matching.CONFIRMED)
        confirmed_at = len(columns) - 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for index, cells in enumerate(upload.rows):
        row = [cells[position] if position < len(cells) else "" for position, _name in chosen]
        if len(cells) > len(upload.headers):
            row += cells[len(upload.headers):]  # reported as a row of too many cells
        elif confirmed_at is not None:
            row += [""] * (len(columns) - len(row))
            if extra and index in extra:
                row[confirmed_at] = " ".join([row[confirmed_at], *extra[index]]).strip()
        writer.writerow(row)
    text = out.getvalue()
    return reading.Table(encoding="utf-8", delimiter=",", columns=tuple(columns), header_lines=1,
                         lines=len(upload.rows), _text=text, language=upload.language)


def _organisation(uow: UnitOfWork, organisation_id: uuid.UUID) -> Organisation:
    with uow:
        organisation = uow.session.get(Organisation, organisation_id)
        uow.session.expunge(organisation)
        return organisation


def _checker(pathways: Pathways, organisation: Organisation) -> Checker:
    with pathways.session_factory() as session:
        active = tuple(entry.key for entry in groups.vocabulary(session, organisation.id) if entry.active)
    return Checker(pathways.vault, organisation.id, organisation.national_id_scheme,
                   clock.today(organisation.time_zone), groups=active)


def preview(pathways: Pathways, principal: Principal, job: ImportJob) -> Preview:
    """Every row checked as the import will check it, and the rows that are, or may be, someone registered."""
    principal.require(ADMIN_ONLY)
    upload = opened(pathways, job)
    organisation = _organisation(pathways.uow(), job.organisation_id)
    checker = _checker(pathways, organisation)
    table = _table(upload, job.mapping)
    problems: dict[int, list[RowProblem]] = {}
    candidates: dict[int, Candidate] = {}
    positions = {name: index for index, name in mapped_columns(job.mapping)}
    for first, last, cells in table.rows():
        index = first - 2
        checked = checker.check(reading.record(first, last, table.columns, cells, language=table.language))
        if isinstance(checked, Candidate):
            candidates[index] = checked
        else:
            problems[index] = [_row_problem(problem, upload.rows[index], positions) for problem in checked]
    return Preview(upload.headers, job.mapping, upload.numbers, upload.rows, problems,
                   _duplicates(pathways, organisation.id, upload, candidates), upload.language)


def _row_problem(problem: Problem, cells: list[str], positions: dict[str, int]) -> RowProblem:
    position = positions.get(problem.field)
    value = cells[position] if position is not None and position < len(cells) else ""
    return RowProblem(problem.field, value.strip(), problem.messages or (problem.reason,))


def _duplicates(pathways: Pathways, organisation_id: uuid.UUID, upload: Upload,
                candidates: dict[int, Candidate]) -> list[Duplicate]:
    found: list[Duplicate] = []
    indexes = sorted(candidates)

    def duplicate(index: int, kind: str, **more) -> Duplicate:
        data = candidates[index].data
        return Duplicate(index, upload.numbers[index], data["given_name"], data["family_name"], data["birth_date"],
                         kind, **more)

    with pathways.uow() as uow:
        session = uow.session
        fingerprints = [candidates[i].fingerprint for i in indexes if candidates[i].fingerprint]
        registered = _registered(session, organisation_id, fingerprints) if fingerprints else {}
        people = {}
        if registered:
            people = {trainee.id: trainee for trainee in session.scalars(
                select(Trainee).where(Trainee.organisation_id == organisation_id,
                                      Trainee.id.in_(set(registered.values()))))}
        first_of: dict[str, int] = {}
        rest = []
        for index in indexes:
            fingerprint = candidates[index].fingerprint
            if fingerprint in registered:
                trainee = people.get(registered[fingerprint])
                found.append(duplicate(index, REGISTERED, matches=[] if trainee is None else [
                    Match(trainee.id, trainee.given_name, trainee.family_name, trainee.birth_date, "national_id")]))
            elif fingerprint is not None and fingerprint in first_of:
                found.append(duplicate(index, REPEATED, repeats=upload.numbers[first_of[fingerprint]]))
            else:
                if fingerprint is not None:
                    first_of[fingerprint] = index
                rest.append(index)
        if rest:
            data = [candidates[index].data for index in rest]
            matches = matching.match_rows(
                session, organisation_id, birth_dates=[d["birth_date"] for d in data],
                normal_names=[names.normalise(d["given_name"], d["family_name"]) for d in data],
                national=[candidates[index].fingerprint is not None for index in rest],
                confirmed=[list(d.get(matching.CONFIRMED, ())) for d in data])
            ids = {trainee_id for unconfirmed in matches.unconfirmed.values() for trainee_id, _ in unconfirmed}
            people = {trainee.id: trainee for trainee in session.scalars(select(Trainee).where(
                Trainee.organisation_id == organisation_id, Trainee.id.in_(ids)))} if ids else {}
            for position, unconfirmed in sorted(matches.unconfirmed.items()):
                found.append(duplicate(rest[position], LIKELY, matches=[
                    Match(people[trainee_id].id, people[trainee_id].given_name, people[trainee_id].family_name,
                          people[trainee_id].birth_date, reason)
                    for trainee_id, reason in unconfirmed if trainee_id in people]))
    return sorted(found, key=lambda duplicate: duplicate.index)


# Starting and running ------------------------------------------------------------------------------------

def start(uow: UnitOfWork, principal: Principal, job_id: uuid.UUID, import_anyway: dict[int, list[str]]) -> bool:
    """Queue a draft for a worker, with the likely duplicates to import all the same (row index -> the
    registered people's ids it is not); False when it was started already (a form sent twice)."""
    get(uow, principal, job_id)
    with uow:
        result = uow.session.execute(update(ImportJob).where(
            ImportJob.id == job_id, ImportJob.organisation_id == principal.organisation_id,
            ImportJob.status == DRAFT).values(
            status=QUEUED, import_anyway=[[index, ids] for index, ids in sorted(import_anyway.items())],
            updated_at=utcnow()))
        uow.commit()
        return result.rowcount == 1


def _takeable(now: datetime):
    return or_(ImportJob.status == QUEUED,
               and_(ImportJob.status == RUNNING, ImportJob.updated_at < now - STALE_AFTER))


def claim_next(pathways: Pathways) -> uuid.UUID | None:
    """Take the oldest queued job (or one whose worker stopped reporting) for this worker; None if none.
    Competing workers race on a conditional update: one of them wins it."""
    now = utcnow()
    with pathways.uow() as uow:
        job_id = uow.session.scalar(select(ImportJob.id).where(_takeable(now)).order_by(ImportJob.created_at)
                                    .limit(1))
        if job_id is None:
            return None
        result = uow.session.execute(update(ImportJob).where(ImportJob.id == job_id, _takeable(now)).values(
            status=RUNNING, started_at=now, updated_at=now, processed=0))
        uow.commit()
        return job_id if result.rowcount == 1 else None


def run(pathways: Pathways, job_id: uuid.UUID, *, on_batch: Callable[[], None] | None = None) -> None:
    """Import a claimed job's rows with the engine of `pathways import trainees`, storing its progress after
    every batch and its outcome at the end; a failure marks the job failed (its committed batches stay)."""
    with pathways.uow() as uow:
        job = uow.session.get(ImportJob, job_id)
        uow.session.expunge(job)
    try:
        upload = opened(pathways, job)
        organisation = _organisation(pathways.uow(), job.organisation_id)
        extra = {int(index): [str(i) for i in ids] for index, ids in job.import_anyway}
        table = _table(upload, job.mapping, extra)
        stored: list[list] = []

        def progress(last_line: int, problems: list[Problem]) -> None:
            stored.extend([problem.line - 2, problem.field, _kind(problem), _serialised(problem)]
                          for problem in problems)
            # Every row not imported has a problem at least: the counts so far follow from them.
            invalid = {index for index, _field, kind, _messages in stored if kind == "invalid"}
            skipped = {index for index, _field, _kind, _messages in stored} - invalid
            with pathways.uow() as uow:
                uow.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
                    processed=last_line - 1, imported=last_line - 1 - len(invalid) - len(skipped),
                    invalid=len(invalid), duplicates=len(skipped), problems=list(stored), updated_at=utcnow()))
                uow.commit()
            if on_batch is not None:
                on_batch()

        summary = import_trainees(pathways, organisation, table, batch_size=BATCH_SIZE, processes=1,
                                  actor_id=job.created_by, on_batch=progress)
        values: dict[str, Any] = dict(status=DONE, processed=summary.rows, imported=summary.imported,
                                      duplicates=summary.duplicates, invalid=summary.invalid, problems=stored)
    except Exception as error:  # noqa: BLE001 - the job says it failed; the worker goes on
        log.exception("import job %s failed", job_id)
        values = dict(status=FAILED, error=error.__class__.__name__)
    with pathways.uow() as uow:
        uow.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
            finished_at=utcnow(), updated_at=utcnow(), **values))
        uow.commit()


def run_next(pathways: Pathways, *, on_batch: Callable[[], None] | None = None) -> uuid.UUID | None:
    """Claim and run the next job, if any: what a worker does; returns the job's id."""
    job_id = claim_next(pathways)
    if job_id is not None:
        run(pathways, job_id, on_batch=on_batch)
    return job_id


def purge(pathways: Pathways) -> int:
    """Delete the jobs finished more than KEEP_FINISHED ago and the drafts left for KEEP_DRAFTS: their cells
    are people's data (national ids) kept only for the admin to check and fix; returns how many."""
    now = utcnow()
    with pathways.uow() as uow:
        result = uow.session.execute(delete(ImportJob).where(or_(
            and_(ImportJob.status.in_((DONE, FAILED)), ImportJob.finished_at < now - KEEP_FINISHED),
            and_(ImportJob.status == DRAFT, ImportJob.updated_at < now - KEEP_DRAFTS))))
        uow.commit()
        return result.rowcount


def _kind(problem: Problem) -> str:
    if not problem.duplicate:
        return "invalid"
    if problem.field == matching.CONFIRMED:
        return LIKELY if problem.reason.startswith("likely") else REPEATED
    return REGISTERED if "already imported" in problem.reason else REPEATED


def _serialised(problem: Problem) -> list:
    return [_json(message) for message in (problem.messages or (problem.reason,))]


def _json(message: Any) -> Any:
    if isinstance(message, Msg):
        return {"msgid": message.msgid, "params": {key: _json(value) for key, value in message.params.items()}}
    return message if isinstance(message, (int, float)) else str(message)


def message(stored: Any) -> Any:
    """A stored message back as a `Msg` (to translate) or as its text."""
    if isinstance(stored, dict):
        return Msg(stored["msgid"], **{key: message(value) for key, value in stored["params"].items()})
    return stored
