"""Audit entries for every insert, update and delete of an `Audited` model.

Hooked on the session's flush, so no service writes audit rows by hand and none
can forget to. `created_changes` and `entry` make the rows, `add` writes them (one statement):
the bulk import makes and writes its entries with the same three.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from service.clock import utcnow
from service.db import bulk
from service.db.base import Audited
from service.db.models.audit import AuditEntry
from service.domain.personal_fields import HASHES, PERSONAL, personal
from service.ids import new_ids

TABLE = AuditEntry.__table__
ACTOR_KEY = "pathways.actor_id"
REDACTED = "[redacted]"
#: Session info: the keyed hash of personal values, `(organisation_id, text) -> str` (the national-id vault's
#: `fingerprint`, set by the composition root); without it an update of a personal field is only named.
HASHER_KEY = "pathways.audit_hasher"
Hasher = Callable[[uuid.UUID, str], str]
#: Values of a personal field that say there is none (kept as they are: they tell nothing of the person).
_EMPTY = (None, "", [])


#: Values `_jsonable` hands back as they are (checked first: most values are of these types).
_JSON_AS_IS = frozenset({str, bool, int, float, list, dict, type(None)})


def _jsonable(value):
    if type(value) in _JSON_AS_IS:
        return value
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, bytes):
        return None
    return value


def created_changes(model: type[Audited], values: Mapping[str, object],
                    known: Mapping[str, object] | None = None) -> dict:
    """What a created record's entry holds: every column value (by attribute name) as JSON, but the
    excluded and the redacted ones; `known` may give the JSON form of some values already."""
    skipped = model.__audit_exclude__ | model.__audit_redact__
    known, hidden = known or {}, personal(model.__tablename__)
    # The common types tested here, not in a call per value: the bulk import makes an entry per row.
    return {key: (PERSONAL if value not in _EMPTY else _jsonable(value)) if key in hidden
            else known[key] if key in known else value if type(value) in _JSON_AS_IS else _jsonable(value)
            for key, value in values.items() if key not in skipped}


def personal_change(hasher: Hasher | None, organisation_id: uuid.UUID | None, entity_type: str, key: str,
                    old: object, new: object) -> object:
    """What an entry keeps of a personal field's change: keyed hashes of the old and the new value (null for
    none), per field, so that equal values are seen equal; only the mark `PERSONAL` without a hasher."""
    if hasher is None or organisation_id is None:
        return PERSONAL
    return {HASHES: [None if value in _EMPTY else hasher(organisation_id, f"{entity_type}.{key}\x1f" + json.dumps(
        _jsonable(value), sort_keys=True, ensure_ascii=False)) for value in (old, new)]}


def minimal(hasher: Hasher | None, organisation_id: uuid.UUID, entity_type: str, changes: dict) -> dict:
    """An update's changes `{field: [old, new]}` as an entry keeps them: personal fields by `personal_change`."""
    hidden = personal(entity_type)
    return {key: personal_change(hasher, organisation_id, entity_type, key, *change)
            if key in hidden and isinstance(change, (list, tuple)) and len(change) == 2 else change
            for key, change in changes.items()}


def _updated_changes(obj, hasher: Hasher | None = None) -> dict:
    state = inspect(obj)
    excluded, redacted = type(obj).__audit_exclude__, type(obj).__audit_redact__
    hidden, table = personal(type(obj).__tablename__), type(obj).__tablename__
    changes = {}
    for attr in state.mapper.column_attrs:
        if attr.key in excluded:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if attr.key in redacted:  # e.g. a reissued token: say so, show nothing
            changes[attr.key] = REDACTED
        else:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attr.key] = (personal_change(hasher, getattr(obj, "organisation_id", None), table, attr.key,
                                                 old, new)
                                 if attr.key in hidden else [_jsonable(old), _jsonable(new)])
    return changes


def entry(*, entry_id: uuid.UUID, organisation_id: uuid.UUID, actor_id: uuid.UUID | None, action: str, entity_type: str,
          entity_id: uuid.UUID, changes: dict, occurred_at: datetime) -> dict:
    """An audit entry's column values."""
    return {"id": entry_id, "organisation_id": organisation_id, "actor_id": actor_id, "action": action,
            "entity_type": entity_type, "entity_id": entity_id, "changes": changes, "occurred_at": occurred_at}


def add(session: Session, rows: list[dict] | list[bytes]) -> None:
    """Write audit entries (`entry`s, or the same encoded by `bulk.row_encoder(TABLE, ...)`) in one statement."""
    bulk.insert_rows(session, TABLE, rows)


def _changed(session: Session) -> list[tuple[object, str, dict]]:
    """The audited records of a flush: (record, action, changes), updates that changed nothing left out."""
    changed = []
    for obj in session.new:
        if isinstance(obj, Audited):
            values = {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}
            changed.append((obj, "create", created_changes(type(obj), values)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            if changes := _updated_changes(obj, session.info.get(HASHER_KEY)):
                changed.append((obj, "update", changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            changed.append((obj, "delete", {}))
    return changed


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, _context) -> None:
    """After the flush ids and column defaults are known, and the history of each
    attribute still holds its pre-flush value; the entries go into the same transaction at once."""
    changed = _changed(session)
    if not changed:
        return
    actor_id, now = session.info.get(ACTOR_KEY), utcnow()
    add(session, [entry(entry_id=entry_id, organisation_id=getattr(obj, "organisation_id", None) or obj.id,
                        actor_id=actor_id, action=action, entity_type=type(obj).__tablename__, entity_id=obj.id,
                        changes=changes, occurred_at=now)
                  for (obj, action, changes), entry_id in zip(changed, new_ids(len(changed)))])
