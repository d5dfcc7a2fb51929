"""The outbox: events written in the caller's transaction, then leased to relays and marked sent."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from schemas.events import SCHEMA_VERSION, dump_envelope
from service.clock import utcnow
from service.db.models.outbox import OutboxMessage
from service.domain.events import DomainEvent
from service.ids import new_id


def add_events(session: Session, events: list[DomainEvent]) -> None:
    rows = []
    for event in events:
        occurred_at = event.occurred_at or utcnow()
        event_id = new_id()
        envelope = dump_envelope({
            "id": event_id,
            "type": event.type,
            "occurred_at": occurred_at,
            "organisation_id": event.organisation_id,
            "schema_version": SCHEMA_VERSION,
            "data": event.data,
        })
        rows.append(OutboxMessage(id=event_id, organisation_id=event.organisation_id,
                                  type=event.type, envelope=envelope, occurred_at=occurred_at))
    session.add_all(rows)


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
