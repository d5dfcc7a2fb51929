"""`/trainees`: caseworkers and admins register and maintain; managers read."""

from __future__ import annotations

import uuid


from schemas.documents import DocumentAddSchema, DocumentRemoveArgsSchema, DocumentSchema
from schemas.pagination import page_of
from schemas.trainees import TraineeCreateSchema, TraineeListArgsSchema, TraineePatchSchema, TraineeSchema
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, listing
from service.domain.roles import CASEWORK_WRITERS, PROGRAMME_READERS
from service.services import documents, trainees

blp = Blueprint("trainees", __name__, url_prefix="/trainees",
                description="Trainees. Identity numbers (documents, national id) are write-only: never returned.")


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
    return listing(trainees.list_(context.uow(), context.principal(), args, context.pathways().vault))


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
    return trainees.update(context.uow(), context.principal(), trainee_id, changes, context.pathways().vault)


@blp.route("/<uuid:trainee_id>/documents", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(DocumentAddSchema)
@blp.response(201, DocumentSchema)
def add_document(body, trainee_id: uuid.UUID):
    """Add an identity document, checked as at registration (a Swedish number against the person's birth date
    and sex); 409 with the holder's id when the number is held in the organisation. Clears any
    `no_document_reason`. The number is never answered."""
    return documents.add(context.uow(), context.principal(), trainee_id, body, context.pathways().vault)


@blp.route("/<uuid:trainee_id>/documents/<uuid:document_id>", methods=["DELETE"])
@requires(CASEWORK_WRITERS)
@blp.arguments(DocumentRemoveArgsSchema, location="query")
@blp.response(204)
def remove_document(args, trainee_id: uuid.UUID, document_id: uuid.UUID):
    """Remove a document (one recorded by mistake); the person's last one only with `no_document_reason`."""
    documents.remove(context.uow(), context.principal(), trainee_id, document_id, args.get("no_document_reason"))
