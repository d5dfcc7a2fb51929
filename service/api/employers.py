"""`/employers`: staff register employers; an employer user sees its own record."""

from __future__ import annotations

import uuid

from schemas.employers import EmployerCreateSchema, EmployerListArgsSchema, EmployerSchema
from schemas.pagination import page_of
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, listing
from service.domain.roles import CASEWORK_WRITERS, EMPLOYER_SIDE_READERS
from service.services import employers

blp = Blueprint("employers", __name__, url_prefix="/employers", description="Employers.")


@blp.route("", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(EmployerCreateSchema)
@blp.response(201, EmployerSchema)
def create_employer(body):
    return employers.create(context.uow(), context.principal(), body)


@blp.route("", methods=["GET"])
@requires(EMPLOYER_SIDE_READERS)
@blp.arguments(EmployerListArgsSchema, location="query")
@blp.response(200, page_of(EmployerSchema))
def list_employers(args):
    return listing(employers.list_(context.uow(), context.principal(), args))


@blp.route("/<uuid:employer_id>", methods=["GET"])
@requires(EMPLOYER_SIDE_READERS)
@blp.response(200, EmployerSchema)
def get_employer(employer_id: uuid.UUID):
    return employers.get(context.uow(), context.principal(), employer_id)
