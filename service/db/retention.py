"""Retention: deletes what the pipeline keeps only for a while, because otherwise it grows forever
and holds personal data (event envelopes, stored responses).

Four stores, each with its own rule:

- outbox: rows published longer ago than `outbox_retention_seconds`. An unpublished row is never
  deleted (`published_at < cutoff` is false for NULL), whatever its age.
- inbox (`processed_events`): rows older than `inbox_retention_seconds`. An event redelivered after
  that would be applied again, so the retention must exceed any redelivery delay (minutes).
- idempotency keys: rows older than `idempotency_ttl_seconds`, the time a replay is promised for.
- the embedded queue file (Kombu's SQLAlchemy transport): messages already delivered. Kombu keeps
  them with `visible` false and never reads them again (a requeue stores a new row). SQLite reuses
  the freed pages for later messages (no VACUUM: it would rewrite the file under an exclusive lock
  while the relay and the consumers wait), so the file stops growing at the most messages held
  between two purges; `secure_delete` zeroes the freed content so no payload lingers in the file.

Each store is purged in batches of at most `BATCH` rows, one short transaction each, so no purge
holds locks for long. On PostgreSQL each batch locks its rows with SKIP LOCKED: purges running at
once (several relays) take disjoint rows and never wait for or deadlock with each other; SQLite
serialises writers anyway.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, column, delete, event, false, func, inspect, select, table, tuple_
from sqlalchemy.orm import Session

from service.clock import utcnow
from service.db.models import IdempotencyRecord, OutboxMessage, ProcessedEvent
from service.db.session import make_engine

if TYPE_CHECKING:
    from service.bootstrap import Pathways

BATCH = 10_000
STORES = ("outbox", "inbox", "idempotency", "queue")

#: Kombu's message table (kombu/transport/sqlalchemy/models.py), only the columns a purge needs.
_KOMBU_MESSAGES = table("kombu_message", column("id"), column("visible", Boolean))


def purge(pathways: Pathways, *, dry_run: bool = False, now: datetime | None = None,
          batch: int = BATCH) -> dict[str, int | None]:
    """Delete (or, with `dry_run`, count) each store's rows past their retention.

    Returns {store: rows}; "queue" is None without an embedded queue (RabbitMQ deletes what
    is acked itself).
    """
    now = now or utcnow()
    config = pathways.config
    rules = {
        "outbox": (OutboxMessage.__table__, (OutboxMessage.id,),
                   OutboxMessage.published_at < now - timedelta(seconds=config.outbox_retention_seconds)),
        "inbox": (ProcessedEvent.__table__, (ProcessedEvent.consumer, ProcessedEvent.event_id),
                  ProcessedEvent.processed_at < now - timedelta(seconds=config.inbox_retention_seconds)),
        "idempotency": (IdempotencyRecord.__table__, (IdempotencyRecord.id,),
                        IdempotencyRecord.created_at < now - timedelta(seconds=config.idempotency_ttl_seconds)),
    }
    result: dict[str, int | None] = {store: _purge(pathways.session_factory, *rule, dry_run, batch)
                                     for store, rule in rules.items()}
    result["queue"] = _purge_queue(config.broker_url, dry_run, batch) if config.embedded_broker else None
    return result


def _purge(session_factory, source, keys, expired, dry_run: bool, batch: int) -> int:
    """`keys`: the primary key's columns."""
    if dry_run:
        with session_factory() as session:
            return session.scalar(select(func.count()).select_from(source).where(expired))
    chosen = select(*keys).where(expired).limit(batch).with_for_update(skip_locked=True)
    key = keys[0] if len(keys) == 1 else tuple_(*keys)
    return _in_batches(session_factory, delete(source).where(key.in_(chosen)), batch)


def _in_batches(session_factory, statement, batch: int) -> int:
    """Run `statement` (which deletes at most `batch` rows) in transactions of its own until it
    deletes fewer; returns how many rows went."""
    deleted = 0
    while True:
        with session_factory() as session:
            count = session.execute(statement).rowcount
            session.commit()
        deleted += count
        if count < batch:
            return deleted


def _purge_queue(broker_url: str, dry_run: bool, batch: int) -> int:
    """Delivered messages of the embedded queue file, deleted through an engine of its own."""
    engine = make_engine(broker_url.removeprefix("sqla+"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA secure_delete = ON"))
    try:
        if not inspect(engine).has_table(_KOMBU_MESSAGES.name):
            return 0  # nothing was ever published
        delivered = _KOMBU_MESSAGES.c.visible == false()
        if dry_run:
            with engine.connect() as connection:
                return connection.scalar(select(func.count()).select_from(_KOMBU_MESSAGES).where(delivered))
        chosen = select(_KOMBU_MESSAGES.c.id).where(delivered).limit(batch)
        return _in_batches(lambda: Session(engine), delete(_KOMBU_MESSAGES).where(
            _KOMBU_MESSAGES.c.id.in_(chosen)), batch)
    finally:
        engine.dispose()
