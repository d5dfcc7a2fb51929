"""Enrolling trainees in projects and recording their exits."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from service.clock import utcnow
from service.db import audit
from service.db.models import Cohort, Enrolment, Project, Trainee
from service.domain import enrolments as rules
from service.domain import groups as group_rules
from service.domain.errors import Conflict
from service.domain.roles import Principal
from service.ids import new_id
from service.services import groups, organisation_day
from service.services.queries import filter_by, get_scoped, page
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg


def enrol(uow: UnitOfWork, principal: Principal, data: dict) -> Enrolment:
    org = principal.organisation_id
    with uow:
        trainee, project = _trainee_and_project(uow, org, data["trainee_id"], data["project_id"])
        cohort, taken = None, None
        if data.get("cohort_id"):
            # Locking the cohort row serialises concurrent enrolments into it (PostgreSQL);
            # SQLite write transactions are serialised by BEGIN IMMEDIATE already.
            cohort = get_scoped(uow.session, Cohort, org, data["cohort_id"], for_update=True, label="Cohort")
            taken = _places_taken(uow, cohort.id)
        rules.check_can_enrol(birth_date=trainee.birth_date, enrolled_on=data["enrolled_on"],
                              project=project, cohort=cohort, cohort_taken=taken)
        enrolment = Enrolment(organisation_id=org, trainee_id=trainee.id, project_id=project.id,
                              cohort_id=cohort.id if cohort else None, status=rules.ENROLLED,
                              enrolled_on=data["enrolled_on"])
        rules.take_at_entry(enrolment, trainee, labour_status=data.get("labour_status_at_entry"),
                            feeds=groups.feeds(uow.session, org))
        uow.session.add(enrolment)
        try:  # a second open enrolment is refused by a unique index: no query beforehand
            uow.session.flush()
        except IntegrityError:
            uow.rollback()
            _refuse_second_open_enrolment(uow, trainee.id, project.id)
            raise
        uow.record(rules.created_event(enrolment, trainee))
        uow.commit()
        return enrolment


def _trainee_and_project(uow: UnitOfWork, org: uuid.UUID, trainee_id: uuid.UUID,
                         project_id: uuid.UUID) -> tuple[Trainee, Project]:
    """Both in one round trip (a profile of POST /enrolments had each lookup at 11-14 % of a request);
    when either is missing, looked up one by one to name it."""
    both = uow.session.execute(
        select(Trainee, Project).join(Project, Project.organisation_id == Trainee.organisation_id)
        .where(Trainee.id == trainee_id, Trainee.organisation_id == org, Project.id == project_id,
               Trainee.merged_into_id.is_(None))).one_or_none()
    if both is not None:
        return both[0], both[1]
    return (get_scoped(uow.session, Trainee, org, trainee_id, label="Trainee"),
            get_scoped(uow.session, Project, org, project_id, label="Project"))


def _places_taken(uow: UnitOfWork, cohort_id: uuid.UUID) -> int:
    """Dropping out frees a place; completing keeps it."""
    stmt = select(func.count()).select_from(Enrolment).where(
        Enrolment.cohort_id == cohort_id, Enrolment.status != rules.DROPPED_OUT)
    return uow.session.execute(stmt).scalar_one()


def _refuse_second_open_enrolment(uow: UnitOfWork, trainee_id: uuid.UUID, project_id: uuid.UUID) -> None:
    stmt = select(Enrolment.id).where(Enrolment.trainee_id == trainee_id, Enrolment.project_id == project_id,
                                      Enrolment.status == rules.ENROLLED)
    existing = uow.session.scalar(stmt)
    if existing is not None:
        raise Conflict(Msg("The trainee already has an open enrolment in this project."),
                       existing_enrolment_id=str(existing))


def complete(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, data: dict) -> Enrolment:
    with uow:
        enrolment = _for_update(uow, principal, enrolment_id)
        uow.record(rules.complete(enrolment, exited_on=data["exited_on"],
                                  qualification_gained=data["qualification_gained"],
                                  today=organisation_day.today(uow.session, enrolment.organisation_id)))
        uow.commit()
        return enrolment


def drop_out(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, data: dict) -> Enrolment:
    with uow:
        enrolment = _for_update(uow, principal, enrolment_id)
        uow.record(rules.drop_out(enrolment, exited_on=data["exited_on"], reason=data["reason"],
                                  today=organisation_day.today(uow.session, enrolment.organisation_id)))
        uow.commit()
        return enrolment


def correct_entry(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, data: dict) -> Enrolment:
    """Correct an enrolment's values at entry, open or closed. The audit entry is written here, not by the
    flush hook: its action is `correct` and it holds the reason beside the changes, so a correction
    stands apart from an edit in the audit (and `pathways metrics verify` counts them)."""
    with uow:
        enrolment = _for_update(uow, principal, enrolment_id)
        if "vulnerable_groups" in data:  # groups it had at entry stay valid, retired or not
            groups.check(uow.session, enrolment.organisation_id, data["vulnerable_groups"],
                         held=enrolment.vulnerable_groups_at_entry or ())
        changes, event = rules.correct_entry(enrolment, data)
        now = utcnow()
        values = {rules.column(name): after for name, (_before, after) in changes.items()} | {"updated_at": now}
        if "vulnerable_groups" in changes:  # a correction is counted by the vocabulary of today
            values["indicator_groups_at_entry"] = group_rules.fed(
                changes["vulnerable_groups"][1], groups.feeds(uow.session, enrolment.organisation_id))
        uow.session.execute(update(Enrolment).where(Enrolment.id == enrolment.id).values(values))
        audit.add(uow.session, [audit.entry(
            entry_id=new_id(), organisation_id=enrolment.organisation_id, actor_id=uow.actor_id,
            action=rules.CORRECTION_ACTION, entity_type=Enrolment.__tablename__, entity_id=enrolment.id,
            changes={**audit.minimal(uow.session.info.get(audit.HASHER_KEY), enrolment.organisation_id,
                                     Enrolment.__tablename__,
                                     {rules.column(name): change for name, change in changes.items()}),
                     "reason": data["reason"]},
            occurred_at=now)])
        uow.session.refresh(enrolment)
        uow.record(event)
        uow.commit()
        return enrolment


def _for_update(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID) -> Enrolment:
    return get_scoped(uow.session, Enrolment, principal.organisation_id, enrolment_id,
                      for_update=True, label="Enrolment")


def get(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID) -> Enrolment:
    with uow:
        return get_scoped(uow.session, Enrolment, principal.organisation_id, enrolment_id, label="Enrolment")


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[Enrolment], str | None]:
    stmt = select(Enrolment).where(Enrolment.organisation_id == principal.organisation_id)
    stmt = filter_by(stmt, Enrolment, args, equal=("project_id", "cohort_id", "trainee_id", "status"),
                     ranges={"enrolled_from": ("enrolled_on", ">="), "enrolled_to": ("enrolled_on", "<=")})
    with uow:
        return page(uow.session, stmt, Enrolment, limit=args["limit"], cursor=args.get("cursor"))
