"""Reading the audit trail (it is written by the unit of work, never here)."""

from __future__ import annotations

from sqlalchemy import select

from service.db.models import AuditEntry
from service.domain.roles import Principal
from service.services.queries import filter_by, page
from service.services.unit_of_work import UnitOfWork


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[AuditEntry], str | None]:
    stmt = select(AuditEntry).where(AuditEntry.organisation_id == principal.organisation_id)
    stmt = filter_by(stmt, AuditEntry, args, equal=("entity_type", "entity_id", "actor_id"),
                     ranges={"since": ("occurred_at", ">="), "until": ("occurred_at", "<")})
    with uow:
        return page(uow.session, stmt, AuditEntry, limit=args["limit"], cursor=args.get("cursor"),
                    newest_first=True)
