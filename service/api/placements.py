"""`/placements`: job starts and their end; employer users see, and end, their own.

Employer users record jobs only by hiring their own referrals (`/referrals/{id}/hire`): a free
placement is for staff, as it declares a trainee employed for the funder's outcomes.
"""

from __future__ import annotations

import uuid

from schemas.pagination import page_of
from schemas.placements import (EmployerPlacementSchema, PlacementCreateSchema, PlacementEndSchema,
                                PlacementListArgsSchema, PlacementSchema)
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, dump, dump_listing
from service.domain.roles import CASEWORK_WRITERS, EMPLOYER_SIDE_READERS, EMPLOYER_SIDE_WRITERS, Role
from service.services import placements

blp = Blueprint("placements", __name__, url_prefix="/placements", description="Placements (job starts).")


def _schema():
    return EmployerPlacementSchema() if context.principal().role == Role.EMPLOYER else PlacementSchema()


@blp.route("", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(PlacementCreateSchema)
@blp.response(201, PlacementSchema)
def create_placement(body):
    return dump(PlacementSchema(), placements.create(context.uow(), context.principal(), body), status=201)


@blp.route("", methods=["GET"])
@requires(EMPLOYER_SIDE_READERS)
@blp.arguments(PlacementListArgsSchema, location="query")
@blp.response(200, page_of(PlacementSchema))
def list_placements(args):
    return dump_listing(_schema(), placements.list_(context.uow(), context.principal(), args))


@blp.route("/<uuid:placement_id>", methods=["GET"])
@requires(EMPLOYER_SIDE_READERS)
@blp.response(200, PlacementSchema)
def get_placement(placement_id: uuid.UUID):
    return dump(_schema(), placements.get(context.uow(), context.principal(), placement_id))


@blp.route("/<uuid:placement_id>/end", methods=["POST"])
@requires(EMPLOYER_SIDE_WRITERS)
@idempotent
@blp.arguments(PlacementEndSchema)
@blp.response(200, PlacementSchema)
def end_placement(body, placement_id: uuid.UUID):
    return dump(_schema(), placements.end(context.uow(), context.principal(), placement_id, body))
