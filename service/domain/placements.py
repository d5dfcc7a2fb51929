"""Placements: a job start, ended once with a date and a reason."""

from __future__ import annotations

from datetime import date

from service.domain import events
from service.domain.errors import InvalidTransition, ValidationFailed
from service.domain.messages import Msg

END_REASONS = ("resigned", "dismissed", "contract_ended", "business_closed", "moved_away",
               "health", "other")
MAX_HOURS_PER_WEEK = 80


def end(placement, *, ended_on: date, reason: str) -> events.PlacementEnded:
    if placement.ended_on is not None:
        raise InvalidTransition(Msg("The placement has ended already."), ended_on=placement.ended_on.isoformat())
    if ended_on < placement.started_on:
        raise ValidationFailed({"ended_on": [Msg("The end cannot be before the start.")]})
    placement.ended_on = ended_on
    placement.end_reason = reason
    return events.PlacementEnded(**_facts(placement), ended_on=ended_on, reason=reason)


def active_on(placement, day: date) -> bool:
    return placement.started_on <= day and (placement.ended_on is None or placement.ended_on >= day)


def started_event(placement) -> events.PlacementStarted:
    return events.PlacementStarted(**_facts(placement))


def _facts(placement) -> dict:
    return {
        "organisation_id": placement.organisation_id, "placement_id": placement.id,
        "trainee_id": placement.trainee_id, "employer_id": placement.employer_id,
        "vacancy_id": placement.vacancy_id, "started_on": placement.started_on,
        "wage_monthly": placement.wage_monthly, "currency": placement.currency,
        "hours_per_week": placement.hours_per_week, "contract_type": placement.contract_type,
        "formal": placement.formal,
    }
