"""Follow-up checkpoints: scheduled at exit, recorded by caseworkers."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.clock import today
from service.db.models import Enrolment, FollowUp
from service.domain import follow_ups as rules
from service.domain.roles import Principal
from service.services.queries import filter_by, get_scoped, page
from service.services.unit_of_work import UnitOfWork


def schedule_for_exits(session: Session, enrolments: list[Enrolment]) -> list[FollowUp]:
    """Create the exit, month_6 and month_12 checkpoints of exited enrolments, each once.

    Called by the outcomes consumer on `enrolment.completed` / `enrolment.dropped_out`, for
    the exits of a batch together (one query for the checkpoints that exist already).
    """
    by_id = {enrolment.id: enrolment for enrolment in enrolments}
    existing = {tuple(row) for row in session.execute(select(FollowUp.enrolment_id, FollowUp.checkpoint)
                                   .where(FollowUp.enrolment_id.in_(list(by_id))))}
    created = [
        FollowUp(organisation_id=enrolment.organisation_id, enrolment_id=enrolment.id,
                 trainee_id=enrolment.trainee_id, checkpoint=checkpoint, due_on=due_on, status=rules.DUE)
        for enrolment in by_id.values()
        if enrolment.exited_on is not None  # only exits are scheduled; an open one has no checkpoints
        for checkpoint, due_on in rules.due_dates(enrolment.exited_on).items()
        if (enrolment.id, checkpoint) not in existing
    ]
    session.add_all(created)
    return created


def record(uow: UnitOfWork, principal: Principal, follow_up_id: uuid.UUID, data: dict) -> FollowUp:
    with uow:
        follow_up = get_scoped(uow.session, FollowUp, principal.organisation_id, follow_up_id,
                               label="Follow-up", for_update=True)
        if data["status"] == rules.UNREACHABLE:
            event = rules.mark_unreachable(follow_up, today=today())
        else:
            event = rules.record(follow_up, employment_status=data.get("employment_status"),
                                 wage_monthly=data.get("wage_monthly"), currency=data.get("currency"),
                                 source="caseworker", today=today())
        uow.record(event)
        uow.commit()
        return follow_up


def get(uow: UnitOfWork, principal: Principal, follow_up_id: uuid.UUID) -> FollowUp:
    with uow:
        return get_scoped(uow.session, FollowUp, principal.organisation_id, follow_up_id, label="Follow-up")


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[FollowUp], str | None]:
    stmt = select(FollowUp).where(FollowUp.organisation_id == principal.organisation_id)
    stmt = filter_by(stmt, FollowUp, args, equal=("status", "checkpoint", "trainee_id", "enrolment_id"),
                     ranges={"due_from": ("due_on", ">="), "due_to": ("due_on", "<=")})
    with uow:
        return page(uow.session, stmt, FollowUp, limit=args["limit"], cursor=args.get("cursor"))
