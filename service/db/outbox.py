"""Turning domain events into outbox rows inside the caller's transaction."""

from __future__ import annotations

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
