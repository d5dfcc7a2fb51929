"""Unit of work: one session and one commit per use case, events into the outbox.

Services record domain events on the unit of work; on commit they become outbox rows
in the same transaction as the change, and audit entries are written by the flush
hook in `service.db.audit`.

A `SharedTransaction` lets a caller run use cases inside a transaction it commits itself:
an API request with an Idempotency-Key commits its effects and its stored response at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session, SessionTransaction

from service.db import audit  # noqa: F401  (registers the flush hook)
from service.domain.events import Event
from service.services.events import add_events


class UnitOfWork:
    def __init__(self, session_factory: Callable[[], Session], actor_id: uuid.UUID | None = None):
        self._session_factory = session_factory
        self.actor_id = actor_id
        self._session: Session | None = None
        self._events: list[Event] = []

    @property
    def session(self) -> Session:
        """The open session; only inside `with uow:` (a use case that forgot it fails loudly here)."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside `with`")
        return self._session

    def __enter__(self) -> "UnitOfWork":
        self._session = self._session_factory()
        self._session.info[audit.ACTOR_KEY] = self.actor_id
        self._events = []
        return self

    def __exit__(self, *exc_info) -> None:
        # close() ends (and so rolls back) an uncommitted transaction without expiring
        # what was loaded: services hand detached, fully loaded records to the caller.
        self.session.close()
        self._session = None
        self._events = []

    def record(self, event: Event) -> None:
        self._events.append(event)

    def commit(self) -> None:
        add_events(self.session, self._events)
        self._events = []
        self.session.commit()

    def rollback(self) -> None:
        self._events = []
        self.session.rollback()


class SharedTransaction:
    """One transaction that units of work join (`unit_of_work()`) and only its owner commits.

    Leaving it without `commit()` rolls everything back, and so does the death of the process:
    nothing of it is durable before that one commit.
    """

    def __init__(self, session_factory: Callable[[], Session], actor_id: uuid.UUID | None = None):
        self.actor_id = actor_id
        self.session = session_factory()
        self.session.info[audit.ACTOR_KEY] = actor_id

    def __enter__(self) -> "SharedTransaction":
        return self

    def __exit__(self, *exc_info) -> None:
        self.session.close()

    def unit_of_work(self) -> UnitOfWork:
        return JoinedUnitOfWork(self.session, self.actor_id)

    def commit(self) -> None:
        self.session.commit()


class JoinedUnitOfWork(UnitOfWork):
    """A use case inside a `SharedTransaction`, as a savepoint.

    Its commit writes the outbox rows and releases the savepoint; its rollback (or leaving it
    uncommitted) undoes its own changes and keeps the ones before it, as a service expects of
    any unit of work. Only the shared transaction's commit makes the changes durable.
    """

    def __init__(self, session: Session, actor_id: uuid.UUID | None = None):
        super().__init__(lambda: session, actor_id=actor_id)
        self._savepoint: SessionTransaction | None = None

    def __enter__(self) -> "JoinedUnitOfWork":
        super().__enter__()
        self._savepoint = self.session.begin_nested()
        return self

    def __exit__(self, *exc_info) -> None:
        # The shared session stays open: its owner closes it.
        self._end_savepoint()
        self._session = None
        self._events = []

    def commit(self) -> None:
        add_events(self.session, self._events)
        self._events = []
        if self._savepoint is None:  # a second commit in one use case
            self.session.flush()
            return
        self._savepoint.commit()  # on a failed flush the savepoint stays, for rollback()/__exit__
        self._savepoint = None

    def rollback(self) -> None:
        self._events = []
        self._end_savepoint()
        self._savepoint = self.session.begin_nested()  # the use case may go on, as after a rollback

    def _end_savepoint(self) -> None:
        if self._savepoint is not None:
            self._savepoint.rollback()
            self._savepoint = None
