"""`/follow-ups`: checkpoints after an exit; caseworkers record outcomes."""

from __future__ import annotations

import uuid

from schemas.pagination import page_of
from schemas.placements import FollowUpListArgsSchema, FollowUpRecordSchema, FollowUpSchema
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, listing
from service.domain.roles import CASEWORK_WRITERS, PROGRAMME_READERS
from service.services import follow_ups

blp = Blueprint("follow_ups", __name__, url_prefix="/follow-ups",
                description="Outcome checkpoints (exit, month_6, month_12) of exited enrolments: scheduled, due "
                            "in their window, overdue after it, recorded or unreachable.")


@blp.route("", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.arguments(FollowUpListArgsSchema, location="query")
@blp.response(200, page_of(FollowUpSchema))
def list_follow_ups(args):
    return listing(follow_ups.list_(context.uow(), context.principal(), args))


@blp.route("/<uuid:follow_up_id>", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.response(200, FollowUpSchema)
def get_follow_up(follow_up_id: uuid.UUID):
    return follow_ups.get(context.uow(), context.principal(), follow_up_id)


@blp.route("/<uuid:follow_up_id>", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(FollowUpRecordSchema)
@blp.response(200, FollowUpSchema)
def record_follow_up(body, follow_up_id: uuid.UUID):
    """Record the outcome (`status: recorded` with `employment_status`) or `status: unreachable`, observed on
    `observed_on`: a day in the checkpoint's window (`due_on` to `window_ends_on`) and not ahead of today; by
    default today, which is only possible while the window is open. Allowed once the checkpoint is due."""
    return follow_ups.record(context.uow(), context.principal(), follow_up_id, body)
