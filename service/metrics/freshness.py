"""How fresh the figures are: the watermark `as_of` and the events still to be applied (SPEC section 7).

Why: the read model is updated by the metrics consumer after the fact, so a report must say up to
when it is complete. `as_of` is a watermark: every event of the organisation that occurred at or
before it, and is committed, has been applied by the metrics consumer. `pending_events` counts the
organisation's committed events of the kinds the metrics consumer applies that it has not applied
yet (waiting in the outbox, in the queue, being retried, or dead-lettered).

How: an event is its outbox row (the event id is the row id); the consumer records each event it
applies in the inbox (`processed_events`, consumer "metrics") in the same transaction as the change.
So the pending events are the outbox rows without an inbox row, and:

- with none pending, `as_of` is the newest event applied (`metric_state.as_of`, which the consumer
  moves forward in its transaction and which no purge deletes), null before the first;
- with some pending, `as_of` is one microsecond (the resolution of the timestamps) before the oldest
  pending event occurred: everything before it has been applied, and it has not.

Retention (service/db/retention.py) deletes published outbox rows and inbox rows after a while. A
purged outbox row was applied, or is lost to the consumer anyway (only the dead-letter queue holds
it). A purged inbox row would make its event look pending while its outbox row is still there, so
only events that occurred within the inbox retention (less a minute for the clocks of the machines)
are looked at: such an event, once applied, still has its inbox row, since it is applied after it
occurs and the purge deletes only rows processed longer ago than the retention. An event not
applied within the inbox retention (7 days by default: dead-lettered and never replayed, or the
consumer stopped that long) is no longer counted; `pathways dlq` lists the dead letters.

Cost: one range of the outbox (the organisation's events of the retention period), each row probed
in the inbox by its primary key; `metric_state` by its primary key.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from service.clock import utcnow
from service.config import Config
from service.db.models import OutboxMessage, ProcessedEvent
from service.metrics import projection

#: Two machines' clocks may differ (the writer stamps occurred_at, the consumer processed_at).
CLOCK_MARGIN = timedelta(minutes=1)
#: The deployment's default inbox retention; a deployment that shortens it passes its own.
INBOX_RETENTION = timedelta(seconds=Config.inbox_retention_seconds)
#: The resolution of the stored timestamps: the watermark sits this far before the oldest pending event.
RESOLUTION = timedelta(microseconds=1)


@dataclass(frozen=True)
class Freshness:
    as_of: datetime | None
    pending_events: int


def subscription() -> tuple[str, tuple[str, ...]]:
    """The metrics consumer's name and the routing keys (event types) it applies (the projection declares both)."""
    return projection.CONSUMER, tuple(event.routing_key for event in projection.EVENTS)


def freshness(session: Session, organisation_id: uuid.UUID, inbox_retention: timedelta = INBOX_RETENTION,
              now: datetime | None = None) -> Freshness:
    consumer, types = subscription()
    since = (now or utcnow()) - inbox_retention + CLOCK_MARGIN
    applied = exists().where(ProcessedEvent.consumer == consumer, ProcessedEvent.event_id == OutboxMessage.id)
    count, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.occurred_at))
        .where(OutboxMessage.organisation_id == organisation_id, OutboxMessage.occurred_at >= since,
               OutboxMessage.type.in_(types), ~applied)).one()
    if count:
        return Freshness(oldest - RESOLUTION, count)
    return Freshness(projection.as_of(session, organisation_id), 0)
