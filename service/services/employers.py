"""Employers of the organisation; an employer user sees only its own."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.db.models import Employer
from service.domain.employers import normalise_tax_number
from service.domain.errors import Conflict, NotFound, ValidationFailed
from service.domain.roles import Principal, employer_scope
from service.services.queries import filter_by, get_scoped, own_organisation, page
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg, message_of


def create(uow: UnitOfWork, principal: Principal, data: dict) -> Employer:
    with uow:
        country = own_organisation(uow.session, principal.organisation_id).country
        try:
            tax_number = normalise_tax_number(country, data["tax_number"])
        except ValueError as error:
            raise ValidationFailed({"tax_number": [message_of(error)]}) from None
        existing = uow.session.scalar(select(Employer.id).where(
            Employer.organisation_id == principal.organisation_id, Employer.tax_number == tax_number))
        if existing is not None:
            raise Conflict(Msg("An employer with this tax number exists already."), existing_employer_id=str(existing))
        employer = Employer(organisation_id=principal.organisation_id, **{**data, "tax_number": tax_number})
        uow.session.add(employer)
        try:
            uow.commit()
        except IntegrityError:
            raise Conflict(Msg("An employer with this tax number exists already.")) from None
        return employer


def get(uow: UnitOfWork, principal: Principal, employer_id: uuid.UUID) -> Employer:
    own = employer_scope(principal)
    if own is not None and own != employer_id:
        raise NotFound(Msg("Employer not found."))
    with uow:
        return get_scoped(uow.session, Employer, principal.organisation_id, employer_id, label="Employer")


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[Employer], str | None]:
    stmt = select(Employer).where(Employer.organisation_id == principal.organisation_id)
    own = employer_scope(principal)
    if own is not None:
        stmt = stmt.where(Employer.id == own)
    stmt = filter_by(stmt, Employer, args, equal=("sector", "district"))
    with uow:
        return page(uow.session, stmt, Employer, limit=args["limit"], cursor=args.get("cursor"))
