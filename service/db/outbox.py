"""The outbox: events written in the caller's transaction, then leased to relays and marked sent.

Rows arrive with their envelope made (the JSON the relay publishes as it is): this layer stores
envelopes and knows nothing of their schemas (`service.services.events` makes them).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from service.clock import utcnow
from service.db import bulk
from service.db.models.outbox import OutboxMessage

TABLE = OutboxMessage.__table__


def row(*, event_id: uuid.UUID, organisation_id: uuid.UUID, event_type: str, occurred_at: datetime,
        envelope: dict) -> dict:
    """An unpublished outbox row's column values; `envelope` is the event's JSON form."""
    return {"id": event_id, "organisation_id": organisation_id, "type": event_type, "envelope": envelope,
            "occurred_at": occurred_at, "published_at": None, "claimed_until": None, "claim_token": None}


def add(session: Session, rows: list[dict] | list[bytes]) -> None:
    """Write outbox rows (`row`s, or the same encoded by `bulk.row_encoder(TABLE, ...)`) in one statement."""
    bulk.insert_rows(session, TABLE, rows)


def claim(session: Session, *, token: uuid.UUID, lease: timedelta, limit: int) -> list[OutboxMessage]:
    """Lease up to `limit` unpublished rows to one relay, oldest first, in one short transaction.

    PostgreSQL skips rows another relay has locked (FOR UPDATE SKIP LOCKED); SQLite
    serialises writers (BEGIN IMMEDIATE), which is as safe. The caller commits.
    """
    now = utcnow()
    candidates = (
        select(OutboxMessage.id)
        .where(OutboxMessage.published_at.is_(None),
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        # (published_at, id) is ix_outbox_unpublished's order: PostgreSQL reads just the unpublished
        # entries, in id order (all published_at are NULL). Ordered by id alone it walked the primary
        # key from the oldest row, past every published one, in each claim.
        .order_by(OutboxMessage.published_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(candidates))
    if not ids:
        return []
    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                    .values(claimed_until=now + lease, claim_token=token))
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                .order_by(OutboxMessage.id)))


def mark_published(session: Session, *, token: uuid.UUID, ids: list[uuid.UUID]) -> None:
    if ids:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.claim_token == token, OutboxMessage.id.in_(ids))
                        .values(published_at=utcnow(), claimed_until=None))


def renew(session: Session, *, token: uuid.UUID, lease: timedelta) -> None:
    """Extend a live relay's lease on the rows it still holds (unpublished, not taken over meanwhile)."""
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.claim_token == token, OutboxMessage.published_at.is_(None))
                    .values(claimed_until=utcnow() + lease))


def release(session: Session, *, token: uuid.UUID) -> None:
    """Give back what a relay claimed but could not publish, for the next attempt."""
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.claim_token == token, OutboxMessage.published_at.is_(None))
                    .values(claimed_until=None, claim_token=None))


def unpublished_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.published_at.is_(None)))
