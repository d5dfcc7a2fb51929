"""Reading the audit trail (it is written by the unit of work, never here)."""

from __future__ import annotations

from sqlalchemy import select

from service.db.models import AuditEntry
from service.domain.roles import Principal
from service.services.queries import page
from service.services.unit_of_work import UnitOfWork


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[AuditEntry], str | None]:
    stmt = select(AuditEntry).where(AuditEntry.organisation_id == principal.organisation_id)
    for field in ("entity_type", "entity_id", "actor_id"):
        if args.get(field):
            stmt = stmt.where(getattr(AuditEntry, field) == args[field])
    if args.get("since"):
        stmt = stmt.where(AuditEntry.occurred_at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(AuditEntry.occurred_at < args["until"])
    with uow:
        return page(uow.session, stmt, AuditEntry, limit=args["limit"], cursor=args.get("cursor"),
                    newest_first=True)
