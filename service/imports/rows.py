"""The three rows a checked import row is written as: the trainee, its `trainee.registered` outbox
row and its audit entry, equal to the API's but for ids and times; made where the row was checked.

The event comes from the domain rule and its outbox row from `service.services.events`, the audit
entry from `service.db.audit`: the code the API's unit of work and flush hook write with.
`Rows` makes them as dicts of column values, for an INSERT; `CopyRows` encodes them for PostgreSQL's
binary COPY as well (`service.db.bulk`), so that the importing process has only to send them.
Encoding here took 18 µs a trainee (its three rows) where psycopg's `Copy.write_row` took 40 on the
same dicts (a dumper per value, `json.dumps` through psycopg's Json wrapper, SQLAlchemy's bind
processors); making the dicts, 28 µs where it took 70.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from service.clock import utcnow
from service.db import audit, bulk, outbox
from service.db.models import Trainee
from service.domain import names
from service.domain import trainees as rules
from service.ids import IdBlock
from service.imports.checking import Candidate
from service.services.events import outbox_rows
from service.services.pii import NationalIdVault

TABLES = (Trainee.__table__, outbox.TABLE, audit.TABLE)
#: A row's column of the people it is not (kept for matching; no column of the trainee).
CONFIRMED = "not_duplicate_of"
_TRAINEE_COLUMNS = tuple(Trainee.__table__.columns.keys())


@dataclass
class Made:
    """The valid rows of a batch, column by column (lists of plain values travel between processes
    several times faster than an object per row): their lines, their fingerprints, and, unless
    nothing will be written, the ids and rows (dicts, or COPY rows) of their trainees, outbox rows
    and audit entries; and what matching compares (service.services.matching): birth dates, normalised
    names and the ids each row's `not_duplicate_of` confirms to be other people."""

    lines: list[int]
    fingerprints: list[str | None]  # None: a person without any document
    trainee_ids: list[str] = field(default_factory=list)
    trainees: list[dict] | list[bytes] = field(default_factory=list)
    outbox: list[dict] | list[bytes] = field(default_factory=list)
    audit: list[dict] | list[bytes] = field(default_factory=list)
    birth_dates: list[date] = field(default_factory=list)
    normal_names: list[str] = field(default_factory=list)
    confirmed: list[list[uuid.UUID]] = field(default_factory=list)

    @classmethod
    def of(cls, candidates: list[Candidate]) -> Made:
        """The candidates' lines, fingerprints and matching columns (their rows are made by `Rows.make`)."""
        return cls([c.line for c in candidates], [c.fingerprint for c in candidates],
                   birth_dates=[c.data["birth_date"] for c in candidates],
                   normal_names=[names.normalise(c.data["given_name"], c.data["family_name"]) for c in candidates],
                   confirmed=[list(c.data.get(CONFIRMED, ())) for c in candidates])

    def select(self, indices: list[int]) -> Made:
        """The rows at these indices (ascending)."""
        if len(indices) == len(self.lines):
            return self  # all of them: the usual case

        def pick(column: list) -> list:
            return [column[index] for index in indices] if column else []

        return Made(pick(self.lines), pick(self.fingerprints), pick(self.trainee_ids), pick(self.trainees),
                    pick(self.outbox), pick(self.audit), pick(self.birth_dates), pick(self.normal_names),
                    pick(self.confirmed))


class Rows:
    """Makes the rows of an import's candidates as dicts of column values."""

    def __init__(self, vault: NationalIdVault, organisation_id: uuid.UUID, actor_id: uuid.UUID | None):
        self._vault = vault
        self._organisation_id = organisation_id
        self._actor_id = actor_id

    def make(self, candidates: list[Candidate], block: IdBlock) -> Made:
        """The candidates' rows, their ids from `block` (three per candidate, at least)."""
        made = Made.of(candidates)
        if not candidates:
            return made
        now = utcnow()
        count = len(candidates)
        if block.count < 3 * count:
            raise ValueError(f"{block.count} ids for the rows of {count} trainees")
        ids = block.ids(3 * count)  # trainees, then their events, then their audit entries
        trainees = [self._trainee(candidate, trainee_id, now) for candidate, trainee_id in zip(candidates, ids)]
        made.trainee_ids = [str(trainee_id) for trainee_id in ids[:count]]
        made.trainees = self._encode(self._trainee_row, trainees)
        made.outbox = self._encode(self._outbox_row, outbox_rows(
            [rules.registered_event(SimpleNamespace(organisation_id=self._organisation_id, id=trainee["id"]))
             for trainee in trainees], ids=ids[count:2 * count], occurred_at=now))
        # The JSON form of what every trainee of the batch shares, made once.
        shared = {"organisation_id": str(self._organisation_id), "consent_at": now.isoformat()}
        made.audit = self._encode(self._audit_row, [
            self._audit(trainee, {**shared, "id": trainee_id}, entry_id, now)
            for trainee, trainee_id, entry_id in zip(trainees, made.trainee_ids, ids[2 * count:])])
        return made

    #: How a table's row is sent: as a dict of column values (CopyRows encodes it).
    _trainee_row = _outbox_row = _audit_row = None

    @staticmethod
    def _encode(encoder: Callable[[dict], bytes] | None, rows: Iterable[dict]) -> list[dict] | list[bytes]:
        return list(rows) if encoder is None else [encoder(row) for row in rows]

    def _trainee(self, candidate: Candidate, trainee_id: uuid.UUID, now: datetime) -> dict:
        row = dict.fromkeys(_TRAINEE_COLUMNS)  # optional fields absent from the file are null
        data = {key: value for key, value in candidate.data.items() if key != CONFIRMED}
        row.update(data, id=trainee_id, organisation_id=self._organisation_id,
                   national_id_hash=candidate.fingerprint,
                   national_id_ciphertext=None if candidate.national_id is None
                   else self._vault.encrypt(self._organisation_id, candidate.national_id),
                   consent_at=now, created_at=now, updated_at=now,
                   normalised_name=names.normalise(candidate.data["given_name"], candidate.data["family_name"]))
        return row

    def _audit(self, trainee: dict, known: dict[str, str], entry_id: uuid.UUID, now: datetime) -> dict:
        """The entry the flush hook writes for a created trainee (tests compare the two); `known` holds
        the JSON form of some values already."""
        return audit.entry(entry_id=entry_id, organisation_id=trainee["organisation_id"], actor_id=self._actor_id,
                           action="create", entity_type=Trainee.__tablename__, entity_id=trainee["id"],
                           changes=audit.created_changes(Trainee, trainee, known), occurred_at=now)


class CopyRows(Rows):
    """Makes the rows as rows of PostgreSQL's binary COPY format, text in `encoding` (the connection's)."""

    def __init__(self, vault: NationalIdVault, organisation_id: uuid.UUID, actor_id: uuid.UUID | None,
                 encoding: str):
        super().__init__(vault, organisation_id, actor_id)
        self._trainee_row, self._outbox_row, self._audit_row = (bulk.row_encoder(table, encoding) for table in TABLES)
