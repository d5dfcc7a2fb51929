"""Employer confinement: an employer user's records are its own employer's, others are "missing"."""

from __future__ import annotations

import uuid

from sqlalchemy import Select
from sqlalchemy.orm import Session

from service.domain.errors import NotFound
from service.domain.roles import Principal, employer_scope
from service.services.queries import get_scoped
from service.domain.messages import Msg


def get_for(session: Session, principal: Principal, model, record_id: uuid.UUID, *, label: str,
            for_update: bool = False):
    """Like `get_scoped`, and another employer's record answers 404 to an employer user."""
    record = get_scoped(session, model, principal.organisation_id, record_id, label=label, for_update=for_update)
    own = employer_scope(principal)
    if own is not None and record.employer_id != own:
        raise NotFound(Msg("{label} not found.", label=Msg(label)))
    return record


def filter_for(stmt: Select, principal: Principal, model) -> Select:
    stmt = stmt.where(model.organisation_id == principal.organisation_id)
    own = employer_scope(principal)
    return stmt if own is None else stmt.where(model.employer_id == own)


def employer_for_write(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID | None:
    """Employer users write for their own employer; naming another is a 404 like any foreign id."""
    own = employer_scope(principal)
    if own is None:
        return requested
    if requested is not None and requested != own:
        raise NotFound(Msg("Employer not found."))
    return own
