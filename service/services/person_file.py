"""A person's file: everything a person's page shows, read in a handful of queries scoped to the caller.

The page of one person shows their details, enrolments, referrals, placements and follow-ups, and
for those who may act on them the choices of its forms (projects and cohorts, open vacancies,
employers). Each list is one query with the names it shows joined in, so the page costs the same
whatever the person's history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from service.db import groups as group_vocabulary
from service.db.models import Cohort, Employer, Enrolment, FollowUp, Placement, Project, Referral, Trainee, Vacancy
from service.domain import countries
from service.domain import enrolments as enrolment_rules
from service.domain import follow_ups as follow_up_rules
from service.domain import referrals as referral_rules
from service.domain import vacancies as vacancy_rules
from service.domain.roles import CASEWORK_WRITERS, Principal
from service.services import organisation_day
from service.services.queries import get_scoped, own_organisation
from service.services.unit_of_work import UnitOfWork

#: The most options a select of the page lists: a caseworker's choice, not a directory.
MAXIMUM_CHOICES = 500


@dataclass(frozen=True)
class EnrolmentLine:
    enrolment: Enrolment
    project_code: str
    project_name: str
    cohort_name: str | None

    @property
    def is_open(self) -> bool:
        return self.enrolment.status == enrolment_rules.ENROLLED


@dataclass(frozen=True)
class ReferralLine:
    referral: Referral
    #: The vacancy referred to: its title is shown, its terms are the hire form's first values.
    vacancy: Vacancy
    employer_name: str

    @property
    def vacancy_title(self) -> str:
        return self.vacancy.title

    @property
    def is_open(self) -> bool:
        return self.referral.status in referral_rules.OPEN_STATUSES


@dataclass(frozen=True)
class PlacementLine:
    placement: Placement
    employer_name: str
    vacancy_title: str | None


@dataclass(frozen=True)
class FollowUpLine:
    follow_up: FollowUp
    project_name: str
    #: What the API shows by the organisation's today: scheduled, due, overdue, recorded or unreachable.
    shown_status: str
    window_ends_on: date


@dataclass(frozen=True)
class Choices:
    """The options of the page's action forms (only for those who may act)."""

    projects: list[Project]
    cohorts: list[tuple[Cohort, str]]  # (cohort, its project's code)
    vacancies: list[tuple[Vacancy, str]]  # (open vacancy, its employer's name)
    employers: list[Employer]
    currency: str | None


@dataclass(frozen=True)
class PersonFile:
    trainee: Trainee
    today: date
    enrolments: list[EnrolmentLine]
    referrals: list[ReferralLine]
    placements: list[PlacementLine]
    follow_ups: list[FollowUpLine]
    #: The organisation's vocabulary of groups (active ones offered, retired ones still named).
    groups: list[group_vocabulary.Entry]
    choices: Choices | None = None


def read(uow: UnitOfWork, principal: Principal, trainee_id: uuid.UUID, *, choices: bool = True) -> PersonFile:
    """The person's file; 404 for another organisation's person or a merged duplicate. With `choices`, and
    for a caller who may act on it, the options of its action forms too."""
    with uow:
        session = uow.session
        trainee = get_scoped(session, Trainee, principal.organisation_id, trainee_id, label="Trainee")
        organisation = own_organisation(session, principal.organisation_id)
        today = organisation_day.today(session, organisation.id)
        scope = (principal.organisation_id, trainee.id)
        return PersonFile(
            trainee=trainee, today=today,
            enrolments=_enrolments(session, *scope), referrals=_referrals(session, *scope),
            placements=_placements(session, *scope), follow_ups=_follow_ups(session, *scope, today),
            groups=group_vocabulary.entries(session, organisation),
            choices=_choices(session, organisation, today)
            if choices and principal.role in CASEWORK_WRITERS else None)


def _enrolments(session, org: uuid.UUID, trainee_id: uuid.UUID) -> list[EnrolmentLine]:
    rows = session.execute(
        select(Enrolment, Project.code, Project.name, Cohort.name)
        .join(Project, Project.id == Enrolment.project_id)
        .outerjoin(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.organisation_id == org, Enrolment.trainee_id == trainee_id)
        .order_by(Enrolment.enrolled_on.desc(), Enrolment.id.desc())).all()
    return [EnrolmentLine(*row) for row in rows]


def _referrals(session, org: uuid.UUID, trainee_id: uuid.UUID) -> list[ReferralLine]:
    rows = session.execute(
        select(Referral, Vacancy, Employer.name)
        .join(Vacancy, Vacancy.id == Referral.vacancy_id)
        .join(Employer, Employer.id == Referral.employer_id)
        .where(Referral.organisation_id == org, Referral.trainee_id == trainee_id)
        .order_by(Referral.created_at.desc(), Referral.id.desc())).all()
    return [ReferralLine(*row) for row in rows]


def _placements(session, org: uuid.UUID, trainee_id: uuid.UUID) -> list[PlacementLine]:
    rows = session.execute(
        select(Placement, Employer.name, Vacancy.title)
        .join(Employer, Employer.id == Placement.employer_id)
        .outerjoin(Vacancy, Vacancy.id == Placement.vacancy_id)
        .where(Placement.organisation_id == org, Placement.trainee_id == trainee_id)
        .order_by(Placement.started_on.desc(), Placement.id.desc())).all()
    return [PlacementLine(*row) for row in rows]


def _follow_ups(session, org: uuid.UUID, trainee_id: uuid.UUID, today: date) -> list[FollowUpLine]:
    rows = session.execute(
        select(FollowUp, Project.name)
        .join(Enrolment, Enrolment.id == FollowUp.enrolment_id)
        .join(Project, Project.id == Enrolment.project_id)
        .where(FollowUp.organisation_id == org, FollowUp.trainee_id == trainee_id)
        .order_by(FollowUp.due_on, FollowUp.id)).all()
    return [FollowUpLine(follow_up, project_name, follow_up_rules.shown_status(follow_up, today),
                         follow_up_rules.window_end(follow_up.checkpoint, follow_up.due_on))
            for follow_up, project_name in rows]


def _choices(session, organisation, today: date) -> Choices:
    org = organisation.id
    projects = list(session.scalars(select(Project).where(Project.organisation_id == org)
                                    .order_by(Project.code).limit(MAXIMUM_CHOICES)))
    # Cohorts one may still join: not ended, the latest MAXIMUM_CHOICES (the oldest ones were offered
    # before, so an organisation with more cohorts than that could not pick a current one), shown by project.
    running = session.execute(
        select(Cohort, Project.code).join(Project, Project.id == Cohort.project_id)
        .where(Cohort.organisation_id == org, or_(Cohort.ends_on.is_(None), Cohort.ends_on >= today))
        .order_by(Cohort.starts_on.desc().nulls_last(), Cohort.id).limit(MAXIMUM_CHOICES)).all()
    cohorts = sorted((tuple(row) for row in running),
                     key=lambda pair: (pair[1], pair[0].starts_on or date.max, pair[0].name))
    # Only vacancies a referral may go to now (service.domain.vacancies.check_takes_referrals).
    vacancies = [tuple(row) for row in session.execute(
        select(Vacancy, Employer.name).join(Employer, Employer.id == Vacancy.employer_id)
        .where(Vacancy.organisation_id == org, Vacancy.status == vacancy_rules.OPEN,
               or_(Vacancy.closes_on.is_(None), Vacancy.closes_on >= today))
        .order_by(Employer.name, Vacancy.title).limit(MAXIMUM_CHOICES))]
    employers = list(session.scalars(select(Employer).where(Employer.organisation_id == org)
                                     .order_by(Employer.name).limit(MAXIMUM_CHOICES)))
    return Choices(projects=projects, cohorts=cohorts, vacancies=vacancies,
                   employers=employers, currency=countries.profile(organisation.country).currency)
