"""`/enrolments`, their exits (complete, drop-out) and corrections of their values at entry."""

from __future__ import annotations

import uuid


from schemas.enrolments import (CompleteSchema, CorrectEntrySchema, DropOutSchema, EnrolmentCreateSchema,
                                EnrolmentListArgsSchema, EnrolmentSchema)
from schemas.pagination import page_of
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, listing
from service.domain.roles import CASEWORK_WRITERS, PROGRAMME_READERS
from service.services import enrolments

blp = Blueprint("enrolments", __name__, url_prefix="/enrolments",
                description="Enrolments of trainees in projects, and their exits.")


@blp.route("", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(EnrolmentCreateSchema)
@blp.response(201, EnrolmentSchema)
def create_enrolment(body):
    return enrolments.enrol(context.uow(), context.principal(), body)


@blp.route("", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.arguments(EnrolmentListArgsSchema, location="query")
@blp.response(200, page_of(EnrolmentSchema))
def list_enrolments(args):
    return listing(enrolments.list_(context.uow(), context.principal(), args))


@blp.route("/<uuid:enrolment_id>", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.response(200, EnrolmentSchema)
def get_enrolment(enrolment_id: uuid.UUID):
    return enrolments.get(context.uow(), context.principal(), enrolment_id)


@blp.route("/<uuid:enrolment_id>/complete", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(CompleteSchema)
@blp.response(200, EnrolmentSchema)
def complete_enrolment(body, enrolment_id: uuid.UUID):
    return enrolments.complete(context.uow(), context.principal(), enrolment_id, body)


@blp.route("/<uuid:enrolment_id>/drop-out", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(DropOutSchema)
@blp.response(200, EnrolmentSchema)
def drop_out_enrolment(body, enrolment_id: uuid.UUID):
    return enrolments.drop_out(context.uow(), context.principal(), enrolment_id, body)


@blp.route("/<uuid:enrolment_id>/correct-entry", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(CorrectEntrySchema)
@blp.response(200, EnrolmentSchema)
def correct_enrolment_entry(body, enrolment_id: uuid.UUID):
    """Correct the person's values at entry (open or closed enrolment), with a reason. Recorded in the audit
    (action `correct`, the changes and the reason) and counted by `pathways metrics verify`: a closed
    participation's figures change only this way."""
    return enrolments.correct_entry(context.uow(), context.principal(), enrolment_id, body)
