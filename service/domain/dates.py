"""Plausible dates: what a date field of the API may hold, and the rules between dates.

A date outside these bounds is a typing error (9999-12-31 for 2025-12-31), not a fact
to store and count in a funder's report.
"""

from __future__ import annotations

from datetime import date, datetime

from service.domain.errors import ValidationFailed
from service.domain.messages import Msg

#: No trainee, enrolment or job of the programmes we serve predates this.
EARLIEST = date(1900, 1, 1)
#: Events (enrolments, exits, job starts, closing dates) are at most this many years ahead.
EVENT_HORIZON_YEARS = 1
#: Plans (a project's or cohort's dates) and the bounds of a search may reach further:
#: programmes such as ESF+ run for seven years.
PLAN_HORIZON_YEARS = 10
#: A job may start at most this long before its vacancy or referral was recorded (a hire
#: entered late); earlier is a wrong year.
MAX_BACKDATING_YEARS = 1


def years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest(today: date, years: int = EVENT_HORIZON_YEARS) -> date:
    return years_after(today, years)


def out_of_range(day: date, today: date, years: int = EVENT_HORIZON_YEARS) -> str | None:
    """Why `day` is implausible, or None."""
    if day < EARLIEST:
        return Msg("Must not be before {earliest}.", earliest=EARLIEST.isoformat())
    if day > latest(today, years):
        if years == 1:
            return Msg("Must not be after {latest} (1 year ahead).", latest=latest(today, years).isoformat())
        return Msg("Must not be after {latest} ({years} years ahead).", latest=latest(today, years).isoformat(),
                   years=years)
    return None


def check_not_past(field: str, day: date | None, today: date) -> None:
    if day is not None and day < today:
        raise ValidationFailed({field: [Msg("Must not be in the past.")]})


def check_started_on(started_on: date, recorded_at: datetime | date, what: str, today: date) -> None:
    """A job start more than a year before its vacancy or referral existed is a wrong date.

    (The record existed by `today` at the latest: a replay of history acting on a past day,
    as the demo does, is judged by that day.)"""
    recorded_on = min(recorded_at.date() if isinstance(recorded_at, datetime) else recorded_at, today)
    earliest = years_after(recorded_on, -MAX_BACKDATING_YEARS)
    if started_on < earliest:
        raise ValidationFailed({"started_on": [
            Msg("Must not be before {earliest}: more than {years} year before the {what} was recorded.",
                earliest=earliest.isoformat(), years=MAX_BACKDATING_YEARS, what=Msg(what))]})
