"""`/projects` and their `/cohorts`: admins write, programme staff read."""

from __future__ import annotations

import uuid


from schemas.pagination import PageArgsSchema, page_of
from schemas.projects import (CohortCreateSchema, CohortSchema, ProjectCreateSchema, ProjectListArgsSchema,
                              ProjectPatchSchema, ProjectSchema)
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, listing
from service.domain.roles import ADMIN_ONLY, PROGRAMME_READERS
from service.services import projects

blp = Blueprint("projects", __name__, url_prefix="/projects", description="Projects and their cohorts.")


@blp.route("", methods=["POST"])
@requires(ADMIN_ONLY)
@idempotent
@blp.arguments(ProjectCreateSchema)
@blp.response(201, ProjectSchema)
def create_project(body):
    return projects.create(context.uow(), context.principal(), body)


@blp.route("", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.arguments(ProjectListArgsSchema, location="query")
@blp.response(200, page_of(ProjectSchema))
def list_projects(args):
    return listing(projects.list_(context.uow(), context.principal(), args))


@blp.route("/<uuid:project_id>", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.response(200, ProjectSchema)
def get_project(project_id: uuid.UUID):
    return projects.get(context.uow(), context.principal(), project_id)


@blp.route("/<uuid:project_id>", methods=["PATCH"])
@requires(ADMIN_ONLY)
@blp.arguments(ProjectPatchSchema)
@blp.response(200, ProjectSchema)
def patch_project(changes, project_id: uuid.UUID):
    return projects.update(context.uow(), context.principal(), project_id, changes)


@blp.route("/<uuid:project_id>/cohorts", methods=["POST"])
@requires(ADMIN_ONLY)
@idempotent
@blp.arguments(CohortCreateSchema)
@blp.response(201, CohortSchema)
def create_cohort(body, project_id: uuid.UUID):
    return projects.create_cohort(context.uow(), context.principal(), project_id, body)


@blp.route("/<uuid:project_id>/cohorts", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_of(CohortSchema))
def list_cohorts(args, project_id: uuid.UUID):
    return listing(projects.list_cohorts(context.uow(), context.principal(), project_id, args))


@blp.route("/<uuid:project_id>/cohorts/<uuid:cohort_id>", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.response(200, CohortSchema)
def get_cohort(project_id: uuid.UUID, cohort_id: uuid.UUID):
    return projects.get_cohort(context.uow(), context.principal(), project_id, cohort_id)
