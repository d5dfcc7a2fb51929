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
