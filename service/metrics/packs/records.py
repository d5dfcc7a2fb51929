"""What the packs read: participants, their jobs and their recorded follow-ups, from the records.

A participant is one person in one project (design B, "Units"): characteristics and the start are
those of the first enrolment there, results those of the final one (the latest, once exited),
as the funders count a re-entrant once. Jobs (placements) and follow-ups are the person's, in
the organisation, whichever enrolment they came after: a wage record or an employer does not
know which course came before it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import Session

from service.db.models import Enrolment, FollowUp, Placement, Trainee
from service.domain import follow_ups
from service.metrics.aggregates import Scope

ENTRY, EXIT = "entry", "exit"


@dataclass(frozen=True)
class Participant:
    trainee_id: uuid.UUID
    project_id: uuid.UUID
    sex: str
    first_entry: date
    #: The final exit: None while the latest enrolment in the project is open.
    exited_on: date | None
    qualification_gained: bool


@dataclass(frozen=True)
class Job:
    employer_id: uuid.UUID
    started_on: date
    ended_on: date | None
    wage_monthly: Decimal
    currency: str
    hours_per_week: int
    contract_type: str
    formal: bool


@dataclass(frozen=True)
class Observation:
    """A follow-up recorded employed or self-employed, on the day it was observed."""

    observed_on: date
    wage_monthly: Decimal | None
    currency: str | None


def _in_scope(scope: Scope) -> list:
    conditions = [Enrolment.organisation_id == scope.organisation_id]
    if scope.project_id is not None:
        conditions.append(Enrolment.project_id == scope.project_id)
    return conditions


def _in_period(column, scope: Scope) -> list:
    found = []
    if scope.period_start is not None:
        found.append(column >= scope.period_start)
    if scope.period_end is not None:
        found.append(column <= scope.period_end)
    return found


def participants(session: Session, scope: Scope, basis: str) -> list[Participant]:
    """The participants of the scope whose first entry (basis `entry`) or final exit (`exit`) is in
    the period; with `exit`, only those who have left."""
    statement = (select(Enrolment.trainee_id, Enrolment.project_id, Enrolment.enrolled_on, Enrolment.exited_on,
                        Enrolment.qualification_gained, Enrolment.created_at, Trainee.sex)
                 .join(Trainee, Trainee.id == Enrolment.trainee_id)
                 .where(*_in_scope(scope)))
    period = _in_period(Enrolment.exited_on if basis == EXIT else Enrolment.enrolled_on, scope)
    if period:  # only the people and projects with some enrolment in the period can qualify
        pairs = select(Enrolment.trainee_id, Enrolment.project_id).where(*_in_scope(scope), *period)
        statement = statement.where(tuple_(Enrolment.trainee_id, Enrolment.project_id).in_(pairs))
    enrolments = defaultdict(list)
    for row in session.execute(statement):
        enrolments[(row.trainee_id, row.project_id)].append(row)
    found = []
    for (trainee_id, project_id), rows in enrolments.items():
        rows.sort(key=lambda row: (row.enrolled_on, row.exited_on or date.max, row.created_at))
        first, final = rows[0], rows[-1]
        participant = Participant(trainee_id, project_id, final.sex, first.enrolled_on, final.exited_on,
                                  bool(final.qualification_gained))
        day = participant.exited_on if basis == EXIT else participant.first_entry
        if day is not None and _within(day, scope):
            found.append(participant)
    return found


def _within(day: date, scope: Scope) -> bool:
    return (scope.period_start is None or day >= scope.period_start) and (
        scope.period_end is None or day <= scope.period_end)


def _people(scope: Scope) -> Select:
    return select(Enrolment.trainee_id).where(*_in_scope(scope))


def jobs(session: Session, scope: Scope) -> dict[uuid.UUID, list[Job]]:
    """Every placement of the scope's participants, by person, in the order they started."""
    statement = (select(Placement.trainee_id, Placement.employer_id, Placement.started_on, Placement.ended_on,
                        Placement.wage_monthly, Placement.currency, Placement.hours_per_week,
                        Placement.contract_type, Placement.formal)
                 .where(Placement.organisation_id == scope.organisation_id,
                        Placement.trainee_id.in_(_people(scope)))
                 .order_by(Placement.started_on, Placement.created_at))
    found: dict[uuid.UUID, list[Job]] = defaultdict(list)
    for row in session.execute(statement):
        found[row.trainee_id].append(_job(row))
    return found


def observations(session: Session, scope: Scope) -> dict[uuid.UUID, list[Observation]]:
    """Follow-ups of the scope's participants recorded employed or self-employed, by person."""
    statement = (select(FollowUp.trainee_id, FollowUp.observed_on, FollowUp.wage_monthly, FollowUp.currency)
                 .where(FollowUp.organisation_id == scope.organisation_id,
                        FollowUp.trainee_id.in_(_people(scope)),
                        FollowUp.status == follow_ups.RECORDED,
                        FollowUp.employment_status.in_(follow_ups.WAGE_EARNING),
                        FollowUp.observed_on.is_not(None))
                 .order_by(FollowUp.observed_on))
    found: dict[uuid.UUID, list[Observation]] = defaultdict(list)
    for row in session.execute(statement):
        found[row.trainee_id].append(Observation(row.observed_on, row.wage_monthly, row.currency))
    return found


@dataclass(frozen=True)
class StartedJob:
    sex: str
    job: Job


def jobs_started(session: Session, scope: Scope) -> list[StartedJob]:
    """Placements started in the period: every one of the organisation, or, for a project, those of
    its participants (a placement belongs to a person, not to a project)."""
    statement = (select(Trainee.sex, Placement.employer_id, Placement.started_on, Placement.ended_on,
                        Placement.wage_monthly, Placement.currency, Placement.hours_per_week,
                        Placement.contract_type, Placement.formal)
                 .join(Trainee, Trainee.id == Placement.trainee_id)
                 .where(Placement.organisation_id == scope.organisation_id,
                        *_in_period(Placement.started_on, scope)))
    if scope.project_id is not None:
        statement = statement.where(Placement.trainee_id.in_(_people(scope)))
    return [StartedJob(row.sex, _job(row)) for row in session.execute(statement)]


def _job(row) -> Job:
    return Job(**{name: getattr(row, name) for name in Job.__dataclass_fields__})
