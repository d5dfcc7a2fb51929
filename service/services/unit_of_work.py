"""Unit of work: one session and one commit per use case, events into the outbox.

Services record domain events on the unit of work; on commit they become outbox rows
in the same transaction as the change, and audit entries are written by the flush
hook in `service.db.audit`.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session, sessionmaker

from service.db import audit  # noqa: F401  (registers the flush hook)
from service.db.outbox import add_events
from service.domain.events import DomainEvent


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], actor_id: uuid.UUID | None = None):
        self._session_factory = session_factory
        self.actor_id = actor_id
        self.session: Session | None = None
        self._events: list[DomainEvent] = []

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self.session.info[audit.ACTOR_KEY] = self.actor_id
        self._events = []
        return self

    def __exit__(self, *exc_info) -> None:
        # close() ends (and so rolls back) an uncommitted transaction without expiring
        # what was loaded: services hand detached, fully loaded records to the caller.
        self.session.close()
        self.session = None
        self._events = []

    def record(self, event: DomainEvent) -> None:
        self._events.append(event)

    def commit(self) -> None:
        add_events(self.session, self._events)
        self._events = []
        self.session.commit()

    def rollback(self) -> None:
        self._events = []
        self.session.rollback()
