"""The consumers' inbox: which events each consumer has applied already."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models.inbox import ProcessedEvent


def seen(session: Session, consumer: str, event_id: uuid.UUID) -> bool:
    return session.scalar(select(ProcessedEvent.event_id).where(
        ProcessedEvent.consumer == consumer, ProcessedEvent.event_id == event_id)) is not None


def remember(session: Session, consumer: str, event_id: uuid.UUID) -> None:
    """Inserted in the same transaction as the event's effects: both happen or neither."""
    session.add(ProcessedEvent(consumer=consumer, event_id=event_id))


def seen_among(session: Session, consumer: str, event_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Which of `event_ids` the consumer has applied already (one query for a batch)."""
    return list(session.scalars(select(ProcessedEvent.event_id).where(
        ProcessedEvent.consumer == consumer, ProcessedEvent.event_id.in_(event_ids))))


def remember_all(session: Session, consumer: str, event_ids: list[uuid.UUID]) -> None:
    session.add_all(ProcessedEvent(consumer=consumer, event_id=event_id) for event_id in event_ids)
