"""Importing trainees in bulk: every row judged as `POST /trainees` judges a body, the valid ones
written batch by batch, each batch in one transaction with its outbox events and audit entries.

`services.trainees.register` per row would cost an ORM flush of three objects (trainee, outbox
row, audit entry), about a millisecond a trainee. Here a batch is checked in memory
(service.imports.checking), its rows are made ready for PostgreSQL's binary COPY
(service.imports.rows), its duplicates are found with one query, and each of its three tables
gets one COPY. What is written equals the API path's, and is written by the same code: the event
comes from the domain rules, its outbox row from `service.services.events` and its audit entry from
`service.db.audit`, and each table's rows go through `service.db.bulk` (a COPY here).

Where the time goes (py-spy over 100,000 rows of bench/datafiles.py on PostgreSQL, 2 CPUs):
checking and making rows is three quarters of the import's CPU, so it runs in worker processes
(service.imports.batches). Of all samples, the workers' schema fields take 19 % (marshmallow; the
values that repeat from row to row are loaded once, see RowLoader), the national-id checksum 10 %
(python-stdnum), building the three rows' values 15 %, their COPY encoding 8 %, ids 7 %, the event's
and audit entry's JSON 6 %, the HMAC and AES-GCM 4 %, and sending batches between processes 8 %.
This process spends 7 % writing (the lookup, the COPY, the commit: mostly waiting for PostgreSQL,
which stores the three rows and their nine index entries in about 30 µs of its own CPU a trainee),
3 % reading the CSV and 4 % starting up. Before (one process, a whole-schema load per row, dicts
through psycopg's `write_row`), schema fields took 29 % of the samples, building rows 16 %, writing 11 %.

Re-running an interrupted import resumes it: the rows of committed batches are registered
already, so they are reported as duplicates ("already imported") and inserted once only.
"""
from __future__ import annotations

import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import clock
from service.bootstrap import Pathways
from service.db import audit, bulk, outbox
from service.db.models import Organisation, Trainee, TraineeDocument
from service.domain.errors import NotFound
from service.imports import batches
from service.imports.checking import Checker, Problem
from service.imports.reading import Table as CsvTable
from service.imports.rows import CopyRows, Made, Rows
from service.services import groups, matching
from service.domain.messages import Msg

__all__ = ["DEFAULT_BATCH_SIZE", "Problem", "Summary", "find_organisation", "import_trainees", "write_batch"]

DEFAULT_BATCH_SIZE = 1000
ALREADY_IMPORTED = "already imported"
#: What a row is told when it may be someone registered (or a row before it) without a national id to tell.
LIKELY_DUPLICATE = ("likely duplicate of trainee {ids} (same birth date, {reasons}): to load it all the same, "
                    "list the ids in its not_duplicate_of column")
REPEATED_PERSON = "repeats line {line} (the same name and birth date, no national id on both)"
#: Fingerprints per `IN (...)` list: well under the bound-parameter limits of SQLite and PostgreSQL.
LOOKUP_CHUNK = 5000
#: A batch that lost a race to a concurrent registration is looked at again this often.
ATTEMPTS = 3


@dataclass
class Summary:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    invalid: int = 0
    dry_run: bool = False


@dataclass
class _Seen:
    """The first row of the file with a national id, and the trainee it is (once known)."""

    line: int
    trainee_id: str | None = None


def find_organisation(pathways: Pathways, slug: str) -> Organisation:
    with pathways.uow() as uow:
        organisation = uow.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFound(Msg("No organisation with slug {slug}.", slug=repr(slug)))
    return organisation


def import_trainees(pathways: Pathways, organisation: Organisation, table: CsvTable, *,
                    dry_run: bool = False, batch_size: int = DEFAULT_BATCH_SIZE,
                    actor_id: uuid.UUID | None = None, processes: int | None = None,
                    on_batch: Callable[[int, list[Problem]], None] | None = None) -> Summary:
    """Import the rows of `table`; after each batch `on_batch(last line, its problems by line)` is
    called. `processes` check rows while this one writes (default: one per CPU, for files of more
    than a batch; 1 checks them here).

    With `dry_run` every row is judged (duplicates too) and nothing is written.
    """
    with pathways.session_factory() as session:
        active = tuple(entry.key for entry in groups.vocabulary(session, organisation.id) if entry.active)
    checker = Checker(pathways.vault, organisation.id, organisation.national_id_scheme,
                      clock.today(organisation.time_zone), groups=active)
    preparation = batches.Preparation(table.columns, checker,
                                      None if dry_run else _row_maker(pathways, organisation.id, actor_id),
                                      language=table.language)
    if processes is None:
        processes = batches.available_cpus() if table.lines > batch_size else 1
    run = _Run(pathways, organisation, dry_run=dry_run, actor_id=actor_id)
    with batches.prepared(preparation, table.rows(), batch_size=batch_size, processes=processes) as prepared:
        for batch in prepared:
            problems = run.batch(batch)
            if on_batch is not None:
                on_batch(batch.last_line, problems)
    return run.summary


def _row_maker(pathways: Pathways, organisation_id: uuid.UUID, actor_id: uuid.UUID | None) -> Rows:
    """Rows for PostgreSQL's binary COPY where it is at hand (psycopg), else dicts for an INSERT."""
    with pathways.uow() as uow:
        connection = uow.session.connection()
        if bulk.can_copy(connection):
            return CopyRows(pathways.vault, organisation_id, actor_id, bulk.copy_encoding(connection))
    return Rows(pathways.vault, organisation_id, actor_id)


class _Run:
    """One import's writing: the first row of each national id in the file, and the summary."""

    def __init__(self, pathways: Pathways, organisation: Organisation, *, dry_run: bool,
                 actor_id: uuid.UUID | None):
        self._pathways = pathways
        self._organisation_id = organisation.id
        self._actor_id = actor_id
        self._seen: dict[str, _Seen] = {}  # by fingerprint, over the whole file
        #: (birth date, normalised name) of the rows stored or judged, with their line and whether they hold a
        #: national id: a later row of the same person without one is a repeat (service.services.matching).
        self._people: dict[tuple, tuple[int, bool]] = {}
        self.summary = Summary(dry_run=dry_run)

    def batch(self, batch: batches.Prepared) -> list[Problem]:
        self.summary.rows += batch.rows
        self.summary.invalid += batch.invalid
        problems = list(batch.problems)
        valid = batch.valid
        first: list[int] = []  # indices in `valid`
        repeated: list[tuple[int, _Seen]] = []
        for index, fingerprint in enumerate(valid.fingerprints):
            if fingerprint is None:  # without a document: no number to repeat
                first.append(index)
            elif (seen := self._seen.get(fingerprint)) is not None:
                repeated.append((index, seen))
            else:
                self._seen[fingerprint] = _Seen(valid.lines[index])
                first.append(index)
        problems.extend(self._store(valid.select(first)))
        for index, seen in repeated:  # after _store: the trainee of the first row is known by now
            trainee = f" (trainee {seen.trainee_id})" if seen.trainee_id else ""
            problems.append(Problem(valid.lines[index], "national_id", f"repeats line {seen.line}{trainee}",
                                    duplicate=True))
        self.summary.duplicates += len(repeated)
        return sorted(problems, key=lambda problem: problem.line)

    def _store(self, candidates: Made) -> list[Problem]:
        """Insert the candidates not registered yet, in one transaction; report the others."""
        if not candidates.fingerprints:
            return []
        with _interrupt_after():
            for attempt in range(1, ATTEMPTS + 1):
                with self._pathways.uow(actor_id=self._actor_id) as uow:
                    existing = _registered(uow.session, self._organisation_id,
                                           [fingerprint for fingerprint in candidates.fingerprints if fingerprint])
                    matches = self._matches(uow.session, candidates, existing)
                    if self.summary.dry_run:
                        created, written = {}, 0
                        break
                    try:
                        kept = [index for index, fingerprint in enumerate(candidates.fingerprints)
                                if fingerprint not in existing and index not in matches]
                        stored = candidates.select(kept)
                        created, written = write_batch(uow.session, stored), len(stored.lines)
                        for position, index in enumerate(kept):
                            if confirmed := matches.confirmed.get(index):
                                matching.record_distinct(uow.session, self._organisation_id,
                                                         uuid.UUID(stored.trainee_ids[position]), confirmed,
                                                         self._actor_id)
                        uow.commit()
                        break
                    except IntegrityError:
                        # A registration of one of these people committed since the lookup: look again.
                        if attempt == ATTEMPTS:
                            raise
        self.summary.imported += written  # `created` has no key for people without a document
        self.summary.duplicates += len(existing) + len(matches)
        problems = [Problem(candidates.lines[index], matching.CONFIRMED, reason, duplicate=True)
                    for index, reason in matches.items()]
        for line, fingerprint in zip(candidates.lines, candidates.fingerprints):
            if fingerprint is None:
                continue
            seen = self._seen[fingerprint]
            if fingerprint in existing:
                seen.trainee_id = str(existing[fingerprint])
                problems.append(Problem(line, "national_id", f"{ALREADY_IMPORTED} (trainee {seen.trainee_id})",
                                        duplicate=True))
            else:
                seen.trainee_id = created.get(fingerprint)
        return problems


    def _matches(self, session: Session, candidates: Made, existing: dict) -> _Matches:
        """The rows (by index) that may be a registered person or an earlier row of the file, with what
        to tell them; and the confirmations to record with the others."""
        national = [fingerprint is not None for fingerprint in candidates.fingerprints]
        found = matching.match_rows(session, self._organisation_id, birth_dates=candidates.birth_dates,
                                    normal_names=candidates.normal_names, national=national,
                                    confirmed=candidates.confirmed)
        told: dict[int, str] = {}
        for index, unconfirmed in found.unconfirmed.items():
            if candidates.fingerprints[index] not in existing:
                told[index] = LIKELY_DUPLICATE.format(
                    ids=", ".join(str(trainee_id) for trainee_id, _reason in unconfirmed),
                    reasons=", ".join(sorted({reason.replace("_", " ") for _id, reason in unconfirmed})))
        for index, (day, normal, has) in enumerate(zip(candidates.birth_dates, candidates.normal_names, national)):
            if index in told or candidates.fingerprints[index] in existing:
                continue
            earlier = self._people.get((day, normal))
            if earlier is not None and earlier[0] != candidates.lines[index] and not (has and earlier[1]):
                told[index] = REPEATED_PERSON.format(line=earlier[0])
            elif earlier is None or not has:
                self._people[(day, normal)] = (candidates.lines[index], has)
        return _Matches(told, found.confirmed)


class _Matches(dict):
    """Row index -> what the row is told (not loaded); `confirmed`: row index -> ids it is not."""

    def __init__(self, told: dict[int, str], confirmed: dict[int, list[uuid.UUID]]):
        super().__init__(told)
        self.confirmed = {index: ids for index, ids in confirmed.items() if index not in told}


@contextmanager
def _interrupt_after() -> Iterator[None]:
    """A Ctrl-C while a batch is written takes effect once its transaction has ended (a second one
    at once): interrupted mid-statement, psycopg cancels it, and the cancellation or the connection
    left busy would be reported instead of the interruption. Writing is most of what the importing
    process does while other processes check rows."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return
    received = []

    def defer(_signum, _frame) -> None:
        if received:
            raise KeyboardInterrupt
        received.append(True)

    previous = signal.signal(signal.SIGINT, defer)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def write_batch(session: Session, made: Made) -> dict[str, str]:
    """Insert the trainees, their `trainee.registered` events and their audit entries in the
    session's transaction; returns the new trainees' ids by fingerprint."""
    if not made.fingerprints:
        return {}
    bulk.insert_rows(session, Trainee.__table__, made.trainees)
    _add_documents(session, [trainee_id for trainee_id, fingerprint in zip(made.trainee_ids, made.fingerprints)
                             if fingerprint is not None])
    outbox.add(session, made.outbox)
    audit.add(session, made.audit)
    return {fingerprint: trainee_id for fingerprint, trainee_id in zip(made.fingerprints, made.trainee_ids, strict=True)
            if fingerprint is not None}


def _add_documents(session: Session, trainee_ids: list[str]) -> None:
    """Each new national id as a document of the organisation's primary type issued by its country,
    copied from the trainees just written (as migration 0011 did for the ones before it): its id is
    its person's, hash and ciphertext are the trainee's."""
    documents, trainees, organisations = TraineeDocument.__table__, Trainee.__table__, Organisation.__table__
    columns = ("id", "organisation_id", "trainee_id", "type", "issuing_country", "number_hash",
               "number_ciphertext", "created_at", "updated_at")
    for start in range(0, len(trainee_ids), LOOKUP_CHUNK):
        chosen = [uuid.UUID(trainee_id) for trainee_id in trainee_ids[start:start + LOOKUP_CHUNK]]
        session.execute(insert(documents).from_select(columns, select(
            trainees.c.id, trainees.c.organisation_id, trainees.c.id, organisations.c.national_id_scheme,
            func.upper(organisations.c.country), trainees.c.national_id_hash, trainees.c.national_id_ciphertext,
            trainees.c.created_at, trainees.c.created_at,
        ).join(organisations, organisations.c.id == trainees.c.organisation_id).where(trainees.c.id.in_(chosen))))


def _registered(session: Session, organisation_id: uuid.UUID, fingerprints: list[str]) -> dict[str, uuid.UUID]:
    """The trainees of the organisation with one of these national-id fingerprints, by fingerprint."""
    if session.connection().dialect.name == "postgresql":
        found = dict(session.execute(_PG_LOOKUP, {"organisation_id": organisation_id,
                                                  "fingerprints": fingerprints}).all())
        return found | _held_as_documents(session, organisation_id, [f for f in fingerprints if f not in found])
    found: dict[str, uuid.UUID] = {}
    for start in range(0, len(fingerprints), LOOKUP_CHUNK):
        stmt = select(Trainee.national_id_hash, Trainee.id).where(
            Trainee.organisation_id == organisation_id,
            Trainee.national_id_hash.in_(fingerprints[start:start + LOOKUP_CHUNK]))
        found.update(session.execute(stmt).all())
    return found | _held_as_documents(session, organisation_id, [f for f in fingerprints if f not in found])


def _held_as_documents(session: Session, organisation_id: uuid.UUID, fingerprints: list[str]) -> dict[str, uuid.UUID]:
    """The holders of these numbers as documents of another type (a passport, a YKN): the same number."""
    if not fingerprints:
        return {}
    if session.connection().dialect.name == "postgresql":
        return dict(session.execute(_PG_DOCUMENT_LOOKUP, {"organisation_id": organisation_id,
                                                          "fingerprints": fingerprints}).all())
    found: dict[str, uuid.UUID] = {}
    for start in range(0, len(fingerprints), LOOKUP_CHUNK):
        found.update(session.execute(select(TraineeDocument.number_hash, TraineeDocument.trainee_id).where(
            TraineeDocument.organisation_id == organisation_id,
            TraineeDocument.number_hash.in_(fingerprints[start:start + LOOKUP_CHUNK]))).all())
    return found


#: One probe of the (organisation, fingerprint) unique index per fingerprint. With `IN (...)` the
#: planner may scan all the organisation's trainees instead, and does while a large import
#: outgrows the table's statistics: each batch would then cost more than the one before.
_PG_LOOKUP = text(
    "SELECT found.national_id_hash, found.id FROM unnest(CAST(:fingerprints AS varchar[])) AS wanted(fingerprint)"
    " CROSS JOIN LATERAL (SELECT trainees.national_id_hash, trainees.id FROM trainees"
    " WHERE trainees.organisation_id = :organisation_id AND trainees.national_id_hash = wanted.fingerprint)"
    " AS found")

#: As _PG_LOOKUP, probing the documents' (organisation, number hash) index.
_PG_DOCUMENT_LOOKUP = text(
    "SELECT found.number_hash, found.trainee_id FROM unnest(CAST(:fingerprints AS varchar[])) AS wanted(fingerprint)"
    " CROSS JOIN LATERAL (SELECT d.number_hash, d.trainee_id FROM trainee_documents AS d"
    " WHERE d.organisation_id = :organisation_id AND d.number_hash = wanted.fingerprint LIMIT 1) AS found")
