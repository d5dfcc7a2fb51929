"""Reading the audit trail (it is written by the unit of work, never here)."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select, union_all

from service.db.models import (AuditEntry, Cohort, Employer, Enrolment, FollowUp, Placement, Project, Referral, Trainee,
                               TraineeDocument, Vacancy)
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


#: The records an entry may point at by id (`trainee_id`, `vacancy_id`...), by the kind the page names them.
_NAMED: dict[str, type[Trainee | Employer | Vacancy | Project | Cohort]] = {
    "trainee": Trainee, "employer": Employer, "vacancy": Vacancy, "project": Project, "cohort": Cohort}


def record_names(uow: UnitOfWork, principal: Principal, ids: dict[str, set[uuid.UUID]]) -> dict[str, dict]:
    """{kind: {id: row}} of the records of the principal's organisation that `ids` name by kind: one query a
    kind, whatever the number of entries; a record removed (or of another organisation) is simply absent.
    A person's row holds their names; an employer's, project's and cohort's their name; a vacancy's its title."""
    principal.require(ADMIN_ONLY)
    found: dict[str, dict] = {}
    with uow:
        for kind, wanted in ids.items():
            model = _NAMED.get(kind)
            if model is None or not wanted:
                continue
            columns = {"trainee": (Trainee.given_name, Trainee.family_name), "vacancy": (Vacancy.title,),
                       "project": (Project.code, Project.name), "employer": (Employer.name,),
                       "cohort": (Cohort.name,)}[kind]
            rows = uow.session.execute(select(model.id, *columns).where(
                model.organisation_id == principal.organisation_id, model.id.in_(sorted(wanted)))).all()
            found[kind] = {row[0]: row for row in rows}
    return found
