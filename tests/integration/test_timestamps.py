"""UTCDateTime: whatever offset a timestamp is written with, it reads back as the same instant in UTC."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from service.db.models import AuditEntry, OutboxMessage

ISTANBUL = timezone(timedelta(hours=3))
BOGOTA = timezone(timedelta(hours=-5))
KATHMANDU = timezone(timedelta(hours=5, minutes=45))
LINE_ISLANDS = timezone(timedelta(hours=14))

#: Late evening in Bogotá is already the next day in UTC; a date-flip catches truncation bugs.
OCCURRED = datetime(2026, 3, 1, 21, 30, 15, 123456, tzinfo=BOGOTA)
PUBLISHED = datetime(2026, 3, 2, 16, 0, 0, 654321, tzinfo=LINE_ISLANDS)


def _outbox_row(occurred_at=OCCURRED, published_at=PUBLISHED) -> OutboxMessage:
    return OutboxMessage(organisation_id=uuid.uuid4(), type="trainee.registered", envelope={},
                         occurred_at=occurred_at, published_at=published_at)


def _write(pathways, record) -> uuid.UUID:
    with pathways.uow() as uow:
        uow.session.add(record)
        uow.commit()
        return record.id


def _read(pathways, model, record_id):
    """A fresh session: the value comes from the database, not from the identity map."""
    with pathways.uow() as uow:
        return uow.session.get(model, record_id)


def _assert_utc(value: datetime, expected: datetime) -> None:
    assert value.tzinfo is not None
    assert value.utcoffset() == timedelta(0)
    assert value == expected
    assert value.isoformat() == expected.astimezone(timezone.utc).isoformat()


def test_outbox_timestamps_read_back_as_the_same_instant_in_utc(pathways):
    row_id = _write(pathways, _outbox_row())

    row = _read(pathways, OutboxMessage, row_id)
    _assert_utc(row.occurred_at, OCCURRED)
    _assert_utc(row.published_at, PUBLISHED)
    assert row.occurred_at.isoformat() == "2026-03-02T02:30:15.123456+00:00"


@pytest.mark.parametrize("offset", [ISTANBUL, KATHMANDU, BOGOTA, timezone.utc], ids=str)
def test_audit_timestamps_read_back_in_utc(pathways, offset):
    written = datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=offset)
    entry_id = _write(pathways, AuditEntry(organisation_id=uuid.uuid4(), action="create",
                                           entity_type="trainees", entity_id=uuid.uuid4(),
                                           changes={}, occurred_at=written))

    _assert_utc(_read(pathways, AuditEntry, entry_id).occurred_at, written)


def test_the_same_timestamp_reads_back_equal_on_sqlite_and_postgresql(sqlite_pathways, pg_pathways):
    on_sqlite = _read(sqlite_pathways, OutboxMessage, _write(sqlite_pathways, _outbox_row()))
    on_postgres = _read(pg_pathways, OutboxMessage, _write(pg_pathways, _outbox_row()))

    assert on_sqlite.occurred_at == on_postgres.occurred_at == OCCURRED
    assert on_sqlite.occurred_at.isoformat() == on_postgres.occurred_at.isoformat()
    assert on_sqlite.published_at.isoformat() == on_postgres.published_at.isoformat()


def test_sqlite_stores_utc_so_text_order_is_time_order(sqlite_pathways):
    """SQLite compares the stored text; it only orders correctly if every value is in UTC."""
    row_id = _write(sqlite_pathways, _outbox_row())
    with sqlite_pathways.engine.connect() as connection:
        stored = connection.execute(text("SELECT occurred_at FROM outbox WHERE id = :id"),
                                    {"id": row_id.hex}).scalar_one()
    assert stored.startswith("2026-03-02 02:30:15.123456")


def test_postgresql_session_time_zone_does_not_leak_into_values(pg_pathways):
    row_id = _write(pg_pathways, _outbox_row())
    with pg_pathways.uow() as uow:
        uow.session.execute(text("SET LOCAL TIME ZONE 'Asia/Tokyo'"))
        row = uow.session.get(OutboxMessage, row_id)
        as_utc = uow.session.scalar(text("SELECT occurred_at AT TIME ZONE 'UTC' FROM outbox WHERE id = :id"),
                                    {"id": row_id})
    _assert_utc(row.occurred_at, OCCURRED)
    assert as_utc == datetime(2026, 3, 2, 2, 30, 15, 123456)


def test_comparisons_with_other_offsets_find_the_same_instant(pathways):
    row_id = _write(pathways, _outbox_row())
    same_instant = OCCURRED.astimezone(KATHMANDU)
    with pathways.uow() as uow:
        exact = uow.session.scalars(select(OutboxMessage.id).where(OutboxMessage.occurred_at == same_instant))
        window = uow.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.occurred_at > (OCCURRED - timedelta(microseconds=1)).astimezone(ISTANBUL),
            OutboxMessage.occurred_at < (OCCURRED + timedelta(microseconds=1)).astimezone(BOGOTA)))
        assert list(exact) == [row_id]
        assert list(window) == [row_id]


def test_naive_datetimes_are_refused_on_write(pathways):
    with pathways.uow() as uow:
        uow.session.add(_outbox_row(occurred_at=datetime(2026, 3, 1, 12, 0)))
        with pytest.raises(StatementError) as raised:
            uow.session.flush()
    assert isinstance(raised.value.orig, ValueError)
    assert "naive" in str(raised.value.orig)


def test_naive_datetimes_are_refused_in_queries(pathways):
    with pathways.uow() as uow:
        with pytest.raises(StatementError) as raised:
            uow.session.scalars(select(OutboxMessage).where(OutboxMessage.occurred_at < datetime(2026, 3, 1)))
    assert isinstance(raised.value.orig, ValueError)
