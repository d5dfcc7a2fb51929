"""What an employer user's pages read: their vacancies with the referrals at each step, the people referred
to them, their current placements, and the counts of the home page.

An employer sees the minimum of a referred trainee (SPEC section 1): the rows here carry the given name, the
family name's initial, the latest cohort and its occupation, and nothing else of the person (no id, phone,
e-mail, sex or group), so a page cannot show more than it is given. Every query is confined to the user's
own employer (an indexed `employer_id`) and bounded by a page size.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select

from service.db.models import Placement, Referral, Vacancy
from service.domain import consent as consent_rules
from service.domain import countries
from service.domain import referrals as referral_rules
from service.domain import vacancies as vacancy_rules
from service.domain.errors import Forbidden
from service.domain.messages import Msg
from service.domain.roles import Principal, Role
from service.services import consent, trainee_summaries
from service.services.queries import own_organisation
from service.services.unit_of_work import UnitOfWork

#: The most rows of one page of a list.
PAGE_SIZE = 25


def _own_employer(principal: Principal) -> uuid.UUID:
    """The employer of an employer user: these pages are theirs alone."""
    if principal.role != Role.EMPLOYER or principal.employer_id is None:
        raise Forbidden(Msg("The {role} role may not do this.", role=principal.role))
    return principal.employer_id


@dataclass
class VacancyRow:
    vacancy: Vacancy
    #: referral status -> how many of the vacancy's referrals are at it (every status present, 0 when none).
    steps: dict[str, int] = field(default_factory=dict)


@dataclass
class Summary:
    """A referred or placed person as an employer may know them."""

    given_name: str
    family_name_initial: str
    cohort: str | None
    occupation: str | None

    @classmethod
    def of(cls, found: dict | None) -> "Summary":
        found = found or {}
        return cls(given_name=found.get("given_name", ""), family_name_initial=found.get("family_name_initial", ""),
                   cohort=found.get("cohort"), occupation=found.get("occupation"))


@dataclass
class InboxRow:
    id: uuid.UUID
    status: str
    referred_at: object
    vacancy_id: uuid.UUID
    vacancy_title: str
    vacancy_occupation: str
    #: The vacancy's terms: the hire form starts from them.
    wage_monthly: Decimal
    currency: str
    contract_type: str
    person: Summary

    @property
    def open(self) -> bool:
        return self.status in referral_rules.OPEN_STATUSES


@dataclass
class PlacementRow:
    id: uuid.UUID
    started_on: date
    vacancy_title: str | None
    contract_type: str
    hours_per_week: int
    wage_monthly: Decimal
    currency: str
    person: Summary


@dataclass
class Found:
    rows: list
    total: int


@dataclass
class Counts:
    open_vacancies: int
    open_referrals: int
    current_placements: int


class _Subject:
    """What `trainee_summaries.attach` reads and writes; dropped once the summary is taken."""

    def __init__(self, trainee_id: uuid.UUID):
        self.trainee_id = trainee_id
        self.trainee: dict | None = None


def _summaries(session, trainee_ids: list[uuid.UUID]) -> list[Summary]:
    subjects = trainee_summaries.attach(session, [_Subject(trainee_id) for trainee_id in trainee_ids])
    return [Summary.of(subject.trainee) for subject in subjects]


def vacancies(uow: UnitOfWork, principal: Principal, *, status: str | None = None, offset: int = 0,
              limit: int = PAGE_SIZE) -> Found:
    """The employer's vacancies, open ones first, newest first, with their referrals counted per step."""
    employer_id = _own_employer(principal)
    where = [Vacancy.organisation_id == principal.organisation_id, Vacancy.employer_id == employer_id]
    if status in vacancy_rules.STATUSES:
        where.append(Vacancy.status == status)
    with uow:
        session = uow.session
        total = session.execute(select(func.count()).select_from(Vacancy).where(*where)).scalar_one()
        found = list(session.scalars(
            select(Vacancy).where(*where)
            .order_by(case((Vacancy.status == vacancy_rules.OPEN, 0), else_=1), Vacancy.created_at.desc(),
                      Vacancy.id.desc())
            .offset(offset).limit(limit)))
        rows = [VacancyRow(vacancy, dict.fromkeys(referral_rules.STATUSES, 0)) for vacancy in found]
        if rows:
            by_id = {row.vacancy.id: row for row in rows}
            counted = session.execute(
                select(Referral.vacancy_id, Referral.status, func.count())
                .where(Referral.organisation_id == principal.organisation_id, Referral.employer_id == employer_id,
                       Referral.vacancy_id.in_(by_id))
                .group_by(Referral.vacancy_id, Referral.status)).all()
            for vacancy_id, referral_status, count in counted:
                by_id[vacancy_id].steps[referral_status] = count
        return Found(rows, total)


def vacancy_choices(uow: UnitOfWork, principal: Principal, limit: int = 200) -> list[tuple[uuid.UUID, str]]:
    """(id, title) of the employer's latest vacancies, for the inbox's filter."""
    employer_id = _own_employer(principal)
    with uow:
        return [(row.id, row.title) for row in uow.session.execute(
            select(Vacancy.id, Vacancy.title)
            .where(Vacancy.organisation_id == principal.organisation_id, Vacancy.employer_id == employer_id)
            .order_by(Vacancy.created_at.desc(), Vacancy.id.desc()).limit(limit))]


def default_currency(uow: UnitOfWork, principal: Principal) -> str | None:
    """The currency a new vacancy starts with: the employer's latest vacancy's, else the country's."""
    employer_id = _own_employer(principal)
    with uow:
        latest = uow.session.scalar(
            select(Vacancy.currency)
            .where(Vacancy.organisation_id == principal.organisation_id, Vacancy.employer_id == employer_id)
            .order_by(Vacancy.created_at.desc()).limit(1))
        if latest:
            return latest
        country = own_organisation(uow.session, principal.organisation_id).country
        return getattr(countries.profile(country), "currency", None)


def inbox(uow: UnitOfWork, principal: Principal, *, vacancy_id: uuid.UUID | None = None,
          status: str | None = None, offset: int = 0, limit: int = PAGE_SIZE) -> Found:
    """The people referred to the employer: open referrals first, newest first."""
    employer_id = _own_employer(principal)
    where = [Referral.organisation_id == principal.organisation_id, Referral.employer_id == employer_id,
             # Sharing with employers withdrawn: the employer no longer sees the person (issue 18).
             Referral.trainee_id.not_in(consent.withheld(principal.organisation_id, consent_rules.EMPLOYER_SHARING))]
    if vacancy_id is not None:
        where.append(Referral.vacancy_id == vacancy_id)
    if status in referral_rules.STATUSES:
        where.append(Referral.status == status)
    with uow:
        session = uow.session
        total = session.execute(select(func.count()).select_from(Referral).where(*where)).scalar_one()
        found = session.execute(
            select(Referral.id, Referral.status, Referral.created_at, Referral.trainee_id, Vacancy.id,
                   Vacancy.title, Vacancy.occupation, Vacancy.wage_monthly, Vacancy.currency, Vacancy.contract_type)
            .join(Vacancy, Vacancy.id == Referral.vacancy_id)
            .where(*where)
            .order_by(case((Referral.status.in_(referral_rules.OPEN_STATUSES), 0), else_=1),
                      Referral.created_at.desc(), Referral.id.desc())
            .offset(offset).limit(limit)).all()
        people = _summaries(session, [row[3] for row in found])
        rows = [InboxRow(id=row[0], status=row[1], referred_at=row[2], vacancy_id=row[4], vacancy_title=row[5],
                         vacancy_occupation=row[6], wage_monthly=row[7], currency=row[8], contract_type=row[9],
                         person=person)
                for row, person in zip(found, people, strict=True)]
        return Found(rows, total)


def placements(uow: UnitOfWork, principal: Principal, *, offset: int = 0, limit: int = PAGE_SIZE) -> Found:
    """The employer's current placements (not ended), latest start first."""
    employer_id = _own_employer(principal)
    where = [Placement.organisation_id == principal.organisation_id, Placement.employer_id == employer_id,
             Placement.ended_on.is_(None)]
    with uow:
        session = uow.session
        total = session.execute(select(func.count()).select_from(Placement).where(*where)).scalar_one()
        found = session.execute(
            select(Placement.id, Placement.started_on, Vacancy.title, Placement.contract_type,
                   Placement.hours_per_week, Placement.wage_monthly, Placement.currency, Placement.trainee_id)
            .outerjoin(Vacancy, Vacancy.id == Placement.vacancy_id)
            .where(*where)
            .order_by(Placement.started_on.desc(), Placement.id.desc())
            .offset(offset).limit(limit)).all()
        people = _summaries(session, [row[7] for row in found])
        rows = [PlacementRow(id=row[0], started_on=row[1], vacancy_title=row[2], contract_type=row[3],
                             hours_per_week=row[4], wage_monthly=row[5], currency=row[6], person=person)
                for row, person in zip(found, people, strict=True)]
        return Found(rows, total)


def counts(uow: UnitOfWork, principal: Principal) -> Counts:
    """The home page's figures: open vacancies, referrals waiting for a decision, current placements."""
    employer_id = _own_employer(principal)
    org = principal.organisation_id
    with uow:
        session = uow.session
        open_vacancies = session.execute(select(func.count()).select_from(Vacancy).where(
            Vacancy.organisation_id == org, Vacancy.employer_id == employer_id,
            Vacancy.status == vacancy_rules.OPEN)).scalar_one()
        open_referrals = session.execute(select(func.count()).select_from(Referral).where(
            Referral.organisation_id == org, Referral.employer_id == employer_id,
            Referral.status.in_(referral_rules.OPEN_STATUSES),
            Referral.trainee_id.not_in(consent.withheld(org, consent_rules.EMPLOYER_SHARING)))).scalar_one()
        current = session.execute(select(func.count()).select_from(Placement).where(
            Placement.organisation_id == org, Placement.employer_id == employer_id,
            Placement.ended_on.is_(None))).scalar_one()
        return Counts(open_vacancies, open_referrals, current)
