"""`/organisation/groups`: the organisation's vocabulary of groups a person may belong to."""

from __future__ import annotations

from schemas.groups import GroupCreateSchema, GroupListSchema, GroupPatchSchema, GroupSchema
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint
from service.domain.roles import ADMIN_ONLY, EVERYONE
from service.services import groups

blp = Blueprint("groups", __name__, url_prefix="/organisation/groups",
                description="The groups a person may belong to, with their labels and the indicators they feed.")


@blp.route("", methods=["GET"])
@requires(EVERYONE)
@blp.response(200, GroupListSchema)
def list_groups():
    """List the organisation's groups, retired ones too."""
    return {"items": groups.list_(context.uow(), context.principal())}


@blp.route("", methods=["POST"])
@requires(ADMIN_ONLY)
@idempotent
@blp.arguments(GroupCreateSchema)
@blp.response(201, GroupSchema)
def add_group(body):
    """Add a group to the vocabulary."""
    return groups.add(context.uow(), context.principal(), body)


@blp.route("/<string:key>", methods=["PATCH"])
@requires(ADMIN_ONLY)
@blp.arguments(GroupPatchSchema)
@blp.response(200, GroupSchema)
def change_group(changes, key: str):
    """Relabel a group, change what it feeds, retire or reinstate it."""
    return groups.change(context.uow(), context.principal(), key, changes)
