"""Organisation-scoped look-ups and keyset pagination shared by every use case."""

from __future__ import annotations

import base64
import binascii
import operator
import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.db.models import Organisation
from service.domain.errors import NotFound, ValidationFailed
from service.domain.messages import Msg


def get_scoped(session: Session, model, organisation_id: uuid.UUID, record_id: uuid.UUID, *,
               for_update: bool = False, label: str | None = None):
    """The record of `organisation_id` with `record_id`; another tenant's is just as missing."""
    stmt = select(model).where(model.id == record_id, model.organisation_id == organisation_id)
    if for_update:
        stmt = stmt.with_for_update()
    record = session.scalars(stmt).one_or_none()
    if record is None:
        raise NotFound(Msg("{label} not found.", label=Msg(label or model.__name__)))
    if getattr(record, "merged_into_id", None) is not None:  # a duplicate merged into another person
        raise NotFound(Msg("{label} {id} was merged into {merged_into_id}: use that one.",
                           label=Msg(label or model.__name__), id=record_id, merged_into_id=record.merged_into_id),
                       merged_into_id=str(record.merged_into_id))
    return record


def own_organisation(session: Session, organisation_id: uuid.UUID) -> Organisation:
    """The caller's organisation (a principal's organisation always exists; a deleted one is just missing)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(Msg("Organisation not found."))
    return organisation


def encode_cursor(record_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(record_id.bytes).decode().rstrip("=")


def decode_cursor(cursor: str) -> uuid.UUID:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return uuid.UUID(bytes=raw)
    except (binascii.Error, ValueError):
        raise ValidationFailed({"cursor": [Msg("Not a cursor this API issued.")]}) from None


def page(session: Session, stmt: Select, model, *, limit: int, cursor: str | None,
         newest_first: bool = False) -> tuple[list, str | None]:
    """One page of `stmt` ordered by id (ids are time-ordered), and the next cursor."""
    if cursor:
        after = decode_cursor(cursor)
        stmt = stmt.where(model.id < after if newest_first else model.id > after)
    stmt = stmt.order_by(model.id.desc() if newest_first else model.id).limit(limit + 1)
    rows = list(session.scalars(stmt))
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1].id)
    return rows, None


def filter_by(stmt: Select, model, args: dict, *, equal: tuple[str, ...] = (),
              ranges: dict[str, tuple[str, str]] | None = None) -> Select:
    """Apply list filters: `equal` names columns matched exactly; `ranges` maps an argument
    to (column, ">=" or "<=" or "<"), e.g. {"enrolled_from": ("enrolled_on", ">=")}."""
    for name in equal:
        if args.get(name) not in (None, ""):
            stmt = stmt.where(getattr(model, name) == args[name])
    for name, (column, comparison) in (ranges or {}).items():
        if args.get(name) not in (None, ""):
            stmt = stmt.where(_COMPARE[comparison](getattr(model, column), args[name]))
    return stmt


_COMPARE = {">=": operator.ge, "<=": operator.le, "<": operator.lt}
