"""Request-scoped access to the composition root and the authenticated caller."""

from __future__ import annotations

from flask import current_app, g

from service.bootstrap import Pathways
from service.domain.roles import Principal
from service.services.unit_of_work import UnitOfWork

EXTENSION = "pathways"


def pathways() -> Pathways:
    return current_app.extensions[EXTENSION]


def principal() -> Principal:
    return g.principal


def uow() -> UnitOfWork:
    """A unit of work whose audit entries name the caller."""
    caller = g.get("principal")
    return pathways().uow(actor_id=caller.user_id if caller else None)
