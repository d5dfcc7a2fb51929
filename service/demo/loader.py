"""Loading the demo programme through the use cases, exactly as API users would.

Every record is validated by the API's input schema and written by the service function
behind its endpoint, so rules, audit entries and outbox events all apply. Loading again
creates nothing and gives each demo user a fresh token. A first load that was
interrupted is not resumed: delete the database (`make clean`) to start afresh.
"""

from __future__ import annotations

import functools

from sqlalchemy import select

from schemas.enrolments import CompleteSchema, DropOutSchema, EnrolmentCreateSchema
from schemas.organisations import OrganisationPatchSchema
from schemas.projects import CohortCreateSchema, ProjectCreateSchema
from schemas.trainees import TraineeCreateSchema
from schemas.users import UserCreateSchema
from service.bootstrap import Pathways
from service.clock import today
from service.db.models import Organisation, User
from service.demo import data, generate
from service.domain.enrolments import COMPLETED, DROPPED_OUT
from service.domain.errors import Conflict
from service.domain.roles import Principal, Role
from service.services import enrolments, organisations, projects, users
from service.services import trainees as trainee_records  # `trainees` is the count load_demo takes


def load_demo(pathways: Pathways, *, trainees: int = 300, seed: int = 1400) -> dict:
    """Load the demo (or refresh its tokens); returns ids, one token per role and what was created."""
    try:
        organisation, admin, admin_token = organisations.bootstrap(
            pathways.uow(), **data.ORGANISATION, admin_email=data.USERS[Role.ADMIN])
    except Conflict:  # loaded before (or by a concurrent run)
        return _refresh(pathways)
    admin_principal = users.authenticate(pathways.uow(), admin_token)
    organisations.update(pathways.uow(actor_id=admin.id), admin_principal,
                         OrganisationPatchSchema().load(data.ORGANISATION_SETTINGS))
    tokens = {Role.ADMIN.value: admin_token}
    for role in (Role.CASEWORKER, Role.MANAGER):
        tokens[role.value] = _create_user(pathways, admin_principal, role)
    project_ids, cohort_ids = _create_programme(pathways, admin_principal)
    caseworker = users.authenticate(pathways.uow(), tokens[Role.CASEWORKER])
    people, enrolled = _create_people(pathways, caseworker, project_ids, cohort_ids,
                                      generate.plan(trainees, seed, today()))
    return {"organisation_id": str(organisation.id), "tokens": tokens,
            "created": {"projects": len(project_ids), "cohorts": len(cohort_ids), "trainees": people,
                        "enrolments": enrolled}}


def _create_user(pathways: Pathways, admin: Principal, role: Role) -> str:
    body = UserCreateSchema().load({"email": data.USERS[role], "role": role.value})
    _, token = users.create(pathways.uow(actor_id=admin.user_id), admin, body)
    return token


def _create_programme(pathways: Pathways, admin: Principal) -> tuple[dict, dict]:
    """Projects and cohorts; returns their ids by project code and by (code, cohort name)."""
    uow = functools.partial(pathways.uow, actor_id=admin.user_id)
    project_ids, cohort_ids = {}, {}
    for body in data.PROJECTS:
        project = projects.create(uow(), admin, ProjectCreateSchema().load(body))
        project_ids[project.code] = project.id
        for cohort_body in data.COHORTS[project.code]:
            cohort = projects.create_cohort(uow(), admin, project.id, CohortCreateSchema().load(cohort_body))
            cohort_ids[project.code, cohort.name] = cohort.id
    return project_ids, cohort_ids


def _create_people(pathways: Pathways, caseworker: Principal, project_ids: dict, cohort_ids: dict,
                   planned: list[generate.PlannedTrainee]) -> tuple[int, int]:
    """Register each planned trainee and take them through their enrolments; returns the counts."""
    uow = functools.partial(pathways.uow, actor_id=caseworker.user_id)
    register_schema, enrol_schema = TraineeCreateSchema(), EnrolmentCreateSchema()
    complete_schema, drop_out_schema = CompleteSchema(), DropOutSchema()
    enrolled = 0
    for person in planned:
        trainee = trainee_records.register(uow(), caseworker, register_schema.load(person.body), pathways.vault)
        for step in person.enrolments:
            enrolment = enrolments.enrol(uow(), caseworker, enrol_schema.load({
                "trainee_id": str(trainee.id), "project_id": str(project_ids[step.project]),
                "cohort_id": str(cohort_ids[step.project, step.cohort]),
                "enrolled_on": step.enrolled_on.isoformat()}))
            enrolled += 1
            if step.status == COMPLETED:
                enrolments.complete(uow(), caseworker, enrolment.id, complete_schema.load({
                    "exited_on": step.exited_on.isoformat(), "qualification_gained": step.qualification_gained}))
            elif step.status == DROPPED_OUT:
                enrolments.drop_out(uow(), caseworker, enrolment.id, drop_out_schema.load({
                    "exited_on": step.exited_on.isoformat(), "reason": step.reason}))
    return len(planned), enrolled


def _refresh(pathways: Pathways) -> dict:
    """The demo exists: create no programme records, give every demo user a fresh token.

    A demo user removed through the API since is created again, so that every run
    prints one working token per role.
    """
    with pathways.uow() as uow:  # a read-only look-up of what the first load created
        organisation_id = uow.session.scalar(select(Organisation.id).where(Organisation.slug == data.SLUG))
        user_ids = dict(uow.session.execute(select(User.email, User.id).where(
            User.organisation_id == organisation_id, User.active.is_(True),
            User.email.in_(data.USERS.values()))).all())
    admin_id = user_ids.get(data.USERS[Role.ADMIN])
    if admin_id is None:
        raise RuntimeError("The demo admin was removed; delete the database to load the demo afresh.")
    admin = Principal(user_id=admin_id, organisation_id=organisation_id, role=Role.ADMIN)
    tokens = {}
    for role, email in data.USERS.items():
        user_id = user_ids.get(email)
        tokens[role] = (users.reissue_token(pathways.uow(), user_id) if user_id
                        else _create_user(pathways, admin, Role(role)))
    return {"organisation_id": str(organisation_id), "tokens": tokens,
            "created": {"projects": 0, "cohorts": 0, "trainees": 0, "enrolments": 0}}
