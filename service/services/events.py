"""Typed events into outbox rows: their envelopes made by `schemas.events`, their rows by `service.db.outbox`.

The unit of work writes its events with `add_events`; the bulk import makes its rows with `outbox_rows`
(in its worker processes) and writes them in bulk, so an imported trainee's event is written as the
API writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from schemas.events import dump_envelope
from service.clock import utcnow
from service.db import outbox
from service.domain.events import Envelope, Event
from service.ids import new_ids


def outbox_rows(events: Sequence[Event], *, ids: Sequence[UUID] | None = None,
                occurred_at: datetime | None = None) -> list[dict]:
    """The outbox rows of `events` (new ids unless given; all occurring now unless `occurred_at`)."""
    occurred_at = occurred_at or utcnow()
    return [outbox.row(event_id=event_id, organisation_id=event.organisation_id, event_type=event.routing_key,
                       occurred_at=occurred_at, envelope=dump_envelope(Envelope(event_id, occurred_at, event)))
            for event, event_id in zip(events, ids if ids is not None else new_ids(len(events)), strict=True)]


def add_events(session: Session, events: Sequence[Event]) -> None:
    """Write `events` to the outbox in the session's transaction, after the changes they follow."""
    if events:
        session.flush()
        outbox.add(session, outbox_rows(events))
