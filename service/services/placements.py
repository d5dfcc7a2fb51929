"""Placements: job starts (from a hire or recorded directly) and their end."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from service.db.models import Employer, Placement, Trainee, Vacancy
from service.domain import placements as rules
from service.domain.dates import check_started_on
from service.domain.errors import ValidationFailed
from service.domain.roles import CASEWORK_WRITERS, Principal
from service.services import organisation_day, scoping, trainee_summaries
from service.services.queries import filter_by, get_scoped, page
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg


def start(uow: UnitOfWork, *, organisation_id: uuid.UUID, trainee_id: uuid.UUID, employer_id: uuid.UUID,
          vacancy: Vacancy | None, terms: dict) -> Placement:
    """Create a placement inside the caller's unit of work.

    The outcomes consumer fills the vacancy once its positions are taken (`placement.started`).
    """
    if vacancy is not None:
        check_started_on(terms["started_on"], vacancy.created_at, "vacancy",
                         organisation_day.today(uow.session, organisation_id))
    placement = Placement(organisation_id=organisation_id, trainee_id=trainee_id, employer_id=employer_id,
                          vacancy_id=vacancy.id if vacancy else None, **terms)
    uow.session.add(placement)
    uow.session.flush()
    uow.record(rules.started_event(placement))
    return placement


def create(uow: UnitOfWork, principal: Principal, data: dict) -> Placement:
    """A job start recorded by staff; employer users record theirs by hiring a referral."""
    principal.require(CASEWORK_WRITERS)
    data = dict(data)
    employer_id = data.pop("employer_id", None)
    if employer_id is None:
        raise ValidationFailed({"employer_id": [Msg("Missing data for required field.")]})
    trainee_id, vacancy_id = data.pop("trainee_id"), data.pop("vacancy_id", None)
    org = principal.organisation_id
    with uow:
        get_scoped(uow.session, Employer, org, employer_id, label="Employer")
        get_scoped(uow.session, Trainee, org, trainee_id, label="Trainee")
        vacancy = None
        if vacancy_id is not None:
            vacancy = get_scoped(uow.session, Vacancy, org, vacancy_id, label="Vacancy", for_update=True)
            if vacancy.employer_id != employer_id:
                raise ValidationFailed({"vacancy_id": [Msg("The vacancy belongs to another employer.")]})
        placement = start(uow, organisation_id=org, trainee_id=trainee_id, employer_id=employer_id,
                          vacancy=vacancy, terms=data)
        trainee_summaries.attach(uow.session, [placement])
        uow.commit()
        return placement


def end(uow: UnitOfWork, principal: Principal, placement_id: uuid.UUID, data: dict) -> Placement:
    with uow:
        placement = scoping.get_for(uow.session, principal, Placement, placement_id, label="Placement",
                                    for_update=True)
        uow.record(rules.end(placement, ended_on=data["ended_on"], reason=data["reason"]))
        uow.session.flush()
        trainee_summaries.attach(uow.session, [placement])
        uow.commit()
        return placement


def get(uow: UnitOfWork, principal: Principal, placement_id: uuid.UUID) -> Placement:
    with uow:
        placement = scoping.get_for(uow.session, principal, Placement, placement_id, label="Placement")
        return trainee_summaries.attach(uow.session, [placement])[0]


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[Placement], str | None]:
    stmt = scoping.filter_for(select(Placement), principal, Placement)
    stmt = filter_by(stmt, Placement, args, equal=("trainee_id", "employer_id", "vacancy_id"),
                     ranges={"started_from": ("started_on", ">="), "started_to": ("started_on", "<=")})
    if args.get("active") is not None:
        stmt = stmt.where(Placement.ended_on.is_(None) if args["active"] else Placement.ended_on.is_not(None))
    with uow:
        rows, cursor = page(uow.session, stmt, Placement, limit=args["limit"], cursor=args.get("cursor"))
        return trainee_summaries.attach(uow.session, rows), cursor
