"""The three rows a checked import row is written as: the trainee, its `trainee.registered` outbox
row and its audit entry, equal to the API's but for ids and times; made where the row was checked.

`Rows` makes them as dicts of column values, for an INSERT; `CopyRows` encodes them for PostgreSQL's
binary COPY as well, so that the importing process has only to send them. Encoding here took 18 µs
a trainee (its three rows) where psycopg's `Copy.write_row` took 40 on the same dicts (a dumper per
value, `json.dumps` through psycopg's Json wrapper, SQLAlchemy's bind processors); making the
dicts, 28 µs where it took 70.
"""

from __future__ import annotations

import json
import struct
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import JSON, Boolean, Date, LargeBinary, String, Table, Uuid

from service.clock import utcnow
from service.db import audit
from service.db.base import UTCDateTime
from service.db.models import AuditEntry, OutboxMessage, Trainee
from service.db.outbox import add_events
from service.domain import trainees as rules
from service.ids import IdBlock
from service.imports.checking import Candidate
from service.services.pii import NationalIdVault

TABLES = (Trainee.__table__, OutboxMessage.__table__, AuditEntry.__table__)
_TRAINEE_COLUMNS = tuple(Trainee.__table__.columns.keys())
_OUTBOX_COLUMNS = tuple(OutboxMessage.__table__.columns.keys())
_NOT_AUDITED = Trainee.__audit_exclude__ | Trainee.__audit_redact__
#: Values audit._jsonable hands back as they are.
_JSON_AS_IS = frozenset({str, bool, int, float, list, dict, type(None)})


@dataclass
class Made:
    """The valid rows of a batch, column by column (lists of plain values travel between processes
    several times faster than an object per row): their lines, their fingerprints, and, unless
    nothing will be written, the ids and rows (dicts, or COPY rows) of their trainees, outbox rows
    and audit entries."""

    lines: list[int]
    fingerprints: list[str]
    trainee_ids: list[str] = field(default_factory=list)
    trainees: list[dict] | list[bytes] = field(default_factory=list)
    outbox: list[dict] | list[bytes] = field(default_factory=list)
    audit: list[dict] | list[bytes] = field(default_factory=list)

    def select(self, indices: list[int]) -> Made:
        """The rows at these indices (ascending)."""
        if len(indices) == len(self.lines):
            return self  # all of them: the usual case

        def pick(column: list) -> list:
            return [column[index] for index in indices] if column else []

        return Made(pick(self.lines), pick(self.fingerprints), pick(self.trainee_ids), pick(self.trainees),
                    pick(self.outbox), pick(self.audit))


class Rows:
    """Makes the rows of an import's candidates as dicts of column values."""

    def __init__(self, vault: NationalIdVault, organisation_id: uuid.UUID, actor_id: uuid.UUID | None):
        self._vault = vault
        self._organisation_id = organisation_id
        self._actor_id = actor_id

    def make(self, candidates: list[Candidate], block: IdBlock) -> Made:
        """The candidates' rows, their ids from `block` (three per candidate, at least)."""
        made = Made([candidate.line for candidate in candidates], [candidate.fingerprint for candidate in candidates])
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
        made.outbox = self._encode(self._outbox_row, _outbox_rows(trainees, ids[count:2 * count], now))
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
        row.update(candidate.data, id=trainee_id, organisation_id=self._organisation_id,
                   national_id_hash=candidate.fingerprint,
                   national_id_ciphertext=self._vault.encrypt(self._organisation_id, candidate.national_id),
                   consent_at=now, created_at=now, updated_at=now)
        return row

    def _audit(self, trainee: dict, known: dict[str, str], entry_id: uuid.UUID, now: datetime) -> dict:
        """The entry the flush hook (service.db.audit) writes for a created trainee: every column but
        the excluded and the redacted ones, as JSON (tests compare the two); `known` holds the JSON
        form of some values already."""
        changes = {key: known[key] if key in known else value if type(value) in _JSON_AS_IS else audit._jsonable(value)
                   for key, value in trainee.items() if key not in _NOT_AUDITED}
        return {"id": entry_id, "organisation_id": trainee["organisation_id"], "actor_id": self._actor_id,
                "action": "create", "entity_type": Trainee.__tablename__, "entity_id": trainee["id"],
                "changes": changes, "occurred_at": now}


class CopyRows(Rows):
    """Makes the rows as rows of PostgreSQL's binary COPY format, text in `encoding` (the connection's)."""

    def __init__(self, vault: NationalIdVault, organisation_id: uuid.UUID, actor_id: uuid.UUID | None,
                 encoding: str):
        super().__init__(vault, organisation_id, actor_id)
        self._trainee_row, self._outbox_row, self._audit_row = (row_encoder(table, encoding) for table in TABLES)


class _Collected(list):
    """Stands in for the session `add_events` adds its outbox rows to (it calls `add_all` only)."""

    add_all = list.extend


def _outbox_rows(trainees: list[dict], event_ids: list[uuid.UUID], now: datetime) -> Iterator[dict]:
    """The outbox rows of the trainees' `trainee.registered` events, as `add_events` writes them.

    The first event is written by `add_events` itself, which checks its payload against the event
    schema and dumps its envelope (about 30 µs). Every row copies that envelope with its own id and
    payload: their payloads hold values of the same vocabularies, which the row schema checked.
    """
    template = None
    for trainee, event_id in zip(trainees, event_ids, strict=True):
        event = rules.registered_event(SimpleNamespace(**trainee))
        if template is None:
            collected = _Collected()
            add_events(collected, [replace(event, occurred_at=now)])
            [message] = collected
            template = {column: getattr(message, column) for column in _OUTBOX_COLUMNS}
        yield {**template, "id": event_id,
               "envelope": {**template["envelope"], "id": str(event_id), "data": event.data}}


# -- PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html) -----

#: What starts a binary COPY's data (signature, flags, header extension length), and what ends it.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"
_NULL = b"\xff\xff\xff\xff"
_INT2 = struct.Struct("!h").pack
_INT4 = struct.Struct("!i").pack
_SIZED_INT4 = struct.Struct("!ii").pack  # a field's length, then the value
_SIZED_INT8 = struct.Struct("!iq").pack
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
_PG_EPOCH_DAY = date(2000, 1, 1).toordinal()
_MICROSECOND = timedelta(microseconds=1)


def row_encoder(table: Table, encoding: str) -> Callable[[dict], bytes]:
    """A function from a dict naming every column of `table` to the row in the binary COPY format,
    each value in its column type's binary form: what an INSERT would store."""
    columns = [(index, column.key, *_value_encoder(column.type, encoding))
               for index, column in enumerate(table.columns)]
    count = _INT2(len(columns))
    # The last value of each column and its encoding: the organisation, the batch's time and the
    # vocabularies repeat from row to row. By identity, and of immutable values only (not JSON).
    last_values: list = [object()] * len(columns)
    last_fields: list[bytes] = [b""] * len(columns)

    def encode(row: dict) -> bytes:
        fields = [count]
        for index, key, encoder, immutable in columns:
            value = row[key]
            if value is last_values[index]:
                fields.append(last_fields[index])
            elif immutable:
                field = last_fields[index] = _NULL if value is None else encoder(value)
                last_values[index] = value
                fields.append(field)
            else:  # JSON: None too, which SQLAlchemy's JSON type stores as JSON null
                fields.append(encoder(value))
        return b"".join(fields)

    return encode


def _value_encoder(type_, encoding: str) -> tuple[Callable[[object], bytes], bool]:
    """The encoder of a column type's values, and whether they are immutable."""
    if isinstance(type_, JSON):
        return _json_encoder(), False
    if isinstance(type_, String):
        def text(value: str) -> bytes:
            data = value.encode(encoding)
            return _INT4(len(data)) + data

        return text, True
    for types, encoder in _ENCODERS:
        if isinstance(type_, types):
            return encoder, True
    raise TypeError(f"no binary COPY encoding for column type {type_!r}")


def _json_encoder() -> Callable[[object], bytes]:
    """JSON text as psycopg's Json sends it (json.dumps: ASCII, its escapes). Lists of strings
    repeat (vulnerable groups): their text is remembered."""
    remembered: dict[tuple[str, ...], bytes] = {}

    def encode(value) -> bytes:
        if type(value) is list:
            try:
                "".join(value)  # strings only: [1] and [True] would be one key
                return remembered[tuple(value)]
            except KeyError:
                if len(remembered) >= 1000:
                    remembered.clear()
                field = remembered[tuple(value)] = encode_text(value)
                return field
            except TypeError:
                pass
        return encode_text(value)

    def encode_text(value) -> bytes:
        data = _dumps(value).encode("ascii")
        return _INT4(len(data)) + data

    return encode


def _json_dumps() -> Callable[[object], str]:
    """json.dumps with its defaults, without the C encoder json.dumps builds anew on every call
    (a third of its cost for a small dict). json.dumps itself where that encoder is not at hand."""
    try:
        from json.encoder import c_make_encoder, encode_basestring_ascii
        make = c_make_encoder(None, json.JSONEncoder().default, encode_basestring_ascii, None, ": ", ", ",
                              False, False, True)

        def dumps(value) -> str:
            return "".join(make(value, 0))

        sample = {"a": ["ı", 1, 2.5, None, True], "b": {"c": "\"\n"}}
        if dumps(sample) == json.dumps(sample) and dumps("x") == json.dumps("x"):
            return dumps
    except (ImportError, TypeError):
        pass
    return json.dumps


_dumps = _json_dumps()


def _timestamp(value: datetime) -> bytes:
    if value.utcoffset() is None:
        raise ValueError("naive datetime given to a UTC column")
    return _SIZED_INT8(8, (value - _PG_EPOCH) // _MICROSECOND)


def _uuid(value: uuid.UUID) -> bytes:
    return b"\x00\x00\x00\x10" + value.bytes


def _boolean(value: bool) -> bytes:
    return b"\x00\x00\x00\x01\x01" if value else b"\x00\x00\x00\x01\x00"


def _date(value: date) -> bytes:
    return _SIZED_INT4(4, value.toordinal() - _PG_EPOCH_DAY)


def _bytes(value: bytes) -> bytes:
    return _INT4(len(value)) + value


_ENCODERS = ((UTCDateTime, _timestamp), (Uuid, _uuid), (Boolean, _boolean), (Date, _date), (LargeBinary, _bytes))
