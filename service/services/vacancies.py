"""Vacancies: posted by employers (or staff for them), filled when their positions are taken."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from service.db.models import Employer, Placement, Vacancy
from service.domain import vacancies as rules
from service.domain.dates import check_not_past
from service.domain.errors import ValidationFailed
from service.domain.roles import Principal
from service.services import organisation_day, scoping
from service.services.queries import filter_by, get_scoped, page
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg


def create(uow: UnitOfWork, principal: Principal, data: dict) -> Vacancy:
    data = dict(data)
    employer_id = scoping.employer_for_write(principal, data.pop("employer_id", None))
    if employer_id is None:
        raise ValidationFailed({"employer_id": [Msg("Missing data for required field.")]})
    with uow:
        today = organisation_day.today(uow.session, principal.organisation_id)
        check_not_past("closes_on", data.get("closes_on"), today)
        get_scoped(uow.session, Employer, principal.organisation_id, employer_id, label="Employer")
        vacancy = Vacancy(organisation_id=principal.organisation_id, employer_id=employer_id,
                          status=rules.OPEN, **data)
        uow.session.add(vacancy)
        uow.commit()
        return vacancy


def update(uow: UnitOfWork, principal: Principal, vacancy_id: uuid.UUID, changes: dict) -> Vacancy:
    changes = dict(changes)
    status = changes.pop("status", None)
    with uow:
        today = organisation_day.today(uow.session, principal.organisation_id)
        check_not_past("closes_on", changes.get("closes_on"), today)
        vacancy = scoping.get_for(uow.session, principal, Vacancy, vacancy_id, label="Vacancy", for_update=True)
        for key, value in changes.items():
            setattr(vacancy, key, value)
        if status is not None:
            rules.change_status(vacancy, status)
        if status != rules.OPEN:
            fill_if_taken(uow.session, vacancy, today)
        uow.commit()
        return vacancy


def fill_if_taken(session: Session, vacancy: Vacancy, on: date) -> bool:
    """Mark the vacancy filled once placements active on `on` take all its positions.

    The outcomes consumer calls it on `placement.started` with the start date, so an event
    handled late judges the day of the hire, not the day it is handled; a PATCH with today.
    """
    active = session.execute(select(func.count()).select_from(Placement).where(
        Placement.vacancy_id == vacancy.id, Placement.started_on <= on,
        or_(Placement.ended_on.is_(None), Placement.ended_on >= on))).scalar_one()
    return rules.fill_if_taken(vacancy, active)


def get(uow: UnitOfWork, principal: Principal, vacancy_id: uuid.UUID) -> Vacancy:
    with uow:
        return scoping.get_for(uow.session, principal, Vacancy, vacancy_id, label="Vacancy")


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[Vacancy], str | None]:
    stmt = scoping.filter_for(select(Vacancy), principal, Vacancy)
    stmt = filter_by(stmt, Vacancy, args, equal=("employer_id", "status", "occupation", "district"))
    with uow:
        return page(uow.session, stmt, Vacancy, limit=args["limit"], cursor=args.get("cursor"))
