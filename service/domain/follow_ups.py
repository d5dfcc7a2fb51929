"""Follow-up checkpoints after an exit, and recording what became of the person."""

from __future__ import annotations

from datetime import date, timedelta

from service.domain import events
from service.domain.errors import InvalidTransition, ValidationFailed
from service.domain.messages import Msg

#: checkpoint -> days after the exit date
CHECKPOINTS = {"exit": 0, "month_6": 182, "month_12": 365}
#: checkpoint -> days after its due date in which a status is observed: `exit` is "upon leaving", within
#: four weeks of leaving (ESF+, the Commission's guidance on Annex I); six and twelve months after leaving,
#: within the quarter that follows.
WINDOW_DAYS = {"exit": 28, "month_6": 91, "month_12": 91}
#: Stored statuses: `due` until it is recorded or marked unreachable.
DUE, RECORDED, UNREACHABLE = "due", "recorded", "unreachable"
STATUSES = (DUE, RECORDED, UNREACHABLE)
#: What the API shows of a `due` one, by today: `scheduled` before its due date, `due` in its window,
#: `overdue` after the window closed without a record.
SCHEDULED, OVERDUE = "scheduled", "overdue"
SHOWN_STATUSES = (SCHEDULED, DUE, OVERDUE, RECORDED, UNREACHABLE)
EMPLOYMENT_STATUSES = ("employed", "self_employed", "unemployed", "in_education", "inactive", "unknown")
WAGE_EARNING = ("employed", "self_employed")
SOURCES = ("caseworker", "placement")


def due_dates(exited_on: date) -> dict[str, date]:
    try:
        return {name: exited_on + timedelta(days=days) for name, days in CHECKPOINTS.items()}
    except OverflowError:
        raise ValidationFailed({"exited_on": [Msg("Too far in the future to schedule the follow-ups.")]}) from None


def window_end(checkpoint: str, due_on: date) -> date:
    """The last day of the checkpoint's window."""
    return due_on + timedelta(days=WINDOW_DAYS[checkpoint])


def shown_status(follow_up, today: date) -> str:
    """The status the API shows: a stored `due` one is `scheduled`, `due` or `overdue` by `today`."""
    if follow_up.status != DUE:
        return follow_up.status
    if today < follow_up.due_on:
        return SCHEDULED
    return DUE if today <= window_end(follow_up.checkpoint, follow_up.due_on) else OVERDUE


def _observed_on(follow_up, observed_on: date | None, today: date) -> date:
    """The day the status refers to: given, or today while the window is open. It lies in the window and
    is not ahead of today: a status observed outside it says nothing about that checkpoint."""
    end = window_end(follow_up.checkpoint, follow_up.due_on)
    if observed_on is None:
        if today > end:
            raise ValidationFailed({"observed_on": [
                Msg("Required once the window has closed ({end}): the day the status refers to.",
                    end=end.isoformat())]})
        return today
    if observed_on > today:
        raise ValidationFailed({"observed_on": [Msg("A status is recorded once observed, not in advance.")]})
    if not follow_up.due_on <= observed_on <= end:
        raise ValidationFailed({"observed_on": [
            Msg("Must lie in the checkpoint's window, {start} to {end}.", start=follow_up.due_on.isoformat(),
                end=end.isoformat())]})
    return observed_on


def _check_open(follow_up, today: date) -> None:
    if follow_up.status == RECORDED:
        raise InvalidTransition(Msg("The checkpoint is recorded already."), current_status=follow_up.status)
    if follow_up.due_on > today:
        raise ValidationFailed({"status": [Msg("The checkpoint is not due before {due_on}.",
                                                due_on=follow_up.due_on.isoformat())]})


def record(follow_up, *, employment_status: str | None, wage_monthly, currency: str | None, source: str,
           today: date, observed_on: date | None = None) -> events.FollowUpRecorded:
    """Record an outcome observed on `observed_on` (see `_observed_on`); an `unreachable` checkpoint may
    still be recorded later. Allowed when due or overdue."""
    _check_open(follow_up, today)
    if employment_status is None:
        raise ValidationFailed({"employment_status": [Msg("Required when the status is recorded.")]})
    if wage_monthly is not None and employment_status not in WAGE_EARNING:
        raise ValidationFailed({"wage_monthly": [Msg("Only for employed or self-employed people.")]})
    if (wage_monthly is None) != (currency is None):
        raise ValidationFailed({"currency": [Msg("Give wage_monthly and currency together.")]})
    follow_up.observed_on = _observed_on(follow_up, observed_on, today)
    follow_up.status = RECORDED
    follow_up.employment_status = employment_status
    follow_up.wage_monthly = wage_monthly
    follow_up.currency = currency
    follow_up.source = source
    return _recorded_event(follow_up)


def mark_unreachable(follow_up, *, today: date, observed_on: date | None = None) -> events.FollowUpRecorded:
    """Could not reach the person (on `observed_on`, as in `record`): kept apart from `unemployed`, which
    is an answer."""
    _check_open(follow_up, today)
    follow_up.observed_on = _observed_on(follow_up, observed_on, today)
    follow_up.status = UNREACHABLE
    follow_up.employment_status = "unknown"
    follow_up.wage_monthly = None
    follow_up.currency = None
    follow_up.source = "caseworker"
    return _recorded_event(follow_up)


def _recorded_event(follow_up) -> events.FollowUpRecorded:
    return events.FollowUpRecorded(
        **_checkpoint(follow_up), status=follow_up.status, employment_status=follow_up.employment_status,
        wage_monthly=follow_up.wage_monthly, currency=follow_up.currency, source=follow_up.source)


def reopen(follow_up) -> events.FollowUpReopened:
    """Undo an outcome derived from a placement that turned out to have ended before the date."""
    follow_up.status = DUE
    follow_up.employment_status = None
    follow_up.wage_monthly = None
    follow_up.currency = None
    follow_up.source = None
    follow_up.placement_id = None
    follow_up.observed_on = None
    return events.FollowUpReopened(**_checkpoint(follow_up))


def _checkpoint(follow_up) -> dict:
    return {"organisation_id": follow_up.organisation_id, "follow_up_id": follow_up.id,
            "enrolment_id": follow_up.enrolment_id, "trainee_id": follow_up.trainee_id,
            "checkpoint": follow_up.checkpoint, "due_on": follow_up.due_on}
