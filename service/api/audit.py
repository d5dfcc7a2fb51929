"""`/audit`: the append-only trail of every write, newest first, for admins."""

from __future__ import annotations


from schemas.audit import AuditEntrySchema, AuditListArgsSchema
from schemas.pagination import page_of
from service.api import context
from service.api.auth import requires
from service.api.openapi import Blueprint, listing
from service.domain.roles import ADMIN_ONLY
from service.services import audit

blp = Blueprint("audit", __name__, url_prefix="/audit", description="Audit entries (append-only).")


@blp.route("", methods=["GET"])
@requires(ADMIN_ONLY)
@blp.arguments(AuditListArgsSchema, location="query")
@blp.response(200, page_of(AuditEntrySchema))
def list_audit(args):
    return listing(audit.list_(context.uow(), context.principal(), args))
