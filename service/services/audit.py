"""Reading the audit trail (it is written by the unit of work, never here)."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select, union_all

from service.db.models import AuditEntry, Enrolment, FollowUp, Placement, Referral, TraineeDocument
from service.domain.roles import ADMIN_ONLY, Principal
from service.services.queries import filter_by, page
from service.services.unit_of_work import UnitOfWork

#: The records that belong to one person: their entries are the person's history beside the person's own.
_PERSON_RECORDS = (Enrolment, Referral, Placement, FollowUp, TraineeDocument)


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[AuditEntry], str | None]:
    """A page of entries, newest first. Beside the API's filters, `trainee_id` keeps the entries of a person:
    of the person's record and of every enrolment, referral, placement, follow-up and document of theirs."""
    principal.require(ADMIN_ONLY)
    stmt = select(AuditEntry).where(AuditEntry.organisation_id == principal.organisation_id)
    stmt = filter_by(stmt, AuditEntry, args, equal=("entity_type", "entity_id", "actor_id"),
                     ranges={"since": ("occurred_at", ">="), "until": ("occurred_at", "<")})
    if args.get("trainee_id"):
        trainee_id = args["trainee_id"]
        stmt = stmt.where(or_(AuditEntry.entity_id == trainee_id,
                              AuditEntry.entity_id.in_(_person_records(principal, trainee_id))))
    with uow:
        return page(uow.session, stmt, AuditEntry, limit=args["limit"], cursor=args.get("cursor"),
                    newest_first=True)


def _person_records(principal: Principal, trainee_id: uuid.UUID):
    return union_all(*(select(model.id).where(model.organisation_id == principal.organisation_id,
                                              model.trainee_id == trainee_id) for model in _PERSON_RECORDS))
