"""Referrals: a caseworker proposes a trainee; the employer interviews, hires or rejects."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.db.models import Referral, Trainee, Vacancy
from service.domain import consent as consent_rules
from service.domain import referrals as rules
from service.domain import vacancies as vacancy_rules
from service.domain.dates import check_started_on
from service.domain.errors import Conflict, NotFound
from service.domain.roles import Principal
from service.services import consent, organisation_day, placements, scoping, trainee_summaries
from service.services.queries import filter_by, get_scoped, page
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg


def refer(uow: UnitOfWork, principal: Principal, vacancy_id: uuid.UUID, data: dict) -> Referral:
    org = principal.organisation_id
    with uow:
        vacancy = get_scoped(uow.session, Vacancy, org, vacancy_id, label="Vacancy")
        vacancy_rules.check_takes_referrals(vacancy, organisation_day.today(uow.session, org))
        trainee = get_scoped(uow.session, Trainee, org, data["trainee_id"], label="Trainee")
        if not consent.allows(uow.session, trainee, consent_rules.EMPLOYER_SHARING):
            raise Conflict(Msg("The person has not consented to sharing with employers (or withdrew it): they "
                               "cannot be referred to an employer."), reason="no_consent_for_employer_sharing")
        _refuse_open_duplicate(uow, trainee.id, vacancy.id)
        referral = Referral(organisation_id=org, vacancy_id=vacancy.id, employer_id=vacancy.employer_id,
                            trainee_id=trainee.id, status=rules.REFERRED, note=data.get("note", ""))
        uow.session.add(referral)
        try:
            uow.session.flush()
        except IntegrityError:
            uow.rollback()
            _refuse_open_duplicate(uow, trainee.id, vacancy.id)
            raise
        uow.record(rules.created_event(referral))
        trainee_summaries.attach(uow.session, [referral])
        uow.commit()
        return referral


def _hide_withheld(session, principal: Principal, referral: Referral) -> None:
    """An employer does not see a referral of a person who withdrew (or never gave) consent to sharing: 404."""
    if scoping.employer_scope(principal) is None:
        return
    trainee = session.get(Trainee, referral.trainee_id)
    if trainee is None or not consent.allows(session, trainee, consent_rules.EMPLOYER_SHARING):
        raise NotFound(Msg("{label} not found.", label=Msg("Referral")))


def _refuse_open_duplicate(uow: UnitOfWork, trainee_id: uuid.UUID, vacancy_id: uuid.UUID) -> None:
    existing = uow.session.scalar(select(Referral.id).where(
        Referral.trainee_id == trainee_id, Referral.vacancy_id == vacancy_id,
        Referral.status.in_(rules.OPEN_STATUSES)))
    if existing is not None:
        raise Conflict(Msg("The trainee is already referred to this vacancy."), existing_referral_id=str(existing))


def take_step(uow: UnitOfWork, principal: Principal, referral_id: uuid.UUID, step: str) -> Referral:
    """interview, reject or withdraw."""
    with uow:
        referral = scoping.get_for(uow.session, principal, Referral, referral_id, label="Referral",
                                   for_update=True)
        _hide_withheld(uow.session, principal, referral)
        rules.step(referral, step)
        uow.session.flush()
        trainee_summaries.attach(uow.session, [referral])
        uow.commit()
        return referral


def hire(uow: UnitOfWork, principal: Principal, referral_id: uuid.UUID, terms: dict) -> Referral:
    with uow:
        referral = scoping.get_for(uow.session, principal, Referral, referral_id, label="Referral",
                                   for_update=True)
        _hide_withheld(uow.session, principal, referral)
        rules.step(referral, "hire")
        check_started_on(terms["started_on"], referral.created_at, "referral",
                         organisation_day.today(uow.session, referral.organisation_id))
        vacancy = get_scoped(uow.session, Vacancy, principal.organisation_id, referral.vacancy_id,
                             label="Vacancy", for_update=True)
        vacancy_rules.check_open(vacancy, "hires")
        placement = placements.start(uow, organisation_id=referral.organisation_id,
                                     trainee_id=referral.trainee_id, employer_id=referral.employer_id,
                                     vacancy=vacancy, terms=terms)
        referral.placement_id = placement.id
        uow.record(rules.hired_event(referral, placement))
        uow.session.flush()
        trainee_summaries.attach(uow.session, [referral])
        uow.commit()
        return referral


def get(uow: UnitOfWork, principal: Principal, referral_id: uuid.UUID) -> Referral:
    with uow:
        referral = scoping.get_for(uow.session, principal, Referral, referral_id, label="Referral")
        _hide_withheld(uow.session, principal, referral)
        return trainee_summaries.attach(uow.session, [referral])[0]


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[Referral], str | None]:
    stmt = scoping.filter_for(select(Referral), principal, Referral)
    if scoping.employer_scope(principal) is not None:  # employers see only people who consented to sharing
        stmt = stmt.where(Referral.trainee_id.not_in(
            consent.withheld(principal.organisation_id, consent_rules.EMPLOYER_SHARING)))
    stmt = filter_by(stmt, Referral, args, equal=("vacancy_id", "employer_id", "trainee_id", "status"))
    with uow:
        rows, cursor = page(uow.session, stmt, Referral, limit=args["limit"], cursor=args.get("cursor"))
        return trainee_summaries.attach(uow.session, rows), cursor
