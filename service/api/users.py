"""`/users`: admins create users (the token is shown once), list and remove them; tokens are rotated."""

from __future__ import annotations

import uuid

from schemas.pagination import page_of
from schemas.users import TokenSchema, UserCreatedSchema, UserCreateSchema, UserListArgsSchema, UserSchema
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, listing
from service.domain.roles import ADMIN_ONLY, EVERYONE
from service.services import users

blp = Blueprint("users", __name__, url_prefix="/users", description="Users and their roles.")


@blp.route("", methods=["POST"])
@requires(ADMIN_ONLY)
@idempotent
@blp.arguments(UserCreateSchema)
@blp.response(201, UserCreatedSchema)
def create_user(body):
    user, token = users.create(context.uow(), context.principal(), body, context.pathways().config.token_ttl)
    return {**{name: getattr(user, name) for name in UserSchema().fields}, "token": token,
            "expires_at": user.token_expires_at}


@blp.route("", methods=["GET"])
@requires(ADMIN_ONLY)
@blp.arguments(UserListArgsSchema, location="query")
@blp.response(200, page_of(UserSchema))
def list_users(args):
    return listing(users.list_(context.uow(), context.principal(), args))


@blp.route("/<uuid:user_id>", methods=["GET"])
@requires(ADMIN_ONLY)
@blp.response(200, UserSchema)
def get_user(user_id: uuid.UUID):
    return users.get(context.uow(), context.principal(), user_id)


@blp.route("/<uuid:user_id>", methods=["DELETE"])
@requires(ADMIN_ONLY)
@blp.response(204)
def delete_user(user_id: uuid.UUID):
    users.deactivate(context.uow(), context.principal(), user_id)


@blp.route("/<uuid:user_id>/token", methods=["POST"])
@requires(EVERYONE)
@blp.response(200, TokenSchema)
def rotate_token(user_id: uuid.UUID):
    """Replace a user's token: admins for any user of the organisation, everyone for themselves.
    The old token is refused at once. (No Idempotency-Key: a replay would hand the token out again.)"""
    user, token = users.rotate_token(context.uow(), context.principal(), user_id, context.pathways().config.token_ttl)
    return {"user_id": user.id, "token": token, "expires_at": user.token_expires_at}
