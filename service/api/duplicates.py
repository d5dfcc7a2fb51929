"""`/trainees/duplicates` and merges: caseworkers and admins find people registered twice and merge them."""

from __future__ import annotations

import uuid

from schemas.merges import DuplicateListArgsSchema, DuplicatePageSchema, MergeBodySchema, MergeSchema
from schemas.placements import EmptySchema
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint
from service.domain.roles import CASEWORK_WRITERS
from service.services import matching, merges

blp = Blueprint("trainee_duplicates", __name__, url_prefix="/trainees",
                description="Possible duplicates (same birth date, same or similar name, not both with a national "
                            "id) and merges of a duplicate into the person it is; a merge can be undone.")


@blp.route("/duplicates", methods=["GET"])
@requires(CASEWORK_WRITERS)
@blp.arguments(DuplicateListArgsSchema, location="query")
@blp.response(200, DuplicatePageSchema)
def list_duplicates(args):
    """Pairs of possible duplicates, neither merged nor confirmed to be two people."""
    uow = context.uow()
    with uow:
        items, cursor = matching.pairs(uow.session, context.principal().organisation_id, limit=args["limit"],
                                       cursor=args.get("cursor"))
    return {"items": items, "next_cursor": cursor}


@blp.route("/<uuid:trainee_id>/merge", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(MergeBodySchema)
@blp.response(201, MergeSchema)
def merge_trainee(body, trainee_id: uuid.UUID):
    """Merge `duplicate_id` into this trainee: its enrolments, referrals, placements, follow-ups and documents
    move here; it stays, merged (GET answers 404 with `merged_into_id`), until the merge is undone."""
    return merges.merge(context.uow(), context.principal(), trainee_id, body["duplicate_id"])


@blp.route("/merges/<uuid:merge_id>", methods=["GET"])
@requires(CASEWORK_WRITERS)
@blp.response(200, MergeSchema)
def get_merge(merge_id: uuid.UUID):
    """A merge and what it moved."""
    return merges.get(context.uow(), context.principal(), merge_id)


@blp.route("/merges/<uuid:merge_id>/undo", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(EmptySchema, required=False)
@blp.response(200, MergeSchema)
def undo_merge(_body, merge_id: uuid.UUID):
    """Move back what the merge moved; the duplicate is listed again."""
    return merges.undo(context.uow(), context.principal(), merge_id)
