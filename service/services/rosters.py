"""Projects and cohorts as pages read them: capacity, places taken and who is enrolled, in numbered pages.

A place in a cohort is taken by every enrolment in it except one that dropped out: dropping out frees
the place, completing keeps it (the rule service.services.enrolments applies when enrolling). A
project's capacity is the sum of its cohorts' capacities; a cohort without one has no limit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, func, select

from service.db.models import Cohort, Enrolment, Project, Trainee
from service.domain import enrolments as enrolment_rules
from service.domain.errors import NotFound
from service.domain.messages import Msg
from service.domain.roles import Principal
from service.services.caseload import name_order
from service.services.matching import visible
from service.services.queries import get_scoped
from service.services.unit_of_work import UnitOfWork

PROJECT_SORTS = ("code", "name", "starts_on")
ENROLMENT_SORTS = ("name", "enrolled_on", "cohort", "status")


@dataclass
class Places:
    """Capacity (None: no limit), places taken, and how many are enrolled now (not exited)."""

    capacity: int | None
    taken: int
    enrolled_now: int
    #: Cohorts without a capacity (a project with one of them has places beyond `capacity`).
    unlimited_cohorts: int = 0

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)


@dataclass
class ProjectRow:
    id: uuid.UUID
    code: str
    name: str
    starts_on: date | None
    ends_on: date | None
    cohorts: int
    places: Places


@dataclass
class CohortRow:
    id: uuid.UUID
    name: str
    occupation: str
    district: str | None
    starts_on: date | None
    ends_on: date | None
    places: Places


@dataclass
class EnrolledRow:
    enrolment_id: uuid.UUID
    trainee_id: uuid.UUID
    given_name: str
    family_name: str
    phone: str | None
    cohort_id: uuid.UUID | None
    cohort_name: str | None
    status: str
    enrolled_on: date
    exited_on: date | None


@dataclass
class Page:
    rows: list
    total: int


_TAKES_PLACE = Enrolment.status != enrolment_rules.DROPPED_OUT
_OPEN = Enrolment.status == enrolment_rules.ENROLLED


def _cohort_places(organisation_id: uuid.UUID):
    """Per cohort: its capacity, places taken and people enrolled now."""
    return (select(Cohort.id.label("cohort_id"), Cohort.project_id, Cohort.capacity,
                   func.count(Enrolment.id).filter(_TAKES_PLACE).label("taken"),
                   func.count(Enrolment.id).filter(_OPEN).label("enrolled_now"))
            .outerjoin(Enrolment, and_(Enrolment.cohort_id == Cohort.id, Enrolment.organisation_id == organisation_id))
            .where(Cohort.organisation_id == organisation_id)
            .group_by(Cohort.id, Cohort.project_id, Cohort.capacity).subquery())


def projects(uow: UnitOfWork, principal: Principal, *, sort: str = "code", descending: bool = False,
             offset: int = 0, limit: int = 25, language: str = "en") -> Page:
    """A page of the organisation's projects, each with its cohorts' capacity and places taken."""
    org = principal.organisation_id
    with uow:
        session = uow.session
        cohorts = _cohort_places(org)
        per_project = (select(cohorts.c.project_id, func.count().label("cohorts"),
                              func.sum(cohorts.c.capacity).label("capacity"),
                              func.sum(case((cohorts.c.capacity.is_(None), 1), else_=0)).label("unlimited"),
                              func.sum(cohorts.c.taken).label("taken"))
                       .group_by(cohorts.c.project_id).subquery())
        open_now = (select(Enrolment.project_id, func.count().label("enrolled_now"))
                    .where(Enrolment.organisation_id == org, _OPEN).group_by(Enrolment.project_id).subquery())
        stmt = (select(Project.id, Project.code, Project.name, Project.starts_on, Project.ends_on,
                       per_project.c.cohorts, per_project.c.capacity, per_project.c.unlimited, per_project.c.taken,
                       open_now.c.enrolled_now)
                .outerjoin(per_project, per_project.c.project_id == Project.id)
                .outerjoin(open_now, open_now.c.project_id == Project.id)
                .where(Project.organisation_id == org))
        total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        keys = {"code": (Project.code,), "name": (name_order(session, Project.name, language),),
                "starts_on": (Project.starts_on, Project.code)}[sort] + (Project.id,)
        stmt = stmt.order_by(*(key.desc() if descending else key for key in keys)).offset(offset).limit(limit)
        rows = [ProjectRow(id=row.id, code=row.code, name=row.name, starts_on=row.starts_on, ends_on=row.ends_on,
                           cohorts=row.cohorts or 0,
                           places=Places(capacity=None if row.capacity is None else int(row.capacity),
                                         taken=int(row.taken or 0), enrolled_now=int(row.enrolled_now or 0),
                                         unlimited_cohorts=int(row.unlimited or 0)))
                for row in session.execute(stmt)]
        return Page(rows=rows, total=total)


def project(uow: UnitOfWork, principal: Principal, project_id: uuid.UUID) -> tuple[Project, list[CohortRow], Places]:
    """The project, its cohorts with their places (by start date, then name), and the project's totals."""
    org = principal.organisation_id
    with uow:
        session = uow.session
        found = get_scoped(session, Project, org, project_id, label="Project")
        places = _cohort_places(org)
        stmt = (select(Cohort, places.c.taken, places.c.enrolled_now)
                .join(places, places.c.cohort_id == Cohort.id)
                .where(Cohort.project_id == found.id)
                .order_by(Cohort.starts_on.is_(None), Cohort.starts_on, Cohort.name, Cohort.id))
        cohorts = [CohortRow(id=cohort.id, name=cohort.name, occupation=cohort.occupation, district=cohort.district,
                             starts_on=cohort.starts_on, ends_on=cohort.ends_on,
                             places=Places(capacity=cohort.capacity, taken=taken, enrolled_now=enrolled_now))
                   for cohort, taken, enrolled_now in session.execute(stmt)]
        open_now = session.execute(select(func.count()).where(
            Enrolment.organisation_id == org, Enrolment.project_id == found.id, _OPEN)).scalar_one()
        limited = [c.places.capacity for c in cohorts if c.places.capacity is not None]
        totals = Places(capacity=sum(limited) if limited else None, taken=sum(c.places.taken for c in cohorts),
                        enrolled_now=open_now, unlimited_cohorts=len(cohorts) - len(limited))
        return found, cohorts, totals


def project_choices(uow: UnitOfWork, principal: Principal) -> list[tuple[uuid.UUID, str, str]]:
    """(id, code, name) of every project of the organisation, by code: a filter's choices."""
    with uow:
        stmt = (select(Project.id, Project.code, Project.name)
                .where(Project.organisation_id == principal.organisation_id).order_by(Project.code))
        return [(row.id, row.code, row.name) for row in uow.session.execute(stmt)]


def _enrolled(principal: Principal, project_id: uuid.UUID, cohort_id: uuid.UUID | None,
              status: str | None) -> Select:
    org = principal.organisation_id
    stmt = (select(Enrolment.id.label("enrolment_id"), Enrolment.trainee_id, Trainee.given_name, Trainee.family_name,
                   Trainee.phone, Enrolment.cohort_id, Cohort.name.label("cohort_name"), Enrolment.status,
                   Enrolment.enrolled_on, Enrolment.exited_on)
            .join(Trainee, Trainee.id == Enrolment.trainee_id)
            .outerjoin(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(Enrolment.organisation_id == org, Trainee.organisation_id == org,
                   Enrolment.project_id == project_id))
    if cohort_id is not None:
        stmt = stmt.where(Enrolment.cohort_id == cohort_id)
    if status:
        stmt = stmt.where(Enrolment.status == status)
    return visible(stmt)


def enrolled(uow: UnitOfWork, principal: Principal, project_id: uuid.UUID, *, cohort_id: uuid.UUID | None = None,
             status: str | None = None, sort: str = "name", descending: bool = False, offset: int = 0,
             limit: int = 25, language: str = "en") -> Page:
    """Who is (or was) enrolled in the project, or in one of its cohorts: a page, and how many in all."""
    with uow:
        session = uow.session
        get_scoped(session, Project, principal.organisation_id, project_id, label="Project")
        if cohort_id is not None:
            cohort = session.get(Cohort, cohort_id)
            if cohort is None or cohort.organisation_id != principal.organisation_id or cohort.project_id != project_id:
                raise NotFound(Msg("Cohort not found."))
        stmt = _enrolled(principal, project_id, cohort_id, status)
        total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        family = name_order(session, Trainee.family_name, language)
        given = name_order(session, Trainee.given_name, language)
        keys = {"name": (family, given), "enrolled_on": (Enrolment.enrolled_on, family, given),
                "cohort": (name_order(session, Cohort.name, language), family, given),
                "status": (Enrolment.status, family, given)}[sort] + (Enrolment.id,)
        stmt = stmt.order_by(*(key.desc() if descending else key for key in keys)).offset(offset).limit(limit)
        return Page(rows=[EnrolledRow(**row._mapping) for row in session.execute(stmt)], total=total)
