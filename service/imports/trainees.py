"""Importing trainees in bulk: every row judged as `POST /trainees` judges a body, the valid ones
written batch by batch, each batch in one transaction with its outbox events and audit entries.

`services.trainees.register` per row would cost an ORM flush of three objects (trainee, outbox
row, audit entry), about a millisecond a trainee. Here a batch is validated in memory, its
duplicates are found with one query, and its rows are inserted in bulk (COPY on PostgreSQL).
What is written equals the API path's: the event comes from the domain rules and its envelope
from `add_events` (see `_outbox_rows`), and the audit entry holds what the flush hook records
for a created trainee. About half the time goes to checking the rows (TraineeCreateSchema, see
`RowLoader`, and the national-id checksum), half to writing their three rows each.

Re-running an interrupted import resumes it: the rows of committed batches are registered
already, so they are reported as duplicates ("already imported") and inserted once only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice
from types import SimpleNamespace

from marshmallow import Schema, ValidationError
from sqlalchemy import Connection, Table, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from schemas.trainees import TraineeCreateSchema
from service.bootstrap import Pathways
from service.clock import today, utcnow
from service.db import audit
from service.db.models import AuditEntry, Organisation, OutboxMessage, Trainee
from service.db.outbox import add_events
from service.domain import national_ids
from service.domain import trainees as rules
from service.domain.errors import NotFound, ValidationFailed
from service.ids import new_id
from service.imports.reading import Record
from service.services.pii import NationalIdVault

DEFAULT_BATCH_SIZE = 1000
ALREADY_IMPORTED = "already imported"
#: Fingerprints per `IN (...)` list: well under the bound-parameter limits of SQLite and PostgreSQL.
LOOKUP_CHUNK = 5000
#: A batch that lost a race to a concurrent registration is looked at again this often.
ATTEMPTS = 3

#: Fields whose values repeat from row to row (see RowLoader).
REPEATING_FIELDS = ("sex", "district", "settlement_type", "education_level", "labour_status",
                    "vulnerable_groups", "consent")
_FIELD_ORDER = {name: index for index, name in enumerate(TraineeCreateSchema().fields)}

_TRAINEE_COLUMNS = tuple(Trainee.__table__.columns.keys())
_NOT_AUDITED = Trainee.__audit_exclude__ | Trainee.__audit_redact__


@dataclass(frozen=True)
class Problem:
    """A row not imported: invalid, or a duplicate (`duplicate=True`)."""

    line: int
    field: str
    reason: str
    duplicate: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass
class Summary:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    invalid: int = 0
    dry_run: bool = False


@dataclass(frozen=True)
class _Candidate:
    """A valid row: the loaded body without its national id, which is kept apart, canonical."""

    line: int
    data: dict
    national_id: str
    fingerprint: str


@dataclass
class _Seen:
    """The first row of the file with a national id, and the trainee it is (once known)."""

    line: int
    trainee_id: uuid.UUID | None = None


def find_organisation(pathways: Pathways, slug: str) -> Organisation:
    with pathways.uow() as uow:
        organisation = uow.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFound(f"No organisation with slug {slug!r}.")
    return organisation


def import_trainees(pathways: Pathways, organisation: Organisation, records: Iterable[Record], *,
                    dry_run: bool = False, batch_size: int = DEFAULT_BATCH_SIZE,
                    actor_id: uuid.UUID | None = None,
                    on_batch: Callable[[int, list[Problem]], None] | None = None) -> Summary:
    """Import `records`; after each batch `on_batch(last line, its problems by line)` is called.

    With `dry_run` every row is judged (duplicates too) and nothing is written.
    """
    run = _Run(pathways, organisation, dry_run=dry_run, actor_id=actor_id)
    for batch in _batches(records, batch_size):
        problems = run.batch(batch)
        if on_batch is not None:
            on_batch(batch[-1].last_line, problems)
    return run.summary


class _Run:
    """One import: the checks, the first row of each national id in the file, the summary."""

    def __init__(self, pathways: Pathways, organisation: Organisation, *, dry_run: bool,
                 actor_id: uuid.UUID | None):
        self._pathways = pathways
        self._organisation_id = organisation.id
        self._scheme = organisation.national_id_scheme
        self._actor_id = actor_id
        self._today = today()
        self._seen: dict[str, _Seen] = {}  # by fingerprint, over the whole file
        self._loader = RowLoader()
        self.summary = Summary(dry_run=dry_run)

    def batch(self, records: list[Record]) -> list[Problem]:
        self.summary.rows += len(records)
        problems: list[Problem] = []
        first: list[_Candidate] = []
        repeated: list[tuple[_Candidate, _Seen]] = []
        for record in records:
            checked = self._check(record)
            if not isinstance(checked, _Candidate):
                problems.extend(checked)
                self.summary.invalid += 1
            elif (seen := self._seen.get(checked.fingerprint)) is not None:
                repeated.append((checked, seen))
            else:
                self._seen[checked.fingerprint] = _Seen(checked.line)
                first.append(checked)
        problems.extend(self._store(first))
        for candidate, seen in repeated:  # after _store: the trainee of the first row is known by now
            trainee = f" (trainee {seen.trainee_id})" if seen.trainee_id else ""
            problems.append(Problem(candidate.line, "national_id", f"repeats line {seen.line}{trainee}",
                                    duplicate=True))
        self.summary.duplicates += len(repeated)
        return sorted(problems, key=lambda problem: problem.line)

    def _check(self, record: Record) -> _Candidate | list[Problem]:
        """The API's checks in its order (schema, rules, national id), all reported at once."""
        if record.error:
            return [Problem(record.line, "row", record.error)]
        data, errors = self._loader.load(record.body)
        try:
            # Neutral stand-ins for what the schema refused, so that the rules judge the rest.
            rules.check_registration(consent=data.get("consent", True),
                                     birth_date=data.get("birth_date", self._today), today=self._today)
        except ValidationFailed as failed:
            errors.update(failed.errors)
        national_id = data.pop("national_id", None)
        if national_id is not None:
            try:
                national_id = national_ids.normalise(self._scheme, national_id)
            except ValueError as error:  # its message never repeats the number
                errors["national_id"] = [str(error)]
        if errors:
            return [Problem(record.line, field, " ".join(errors[field]))
                    for field in sorted(errors, key=lambda field: _FIELD_ORDER.get(field, -1))]
        return _Candidate(record.line, data, national_id,
                          self._pathways.vault.fingerprint(self._organisation_id, national_id))

    def _store(self, candidates: list[_Candidate]) -> list[Problem]:
        """Insert the candidates not registered yet, in one transaction; report the others."""
        if not candidates:
            return []
        for attempt in range(1, ATTEMPTS + 1):
            with self._pathways.uow(actor_id=self._actor_id) as uow:
                existing = _registered(uow.session, self._organisation_id, [c.fingerprint for c in candidates])
                new = [c for c in candidates if c.fingerprint not in existing]
                if self.summary.dry_run:
                    created = {}
                    break
                try:
                    created = write_batch(uow.session, self._pathways.vault, self._organisation_id, new,
                                          actor_id=self._actor_id)
                    uow.commit()
                    break
                except IntegrityError:
                    # A registration of one of these people committed since the lookup: look again.
                    if attempt == ATTEMPTS:
                        raise
        self.summary.imported += len(created)
        self.summary.duplicates += len(existing)
        problems = []
        for candidate in candidates:
            seen = self._seen[candidate.fingerprint]
            seen.trainee_id = created.get(candidate.fingerprint) or existing.get(candidate.fingerprint)
            if candidate.fingerprint in existing:
                problems.append(Problem(candidate.line, "national_id",
                                        f"{ALREADY_IMPORTED} (trainee {seen.trainee_id})", duplicate=True))
        return problems


class RowLoader:
    """TraineeCreateSchema's load of a row's body, in two parts: the fields whose values repeat from
    row to row are loaded once per distinct combination of values, which saves a third of the cost of
    checking a row. The schema's fields are independent (it has no schema-level validator or hook), so
    the two parts give its data and messages exactly; tests compare them with a load of the whole."""

    MEMO_LIMIT = 50_000
    _PERSONAL = TraineeCreateSchema(exclude=REPEATING_FIELDS)
    _REPEATING = TraineeCreateSchema(only=REPEATING_FIELDS)

    def __init__(self) -> None:
        self._loaded: dict[tuple, tuple[dict, dict]] = {}

    def load(self, body: dict) -> tuple[dict, dict[str, list[str]]]:
        """The loaded data (the valid fields only, when some are not) and the messages by field."""
        data, errors = _load(self._PERSONAL, {key: value for key, value in body.items()
                                              if key not in REPEATING_FIELDS})
        key = tuple((field, _hashable(body[field])) for field in REPEATING_FIELDS if field in body)
        if (loaded := self._loaded.get(key)) is None:
            if len(self._loaded) >= self.MEMO_LIMIT:
                self._loaded.clear()
            loaded = self._loaded[key] = _load(self._REPEATING, {field: body[field] for field in REPEATING_FIELDS
                                                                  if field in body})
        data.update(loaded[0])
        errors.update(loaded[1])
        return data, errors


def write_batch(session: Session, vault: NationalIdVault, organisation_id: uuid.UUID,
                candidates: list[_Candidate], *, actor_id: uuid.UUID | None) -> dict[str, uuid.UUID]:
    """Insert the trainees, their `trainee.registered` events and their audit entries in the
    session's transaction; returns the new trainees' ids by fingerprint."""
    if not candidates:
        return {}
    now = utcnow()
    trainees = [_trainee_row(candidate, vault, organisation_id, now) for candidate in candidates]
    insert_rows(session, Trainee.__table__, trainees)
    # Generators: on PostgreSQL the server stores each chunk while the next one is being made.
    insert_rows(session, OutboxMessage.__table__, _outbox_rows(trainees, now))
    insert_rows(session, AuditEntry.__table__, (_audit_row(row, actor_id, now) for row in trainees))
    return {row["national_id_hash"]: row["id"] for row in trainees}


def _trainee_row(candidate: _Candidate, vault: NationalIdVault, organisation_id: uuid.UUID,
                 now: datetime) -> dict:
    row = dict.fromkeys(_TRAINEE_COLUMNS)  # optional fields absent from the file are null
    row.update(candidate.data, id=new_id(), organisation_id=organisation_id,
               national_id_hash=candidate.fingerprint,
               national_id_ciphertext=vault.encrypt(organisation_id, candidate.national_id),
               consent_at=now, created_at=now, updated_at=now)
    return row


class _Collected(list):
    """Stands in for the session `add_events` adds its outbox rows to (it calls `add_all` only)."""

    add_all = list.extend


def _outbox_rows(trainees: list[dict], now: datetime) -> Iterator[dict]:
    """The outbox rows of the trainees' `trainee.registered` events, as `add_events` writes them.

    The first event is written by `add_events` itself, which checks its payload against the event
    schema and dumps its envelope (about 30 µs). The others copy that envelope with their own id and
    payload: their payloads hold values of the same vocabularies, which the row schema checked.
    """
    template = None
    for trainee in trainees:
        event = replace(rules.registered_event(SimpleNamespace(**trainee)), occurred_at=now)
        if template is None:
            collected = _Collected()
            add_events(collected, [event])
            [message] = collected
            template = message.envelope
            yield {column: getattr(message, column) for column in OutboxMessage.__table__.columns.keys()}
            continue
        event_id = new_id()
        yield {"id": event_id, "organisation_id": event.organisation_id, "type": event.type,
               "envelope": {**template, "id": str(event_id), "data": event.data}, "occurred_at": now,
               "published_at": None, "claimed_until": None, "claim_token": None}


def _audit_row(trainee: dict, actor_id: uuid.UUID | None, now: datetime) -> dict:
    """The entry the flush hook (service.db.audit) writes for a created trainee: every column but
    the excluded and the redacted ones, as JSON (tests compare the two)."""
    changes = {key: audit._jsonable(value) for key, value in trainee.items() if key not in _NOT_AUDITED}
    return {"id": new_id(), "organisation_id": trainee["organisation_id"], "actor_id": actor_id,
            "action": "create", "entity_type": Trainee.__tablename__, "entity_id": trainee["id"],
            "changes": changes, "occurred_at": now}


def insert_rows(session: Session, table: Table, rows: Iterable[dict]) -> None:
    """A bulk insert of rows that name every column of `table`, in the session's transaction:
    COPY on PostgreSQL (psycopg), else an executemany INSERT."""
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy(connection, table, rows)
    elif rows := list(rows):
        session.execute(insert(table), rows)


def _copy(connection: Connection, table: Table, rows: Iterable[dict]) -> None:
    """COPY ... FROM STDIN in the binary format: several times faster than INSERT, and cheaper than
    the text format on both sides. Each value passes through its column type's bind processor, as
    an INSERT parameter would (UTC timestamps, JSON)."""
    dialect = connection.dialect
    keys = table.columns.keys()
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in table.columns]
    converted = [(index, process) for index, process in enumerate(processors) if process is not None]
    prepare = dialect.identifier_preparer
    statement = (f"COPY {prepare.format_table(table)} "
                 f"({', '.join(prepare.format_column(column) for column in table.columns)}) FROM STDIN (FORMAT BINARY)")
    driver_connection = connection.connection.driver_connection
    try:
        types = dict(driver_connection.execute(_COLUMN_TYPES, (prepare.format_table(table),)).fetchall())
        with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types([types[key] for key in keys])
            for row in rows:
                values = [row[key] for key in keys]
                for index, process in converted:
                    values[index] = process(values[index])
                copy.write_row(values)
    except dialect.loaded_dbapi.Error as error:
        # Raised as SQLAlchemy raises driver errors (IntegrityError, OperationalError, ...).
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error,
                                  hide_parameters=True, dialect=dialect) from error


#: The binary format names each column's type (by its oid).
_COLUMN_TYPES = ("SELECT attname, atttypid FROM pg_attribute"
                 " WHERE attrelid = CAST(%s AS regclass) AND attnum > 0 AND NOT attisdropped")


def _registered(session: Session, organisation_id: uuid.UUID, fingerprints: list[str]) -> dict[str, uuid.UUID]:
    """The trainees of the organisation with one of these national-id fingerprints, by fingerprint."""
    if session.connection().dialect.name == "postgresql":
        return dict(session.execute(_PG_LOOKUP, {"organisation_id": organisation_id,
                                                 "fingerprints": fingerprints}).all())
    found: dict[str, uuid.UUID] = {}
    for start in range(0, len(fingerprints), LOOKUP_CHUNK):
        stmt = select(Trainee.national_id_hash, Trainee.id).where(
            Trainee.organisation_id == organisation_id,
            Trainee.national_id_hash.in_(fingerprints[start:start + LOOKUP_CHUNK]))
        found.update(session.execute(stmt).all())
    return found


#: One probe of the (organisation, fingerprint) unique index per fingerprint. With `IN (...)` the
#: planner may scan all the organisation's trainees instead, and does while a large import
#: outgrows the table's statistics: each batch would then cost more than the one before.
_PG_LOOKUP = text(
    "SELECT found.national_id_hash, found.id FROM unnest(CAST(:fingerprints AS varchar[])) AS wanted(fingerprint)"
    " CROSS JOIN LATERAL (SELECT trainees.national_id_hash, trainees.id FROM trainees"
    " WHERE trainees.organisation_id = :organisation_id AND trainees.national_id_hash = wanted.fingerprint)"
    " AS found")


def _load(schema: Schema, body: dict) -> tuple[dict, dict[str, list[str]]]:
    try:
        return schema.load(body), {}
    except ValidationError as error:
        return dict(error.valid_data or {}), {field: _messages(messages) for field, messages in error.messages.items()}


def _messages(messages) -> list[str]:
    """marshmallow's messages of one field as sentences; a list field's are keyed by item index."""
    if isinstance(messages, dict):
        return [f"item {int(index) + 1}: {message}" for index, nested in messages.items()
                for message in _messages(nested)]
    return [messages] if isinstance(messages, str) else [str(message) for message in messages]


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch
