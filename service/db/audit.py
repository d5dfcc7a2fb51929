"""Audit entries for every insert, update and delete of an `Audited` model.

Hooked on the session's flush, so no service writes audit rows by hand and none
can forget to.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from service.db.base import Audited
from service.db.models.audit import AuditEntry

ACTOR_KEY = "pathways.actor_id"
REDACTED = "[redacted]"


def _jsonable(value):
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, bytes):
        return None
    return value


def _changes(obj, *, created: bool) -> dict:
    state = inspect(obj)
    excluded, redacted = type(obj).__audit_exclude__, type(obj).__audit_redact__
    changes = {}
    for attr in state.mapper.column_attrs:
        if attr.key in excluded:
            continue
        history = state.attrs[attr.key].history
        if attr.key in redacted:
            if not created and history.has_changes():  # e.g. a reissued token: say so, show nothing
                changes[attr.key] = REDACTED
        elif created:
            changes[attr.key] = _jsonable(getattr(obj, attr.key))
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attr.key] = [_jsonable(old), _jsonable(new)]
    return changes


def _entry(session: Session, obj, action: str) -> AuditEntry | None:
    if action == "update":
        changes = _changes(obj, created=False)
        if not changes:
            return None
    else:
        changes = _changes(obj, created=True) if action == "create" else {}
    organisation_id = getattr(obj, "organisation_id", None) or obj.id
    return AuditEntry(
        organisation_id=organisation_id,
        actor_id=session.info.get(ACTOR_KEY),
        action=action,
        entity_type=type(obj).__tablename__,
        entity_id=obj.id,
        changes=changes,
    )


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, _context) -> None:
    """After the flush ids and column defaults are known, and the history of each
    attribute still holds its pre-flush value; commit flushes the new entries too."""
    entries = []
    for obj in session.new:
        if isinstance(obj, Audited):
            entries.append(_entry(session, obj, "create"))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            entries.append(_entry(session, obj, "update"))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            entries.append(_entry(session, obj, "delete"))
    session.add_all([e for e in entries if e is not None])
