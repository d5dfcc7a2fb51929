"""Projects and cohorts: written by admins, read by the programme's staff."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.db.models import Cohort, Project
from service.domain.errors import Conflict, NotFound, ValidationFailed
from service.domain.roles import Principal
from service.services import groups
from service.services.queries import get_scoped, page
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg


def create(uow: UnitOfWork, principal: Principal, data: dict) -> Project:
    with uow:
        if _code_taken(uow, principal.organisation_id, data["code"]):
            raise Conflict(Msg("A project with code {code} exists already.", code=repr(data["code"])))
        groups.check_targets(uow.session, principal.organisation_id, data.get("share_targets"))
        project = Project(organisation_id=principal.organisation_id, **data)
        uow.session.add(project)
        try:
            uow.commit()
        except IntegrityError:
            raise Conflict(Msg("A project with code {code} exists already.", code=repr(data["code"]))) from None
        return project


def _code_taken(uow: UnitOfWork, organisation_id: uuid.UUID, code: str) -> bool:
    stmt = select(Project.id).where(Project.organisation_id == organisation_id, Project.code == code)
    return uow.session.scalar(stmt) is not None


def update(uow: UnitOfWork, principal: Principal, project_id: uuid.UUID, changes: dict) -> Project:
    with uow:
        project = get_scoped(uow.session, Project, principal.organisation_id, project_id, label="Project")
        if "code" in changes and changes["code"] != project.code and _code_taken(
                uow, principal.organisation_id, changes["code"]):
            raise Conflict(Msg("A project with code {code} exists already.", code=repr(changes["code"])))
        groups.check_targets(uow.session, principal.organisation_id, changes.get("share_targets"))
        starts_on = changes.get("starts_on", project.starts_on)
        ends_on = changes.get("ends_on", project.ends_on)
        if starts_on and ends_on and ends_on < starts_on:
            raise ValidationFailed({"ends_on": [Msg("Must not be before starts_on.")]})
        for key, value in changes.items():
            setattr(project, key, value)
        uow.commit()
        return project


def get(uow: UnitOfWork, principal: Principal, project_id: uuid.UUID) -> Project:
    with uow:
        return get_scoped(uow.session, Project, principal.organisation_id, project_id, label="Project")


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[Project], str | None]:
    stmt = select(Project).where(Project.organisation_id == principal.organisation_id)
    if args.get("code"):
        stmt = stmt.where(Project.code == args["code"])
    with uow:
        return page(uow.session, stmt, Project, limit=args["limit"], cursor=args.get("cursor"))


def create_cohort(uow: UnitOfWork, principal: Principal, project_id: uuid.UUID, data: dict) -> Cohort:
    with uow:
        project = get_scoped(uow.session, Project, principal.organisation_id, project_id, label="Project")
        cohort = Cohort(organisation_id=principal.organisation_id, project_id=project.id, **data)
        uow.session.add(cohort)
        uow.commit()
        return cohort


def list_cohorts(uow: UnitOfWork, principal: Principal, project_id: uuid.UUID,
                 args: dict) -> tuple[list[Cohort], str | None]:
    with uow:
        get_scoped(uow.session, Project, principal.organisation_id, project_id, label="Project")
        stmt = select(Cohort).where(Cohort.organisation_id == principal.organisation_id,
                                    Cohort.project_id == project_id)
        return page(uow.session, stmt, Cohort, limit=args["limit"], cursor=args.get("cursor"))


def get_cohort(uow: UnitOfWork, principal: Principal, project_id: uuid.UUID, cohort_id: uuid.UUID) -> Cohort:
    with uow:
        cohort = get_scoped(uow.session, Cohort, principal.organisation_id, cohort_id, label="Cohort")
        if cohort.project_id != project_id:
            raise NotFound(Msg("Cohort not found."))
        return cohort
