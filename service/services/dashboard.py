"""The managers' dashboard's use case: the figures of the organisation or of one of its projects, gathered from
the same use cases as the API's metrics (service.services.reporting, service.services.funnel), never
recomputed, plus the reach milestones service.services.milestones recorded and the projects to switch to.

Who may ask what, another organisation's project (404) and suppression are those use cases'.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from service import clock
from service.db.models import Milestone, Organisation, Project
from service.domain.roles import Principal
from service.metrics import freshness
from service.services import funnel, reporting
from service.services.milestones import PERCENTS, threshold
from service.services.queries import get_scoped, own_organisation
from service.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ReachedMilestone:
    percent: int
    #: The number of people that makes the milestone, for the target in effect now.
    people: int | None
    reached_at: datetime | None
    #: The count the milestone was reached with (the target may have changed since).
    reached_with: int | None


@dataclass(frozen=True)
class ProjectChoice:
    id: uuid.UUID
    code: str
    name: str
    starts_on: date | None = None


@dataclass(frozen=True)
class Dashboard:
    organisation_name: str
    project: ProjectChoice | None
    projects: tuple[ProjectChoice, ...]
    reach: dict
    outcomes: dict
    funnel: dict
    milestones: tuple[ReachedMilestone, ...]
    today: date

    @property
    def started_on(self) -> date | None:
        """When the scope's reach began at 0: the project's start, or the earliest start of the projects."""
        if self.project is not None:
            return self.project.starts_on
        return min((p.starts_on for p in self.projects if p.starts_on is not None), default=None)

    @property
    def reach_history(self) -> list[tuple[date, int]]:
        """The distinct people reached over time, all time (shown only without a period, whose count is not
        comparable): none at the start, each milestone on the day it was reached with the count it was reached
        with, and today's count."""
        points = [(m.reached_at.date(), m.reached_with) for m in self.milestones
                  if m.reached_at is not None and m.reached_with is not None]
        if self.reach.get("reached") is not None:
            points.append((self.today, self.reach["reached"]))
        start = self.started_on
        if points and start is not None and start < min(points)[0]:
            points.append((start, 0))
        return sorted(points)


def gather(uow_of: Callable[[], UnitOfWork], principal: Principal, project_id: uuid.UUID | None,
           period_start: date | None, period_end: date | None,
           inbox_retention: timedelta = freshness.INBOX_RETENTION) -> Dashboard:
    """`uow_of()` gives a new unit of work for each use case (each runs in its own transaction)."""
    args = {"project_id": project_id, "period_start": period_start, "period_end": period_end, "by": (),
            "suppress": True, "format": "json"}
    reach, organisation, _codes = reporting.report(uow_of(), principal, "reach", args, inbox_retention)
    # By sex: the cells say which sex's figures are hidden (a null rate in a shown cell has no one to count).
    outcomes, _organisation, _codes = reporting.report(uow_of(), principal, "outcomes", {**args, "by": ("sex",)},
                                                       inbox_retention)
    stages, _organisation, _codes = funnel.report(uow_of(), principal, {**args, "period_basis": "entry"})
    with uow_of() as uow:
        session = uow.session
        projects = _projects(session, organisation.id)
        project = next((p for p in projects if p.id == project_id), None) if project_id else None
        milestones = _milestones(session, organisation, project_id, reach.get("target"))
    return Dashboard(organisation.name, project, projects, reach, outcomes, stages, milestones,
                     clock.today(organisation.time_zone))


def _projects(session, organisation_id: uuid.UUID) -> tuple[ProjectChoice, ...]:
    return tuple(ProjectChoice(*row) for row in session.execute(
        select(Project.id, Project.code, Project.name, Project.starts_on)
        .where(Project.organisation_id == organisation_id).order_by(Project.code)))


def _milestones(session, organisation: Organisation, project_id: uuid.UUID | None,
                target: int | None) -> tuple[ReachedMilestone, ...]:
    """25, 50, 75 and 100 % of the scope's reach target, each with when it was reached (None: not yet)."""
    if project_id is not None:
        get_scoped(session, Project, organisation.id, project_id, label="Project")
    else:
        own_organisation(session, organisation.id)
    scope_id = project_id or organisation.id
    found = {row.percent: row for row in session.execute(
        select(Milestone.percent, Milestone.reached_at, Milestone.reached)
        .where(Milestone.organisation_id == organisation.id, Milestone.scope_id == scope_id))}
    return tuple(ReachedMilestone(percent, threshold(target, percent) if target else None,
                                  found[percent].reached_at if percent in found else None,
                                  found[percent].reached if percent in found else None)
                 for percent in PERCENTS)
