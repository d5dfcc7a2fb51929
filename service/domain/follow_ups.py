"""Follow-up checkpoints after an exit, and recording what became of the person."""

from __future__ import annotations

from datetime import date, timedelta

from service.domain import events
from service.domain.errors import InvalidTransition, ValidationFailed

#: checkpoint -> days after the exit date
CHECKPOINTS = {"exit": 0, "month_6": 182, "month_12": 365}
DUE, RECORDED, UNREACHABLE = "due", "recorded", "unreachable"
STATUSES = (DUE, RECORDED, UNREACHABLE)
EMPLOYMENT_STATUSES = ("employed", "self_employed", "unemployed", "in_education", "inactive", "unknown")
WAGE_EARNING = ("employed", "self_employed")
SOURCES = ("caseworker", "placement")


def due_dates(exited_on: date) -> dict[str, date]:
    try:
        return {name: exited_on + timedelta(days=days) for name, days in CHECKPOINTS.items()}
    except OverflowError:
        raise ValidationFailed({"exited_on": ["Too far in the future to schedule the follow-ups."]}) from None


def record(follow_up, *, employment_status: str | None, wage_monthly, currency: str | None, source: str,
           today: date) -> events.FollowUpRecorded:
    """Record an outcome; an `unreachable` checkpoint may still be recorded later."""
    if follow_up.status == RECORDED:
        raise InvalidTransition("The checkpoint is recorded already.", current_status=follow_up.status)
    if follow_up.due_on > today:
        raise ValidationFailed({"status": [f"The checkpoint is not due before {follow_up.due_on.isoformat()}."]})
    if employment_status is None:
        raise ValidationFailed({"employment_status": ["Required when the status is recorded."]})
    if wage_monthly is not None and employment_status not in WAGE_EARNING:
        raise ValidationFailed({"wage_monthly": ["Only for employed or self-employed people."]})
    if (wage_monthly is None) != (currency is None):
        raise ValidationFailed({"currency": ["Give wage_monthly and currency together."]})
    follow_up.status = RECORDED
    follow_up.employment_status = employment_status
    follow_up.wage_monthly = wage_monthly
    follow_up.currency = currency
    follow_up.source = source
    return _recorded_event(follow_up)


def mark_unreachable(follow_up, *, today: date) -> events.FollowUpRecorded:
    """Could not reach the person: kept apart from `unemployed`, which is an answer."""
    if follow_up.status == RECORDED:
        raise InvalidTransition("The checkpoint is recorded already.", current_status=follow_up.status)
    if follow_up.due_on > today:
        raise ValidationFailed({"status": [f"The checkpoint is not due before {follow_up.due_on.isoformat()}."]})
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
    return events.FollowUpReopened(**_checkpoint(follow_up))


def _checkpoint(follow_up) -> dict:
    return {"organisation_id": follow_up.organisation_id, "follow_up_id": follow_up.id,
            "enrolment_id": follow_up.enrolment_id, "trainee_id": follow_up.trainee_id,
            "checkpoint": follow_up.checkpoint, "due_on": follow_up.due_on}
