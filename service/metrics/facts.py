"""The categorical facts of one trainee that every metric is computed from.

Derived from the records (trainee, enrolments, placements, follow-ups) by one pure
function, used alike by the metrics consumer, by `pathways metrics rebuild` and by
`pathways metrics verify`; so the read model and its recomputation cannot drift by
construction, only by a missed event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from service.domain import enrolments as enrolment_rules
from service.domain import follow_ups as follow_up_rules
from service.domain.people import age_band

#: What the derivation reads of each kind of record (the projection selects just these columns; its
#: `trainee_id` groups a trainee's records). A new fact read from a new column names it here.
READS: dict[str, tuple[str, ...]] = {
    "trainees": ("id", "organisation_id", "sex", "settlement_type", "education_level", "labour_status", "district",
                 "vulnerable_groups", "birth_date"),
    "enrolments": ("id", "organisation_id", "trainee_id", "project_id", "enrolled_on", "status", "exited_on",
                   "qualification_gained"),
    "placements": ("id", "trainee_id", "started_on", "wage_monthly", "currency"),
    "follow_ups": ("trainee_id", "enrolment_id", "checkpoint", "status", "employment_status"),
}

#: SPEC section 5: a placement counts when it starts by `exited_on` + this many days.
PLACEMENT_WINDOW = timedelta(days=90)
EXIT, MONTH_6 = "exit", "month_6"


@dataclass(frozen=True)
class Participant:
    trainee_id: uuid.UUID
    organisation_id: uuid.UUID
    sex: str
    settlement_type: str
    education_level: str
    labour_status: str
    district: str | None
    vulnerable_groups: frozenset[str]


@dataclass(frozen=True)
class Participation:
    enrolment_id: uuid.UUID
    organisation_id: uuid.UUID
    trainee_id: uuid.UUID
    project_id: uuid.UUID
    age_band: str | None
    enrolled_on: date
    status: str
    exited_on: date | None
    qualification_gained: bool | None
    placed_on: date | None
    placed_wage: Decimal | None
    placed_currency: str | None
    exit_status: str | None
    exit_employment: str | None
    month_6_status: str | None
    month_6_employment: str | None


def participant(trainee) -> Participant:
    return Participant(trainee.id, trainee.organisation_id, trainee.sex, trainee.settlement_type,
                       trainee.education_level, trainee.labour_status, trainee.district,
                       frozenset(trainee.vulnerable_groups or ()))


def participation(enrolment, trainee, placements, follow_ups) -> Participation:
    """One enrolment's facts; `placements` and `follow_ups` may hold the trainee's others too."""
    placed = _first_placement(enrolment, placements)
    # Only answered checkpoints: a due one says nothing yet, and its scheduling raises no event.
    checkpoints = {f.checkpoint: f for f in follow_ups
                   if f.enrolment_id == enrolment.id and f.status != follow_up_rules.DUE}
    exit_check, month_6 = checkpoints.get(EXIT), checkpoints.get(MONTH_6)
    return Participation(
        enrolment.id, enrolment.organisation_id, enrolment.trainee_id, enrolment.project_id,
        age_band(trainee.birth_date, enrolment.enrolled_on), enrolment.enrolled_on, enrolment.status,
        enrolment.exited_on, enrolment.qualification_gained,
        placed.started_on if placed else None, placed.wage_monthly if placed else None,
        placed.currency if placed else None,
        exit_check.status if exit_check else None, exit_check.employment_status if exit_check else None,
        month_6.status if month_6 else None, month_6.employment_status if month_6 else None)


def _first_placement(enrolment, placements):
    """Completers only: the earliest job started between enrolment and 90 days after exit."""
    if enrolment.status != enrolment_rules.COMPLETED or enrolment.exited_on is None:
        return None
    last_day = enrolment.exited_on + PLACEMENT_WINDOW
    window = [p for p in placements if enrolment.enrolled_on <= p.started_on <= last_day]
    return min(window, key=lambda p: (p.started_on, p.id), default=None)
