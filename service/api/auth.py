"""Bearer-token authentication and role checks for the API's views."""

from __future__ import annotations

import functools

from flask import g, request

from service import clock
from service.api import context
from service.domain.errors import Unauthenticated
from service.domain.roles import Role
from service.services import users
from service.domain.messages import Msg

MAX_TOKEN_LENGTH = 200


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise Unauthenticated(Msg("Send 'Authorization: Bearer <token>'."))
    return token


def requires(roles: frozenset[Role]):
    """Authenticate the caller, then allow only `roles` (403 for the others)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.principal = users.authenticate(context.pathways().uow(), _bearer_token())
            g.principal.require(roles)
            with clock.acting_in(g.principal.time_zone):  # the body's dates are read by its today
                return view(*args, **kwargs)

        wrapper._pathways_roles = roles
        return wrapper

    return decorator
