"""`/audit`: the append-only trail of every write, newest first, for admins.

A personal field (service.domain.personal_fields) is shown as "(changed)" or "(recorded)" in the caller's
language, never its value; an update's keyed hashes of the old and the new value are in `personal_hashes`.
"""

from __future__ import annotations

from flask_babel import gettext as _

from schemas.audit import AuditEntrySchema, AuditListArgsSchema
from schemas.pagination import page_of
from service.api import context
from service.api.auth import requires
from service.api.openapi import Blueprint, listing
from service.db.models import AuditEntry
from service.domain.personal_fields import HASHES, is_personal_change
from service.domain.roles import ADMIN_ONLY
from service.services import audit

blp = Blueprint("audit", __name__, url_prefix="/audit", description="Audit entries (append-only).")


@blp.route("", methods=["GET"])
@requires(ADMIN_ONLY)
@blp.arguments(AuditListArgsSchema, location="query")
@blp.response(200, page_of(AuditEntrySchema))
def list_audit(args):
    entries, cursor = audit.list_(context.uow(), context.principal(), args)
    return listing(([_shown(entry) for entry in entries], cursor))


def _shown(entry: AuditEntry) -> dict:
    changes, hashes = {}, {}
    for key, value in (entry.changes or {}).items():
        if is_personal_change(value):
            changes[key] = _("(recorded)") if entry.action == "create" else _("(changed)")
            if isinstance(value, dict):
                hashes[key] = value[HASHES]
        else:
            changes[key] = value
    return {"id": entry.id, "actor_id": entry.actor_id, "action": entry.action, "entity_type": entry.entity_type,
            "entity_id": entry.entity_id, "changes": changes, "personal_hashes": hashes,
            "occurred_at": entry.occurred_at}
