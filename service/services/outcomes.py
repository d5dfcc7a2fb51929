"""Turning exits and placements into tracked outcomes (run by the outcomes consumer).

Each function is safe to run again: schedules are created once, a checkpoint is
resolved only while due, a vacancy fills once. Order of arrival does not matter: a
placement recorded after an exit resolves the checkpoints just as one before it.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import and_, exists, or_, select

from service.db.models import Enrolment, FollowUp, Placement, Vacancy
from service.domain import follow_ups as rules
from service.domain import placements as placement_rules
from service.services import follow_ups
from service.services.queries import get_scoped
from service.services.unit_of_work import UnitOfWork
from service.services.vacancies import fill_if_taken


def on_exit(uow: UnitOfWork, organisation_id: uuid.UUID, enrolment_id: uuid.UUID, today: date) -> None:
    enrolment = get_scoped(uow.session, Enrolment, organisation_id, enrolment_id, label="Enrolment")
    follow_ups.schedule_for_exit(uow.session, enrolment)
    uow.session.flush()
    resolve_for_trainee(uow, enrolment.trainee_id, today)


def on_placement_started(uow: UnitOfWork, organisation_id: uuid.UUID, placement_id: uuid.UUID,
                         today: date) -> None:
    placement = get_scoped(uow.session, Placement, organisation_id, placement_id, label="Placement")
    if placement.vacancy_id is not None:
        vacancy = get_scoped(uow.session, Vacancy, organisation_id, placement.vacancy_id, label="Vacancy",
                             for_update=True)
        fill_if_taken(uow.session, vacancy, placement.started_on)
    resolve_for_trainee(uow, placement.trainee_id, today)


def on_placement_ended(uow: UnitOfWork, organisation_id: uuid.UUID, placement_id: uuid.UUID,
                       today: date) -> None:
    """An end recorded late may undo checkpoints resolved from this placement after its end."""
    placement = get_scoped(uow.session, Placement, organisation_id, placement_id, label="Placement")
    stale = uow.session.scalars(select(FollowUp).where(
        FollowUp.placement_id == placement.id, FollowUp.source == "placement",
        FollowUp.due_on > placement.ended_on).with_for_update())
    for follow_up in stale:
        uow.record(rules.reopen(follow_up))
    uow.session.flush()
    resolve_for_trainee(uow, placement.trainee_id, today)


def resolve_for_trainee(uow: UnitOfWork, trainee_id: uuid.UUID, today: date) -> int:
    """Record as employed every due checkpoint of the trainee with a formal placement active on its date."""
    due = list(uow.session.scalars(select(FollowUp).where(
        FollowUp.trainee_id == trainee_id, FollowUp.status == rules.DUE, FollowUp.due_on <= today)
        .order_by(FollowUp.due_on).with_for_update()))
    if not due:
        return 0
    jobs = list(uow.session.scalars(select(Placement).where(
        Placement.trainee_id == trainee_id, Placement.formal.is_(True)).order_by(Placement.started_on)))
    resolved = 0
    for follow_up in due:
        job = next((p for p in jobs if placement_rules.active_on(p, follow_up.due_on)), None)
        if job is not None:
            uow.record(rules.record(follow_up, employment_status="employed", wage_monthly=job.wage_monthly,
                                    currency=job.currency, source="placement", today=today))
            follow_up.placement_id = job.id
            resolved += 1
    return resolved


def sweep(uow: UnitOfWork, today: date, limit: int = 500) -> int:
    """Resolve checkpoints that fell due since their events were handled (run periodically)."""
    active_formal_job = exists().where(
        Placement.trainee_id == FollowUp.trainee_id, Placement.formal.is_(True),
        Placement.started_on <= FollowUp.due_on,
        or_(Placement.ended_on.is_(None), Placement.ended_on >= FollowUp.due_on))
    trainees = list(uow.session.scalars(
        select(FollowUp.trainee_id).where(and_(FollowUp.status == rules.DUE, FollowUp.due_on <= today,
                                               active_formal_job))
        .distinct().limit(limit)))
    return sum(resolve_for_trainee(uow, trainee_id, today) for trainee_id in trainees)
