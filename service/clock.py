"""The one source of "now", always timezone-aware UTC, and of "today", always some place's.

Timestamps are UTC. A calendar day (an exit not ahead, a closing date not past, a checkpoint
due) is the organisation's, in its IANA time zone: at 01:00 in İzmir it is already the day UTC
reaches only at 03:00. So `today` takes the zone, and no caller can forget it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from service.domain.messages import Msg

#: The day a replay of history acts on (the demo loader), instead of the real one.
_replayed_day: ContextVar[date | None] = ContextVar("replayed_day", default=None)
#: The instant every "now" is, instead of the real one (tests: `frozen`).
_frozen_now: ContextVar[datetime | None] = ContextVar("frozen_now", default=None)
#: The time zone of the organisation a request acts for, once its caller is known (`acting_in`).
_acting_zone: ContextVar[str | None] = ContextVar("acting_zone", default=None)
#: The greatest offset from UTC any place keeps (Kiribati's Line Islands, UTC+14).
LATEST_OFFSET = timedelta(hours=14)
#: Names the tz database holds that are no place's time: the host's own zone and tzdata's placeholder.
_NOT_PLACES = frozenset({"localtime", "Factory"})
#: What a refused time zone name is told.
NOT_A_TIME_ZONE = Msg("Not an IANA time zone name such as Europe/Istanbul or America/Guatemala.")


class UnknownTimeZone(ValueError):
    """A name that is no IANA time zone (of the tz database this host has)."""


def utcnow() -> datetime:
    return _frozen_now.get() or datetime.now(timezone.utc)


def is_time_zone(name: object) -> bool:
    """Whether `name` is an IANA time zone name, such as Europe/Istanbul or America/Guatemala."""
    return isinstance(name, str) and name in time_zones()


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """Every IANA time zone name of the host's tz database (the API lists them as the choices)."""
    return frozenset(available_timezones()) - _NOT_PLACES


def zone(name: str) -> ZoneInfo:
    if not is_time_zone(name):
        raise UnknownTimeZone(NOT_A_TIME_ZONE)
    return ZoneInfo(name)  # ZoneInfo keeps one instance per name


def today(time_zone: str) -> date:
    """The calendar day it is now in `time_zone` (an IANA name): an organisation's today."""
    return _replayed_day.get() or utcnow().astimezone(zone(time_zone)).date()


def utc_today() -> date:
    """Today in UTC: only where no organisation is concerned (an operator's command, the bench)."""
    return _replayed_day.get() or utcnow().date()


def latest_today() -> date:
    """The latest calendar day anywhere (UTC+14): no organisation's today is later."""
    return _replayed_day.get() or (utcnow() + LATEST_OFFSET).date()


def acting_today() -> date:
    """Today of the organisation the request acts for (`acting_in`), for a check made before a use case
    loads it (a date field's plausible range); where none is known, the latest today anywhere, so that
    no organisation's valid date is refused."""
    acting = _acting_zone.get()
    return today(acting) if acting else latest_today()


@contextmanager
def acting_in(time_zone: str | None) -> Iterator[None]:
    """Inside the block, `acting_today` is `time_zone`'s today (the API sets its caller's organisation's)."""
    token = _acting_zone.set(time_zone)
    try:
        yield
    finally:
        _acting_zone.reset(token)


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


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Every "now" (timestamps and each zone's today) is the instant `at` inside the block: a test
    judges rules at a chosen moment, such as 22:30 UTC, already the next day in İzmir."""
    if at.tzinfo is None:
        raise ValueError("a frozen instant needs its offset")
    token = _frozen_now.set(at.astimezone(timezone.utc))
    try:
        yield
    finally:
        _frozen_now.reset(token)
