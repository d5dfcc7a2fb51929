"""`/trainees`: caseworkers and admins register and maintain; managers read."""

from __future__ import annotations

import uuid


from schemas.pagination import page_of
from schemas.trainees import TraineeCreateSchema, TraineeListArgsSchema, TraineePatchSchema, TraineeSchema
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, listing
from service.domain.roles import CASEWORK_WRITERS, PROGRAMME_READERS
from service.services import trainees

blp = Blueprint("trainees", __name__, url_prefix="/trainees",
                description="Trainees. The national id is write-only: it is never returned.")


@blp.route("", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(TraineeCreateSchema)
@blp.response(201, TraineeSchema)
def register_trainee(body):
    return trainees.register(context.uow(), context.principal(), body, context.pathways().vault)


@blp.route("", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.arguments(TraineeListArgsSchema, location="query")
@blp.response(200, page_of(TraineeSchema))
def list_trainees(args):
    return listing(trainees.list_(context.uow(), context.principal(), args))


@blp.route("/<uuid:trainee_id>", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.response(200, TraineeSchema)
def get_trainee(trainee_id: uuid.UUID):
    return trainees.get(context.uow(), context.principal(), trainee_id)


@blp.route("/<uuid:trainee_id>", methods=["PATCH"])
@requires(CASEWORK_WRITERS)
@blp.arguments(TraineePatchSchema)
@blp.response(200, TraineeSchema)
def patch_trainee(changes, trainee_id: uuid.UUID):
    return trainees.update(context.uow(), context.principal(), trainee_id, changes)
