"""Placements: a job start, ended once with a date and a reason."""

from __future__ import annotations

from datetime import date

from service.domain import events
from service.domain.errors import InvalidTransition, ValidationFailed

END_REASONS = ("resigned", "dismissed", "contract_ended", "business_closed", "moved_away",
               "health", "other")
MAX_HOURS_PER_WEEK = 80


def end(placement, *, ended_on: date, reason: str) -> events.PlacementEnded:
    if placement.ended_on is not None:
        raise InvalidTransition("The placement has ended already.", ended_on=placement.ended_on.isoformat())
    if ended_on < placement.started_on:
        raise ValidationFailed({"ended_on": ["The end cannot be before the start."]})
    placement.ended_on = ended_on
    placement.end_reason = reason
    return events.PlacementEnded(organisation_id=placement.organisation_id, data={
        **_facts(placement), "ended_on": ended_on.isoformat(), "reason": reason})


def active_on(placement, day: date) -> bool:
    return placement.started_on <= day and (placement.ended_on is None or placement.ended_on >= day)


def started_event(placement) -> events.PlacementStarted:
    return events.PlacementStarted(organisation_id=placement.organisation_id, data=_facts(placement))


def _facts(placement) -> dict:
    return {
        "placement_id": str(placement.id), "trainee_id": str(placement.trainee_id),
        "employer_id": str(placement.employer_id),
        "vacancy_id": str(placement.vacancy_id) if placement.vacancy_id else None,
        "started_on": placement.started_on.isoformat(), "wage_monthly": str(placement.wage_monthly),
        "currency": placement.currency, "hours_per_week": placement.hours_per_week,
        "contract_type": placement.contract_type, "formal": placement.formal,
    }
