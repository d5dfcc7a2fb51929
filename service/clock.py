"""The one source of "now", always timezone-aware UTC."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone

#: The day a replay of history acts on (the demo loader), instead of the real one.
_replayed_day: ContextVar[date | None] = ContextVar("replayed_day", default=None)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    return _replayed_day.get() or utcnow().date()


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """Judge rules about "today" (a closing date not past, an exit not ahead) as on `day`:
    the demo writes its history action by action, each on the day it happened. Timestamps
    (`utcnow`) stay real."""
    token = _replayed_day.set(day)
    try:
        yield
    finally:
        _replayed_day.reset(token)
