"""Turning exits and placements into tracked outcomes (run by the outcomes consumer).

Each function is safe to run again: schedules are created once, a checkpoint is
resolved only while due, a vacancy fills once. Order of arrival does not matter: a
placement recorded after an exit resolves the checkpoints just as one before it.
A checkpoint is due by its organisation's today (its time zone's calendar day).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import and_, exists, or_, select

from service import clock
from service.db.models import Enrolment, FollowUp, Organisation, Placement, Vacancy
from service.domain import follow_ups as rules
from service.domain import placements as placement_rules
from service.domain.errors import NotFound
from service.services import follow_ups, organisation_day
from service.services.queries import get_scoped
from service.services.unit_of_work import UnitOfWork
from service.services.vacancies import fill_if_taken
from service.domain.messages import Msg


def on_exits(uow: UnitOfWork, exits: list[tuple[uuid.UUID, uuid.UUID]]) -> None:
    """The follow-ups of exited enrolments, given as (organisation_id, enrolment_id) pairs.

    A batch of exits costs the statements of one: the enrolments, the checkpoints that exist,
    the new ones, and the trainees' due checkpoints and formal placements, each read once.
    """
    wanted = {enrolment_id for _organisation_id, enrolment_id in exits}
    found = {e.id: e for e in uow.session.scalars(select(Enrolment).where(Enrolment.id.in_(list(wanted))))}
    for organisation_id, enrolment_id in exits:
        enrolment = found.get(enrolment_id)
        if enrolment is None or enrolment.organisation_id != organisation_id:
            raise NotFound(Msg("Enrolment not found."))  # another tenant's is just as missing
    follow_ups.schedule_for_exits(uow.session, list(found.values()))
    uow.session.flush()
    trainees: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for enrolment in found.values():
        trainees[enrolment.organisation_id].add(enrolment.trainee_id)
    for organisation_id, trainee_ids in sorted(trainees.items()):  # locks in one order (see resolve_for_trainees)
        resolve_for_trainees(uow, trainee_ids, organisation_day.today(uow.session, organisation_id))


def on_placement_started(uow: UnitOfWork, organisation_id: uuid.UUID, placement_id: uuid.UUID) -> None:
    placement = get_scoped(uow.session, Placement, organisation_id, placement_id, label="Placement")
    if placement.vacancy_id is not None:
        vacancy = get_scoped(uow.session, Vacancy, organisation_id, placement.vacancy_id, label="Vacancy",
                             for_update=True)
        fill_if_taken(uow.session, vacancy, placement.started_on)
    resolve_for_trainees(uow, {placement.trainee_id}, organisation_day.today(uow.session, organisation_id))


def on_placement_ended(uow: UnitOfWork, organisation_id: uuid.UUID, placement_id: uuid.UUID) -> None:
    """An end recorded late may undo checkpoints resolved from this placement after its end."""
    placement = get_scoped(uow.session, Placement, organisation_id, placement_id, label="Placement")
    stale = uow.session.scalars(select(FollowUp).where(
        FollowUp.placement_id == placement.id, FollowUp.source == "placement",
        FollowUp.due_on > placement.ended_on).with_for_update())
    for follow_up in stale:
        uow.record(rules.reopen(follow_up))
    uow.session.flush()
    resolve_for_trainees(uow, {placement.trainee_id}, organisation_day.today(uow.session, organisation_id))


def resolve_for_trainees(uow: UnitOfWork, trainee_ids: set[uuid.UUID], today: date) -> int:
    """Record as employed every checkpoint due by `today` (their organisation's) of the trainees, one
    organisation's, with a formal placement active on its date. The checkpoints are locked in id order,
    so that competing consumers cannot deadlock."""
    if not trainee_ids:
        return 0
    due = list(uow.session.scalars(select(FollowUp).where(
        FollowUp.trainee_id.in_(list(trainee_ids)), FollowUp.status == rules.DUE, FollowUp.due_on <= today)
        .order_by(FollowUp.id).with_for_update()))
    if not due:
        return 0
    jobs: dict[uuid.UUID, list[Placement]] = defaultdict(list)
    for placement in uow.session.scalars(select(Placement).where(
            Placement.trainee_id.in_(list({follow_up.trainee_id for follow_up in due})),
            Placement.formal.is_(True)).order_by(Placement.started_on, Placement.id)):
        jobs[placement.trainee_id].append(placement)
    resolved = 0
    for follow_up in sorted(due, key=lambda f: (f.trainee_id, f.due_on)):
        job = next((p for p in jobs[follow_up.trainee_id] if placement_rules.active_on(p, follow_up.due_on)), None)
        if job is not None:
            # The job was active on the due date: that is the day the status refers to.
            uow.record(rules.record(follow_up, employment_status="employed", wage_monthly=job.wage_monthly,
                                    currency=job.currency, source="placement", today=today,
                                    observed_on=follow_up.due_on))
            follow_up.placement_id = job.id
            resolved += 1
    return resolved


def sweep(uow: UnitOfWork, limit: int = 500) -> int:
    """Resolve checkpoints that fell due since their events were handled (run periodically), each
    organisation's by its own today."""
    active_formal_job = exists().where(
        Placement.trainee_id == FollowUp.trainee_id, Placement.formal.is_(True),
        Placement.started_on <= FollowUp.due_on,
        or_(Placement.ended_on.is_(None), Placement.ended_on >= FollowUp.due_on))
    resolved = 0
    for organisation_id, time_zone in uow.session.execute(
            select(Organisation.id, Organisation.time_zone).order_by(Organisation.id)).all():
        if limit <= 0:
            break
        today = clock.today(time_zone)
        trainees = list(uow.session.scalars(
            select(FollowUp.trainee_id).where(and_(FollowUp.organisation_id == organisation_id,
                                                   FollowUp.status == rules.DUE, FollowUp.due_on <= today,
                                                   active_formal_job))
            .distinct().limit(limit)))
        limit -= len(trainees)
        resolved += resolve_for_trainees(uow, set(trainees), today)
    return resolved
