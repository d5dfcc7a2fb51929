"""Request-scoped access to the composition root, the authenticated caller and its units of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g

from service.bootstrap import Pathways
from service.domain.roles import Principal
from service.services.unit_of_work import SharedTransaction, UnitOfWork

EXTENSION = "pathways"
_TRANSACTION = "pathways_transaction"


def pathways() -> Pathways:
    return current_app.extensions[EXTENSION]


def principal() -> Principal:
    return g.principal


def _actor_id():
    caller = g.get("principal")
    return caller.user_id if caller else None


def uow() -> UnitOfWork:
    """A unit of work whose audit entries name the caller; inside `transaction()`, one that joins it."""
    shared = g.get(_TRANSACTION)
    if shared is not None:
        return shared.unit_of_work()
    return pathways().uow(actor_id=_actor_id())


@contextmanager
def transaction() -> Iterator[SharedTransaction]:
    """One transaction for the rest of the request: every `uow()` joins it and the caller commits
    it (or leaves it, which rolls everything back)."""
    with SharedTransaction(pathways().session_factory, actor_id=_actor_id()) as shared:
        setattr(g, _TRANSACTION, shared)
        try:
            yield shared
        finally:
            g.pop(_TRANSACTION, None)
