"""Follow-up checkpoints: scheduled at exit, recorded by caseworkers."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, not_, or_, select
from sqlalchemy.orm import Session

from service.db.models import Enrolment, FollowUp
from service.domain import consent as consent_rules
from service.domain import follow_ups as rules
from service.domain.roles import Principal
from service.services import consent, organisation_day
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
        today = organisation_day.today(uow.session, principal.organisation_id)
        if data["status"] == rules.UNREACHABLE:
            event = rules.mark_unreachable(follow_up, today=today, observed_on=data.get("observed_on"))
        else:
            event = rules.record(follow_up, employment_status=data.get("employment_status"),
                                 wage_monthly=data.get("wage_monthly"), currency=data.get("currency"),
                                 source="caseworker", today=today, observed_on=data.get("observed_on"))
        uow.record(event)
        uow.commit()
        return _shown(today, [follow_up])[0]


def _shown(today: date, records: list) -> list:
    """Set `record.shown_status`: what the API shows of each follow-up by the organisation's today."""
    for record in records:
        record.shown_status = rules.shown_status(record, today)
    return records


def shown_as(status: str, day: date) -> ColumnElement[bool]:
    """The condition of a shown status (service.domain.follow_ups.shown_status) on `day`, in SQL: the
    window closes a fixed number of days after the due date per checkpoint."""
    if status not in (rules.SCHEDULED, rules.DUE, rules.OVERDUE):
        return FollowUp.status == status
    pending = FollowUp.status == rules.DUE
    if status == rules.SCHEDULED:
        return and_(pending, FollowUp.due_on > day)
    # due_on + window >= day, as due_on >= day - window for each checkpoint's window
    in_window = or_(*(and_(FollowUp.checkpoint == checkpoint, FollowUp.due_on >= day - timedelta(days=days))
                      for checkpoint, days in rules.WINDOW_DAYS.items()))
    if status == rules.DUE:
        return and_(pending, FollowUp.due_on <= day, in_window)
    return and_(pending, not_(in_window))


def get(uow: UnitOfWork, principal: Principal, follow_up_id: uuid.UUID) -> FollowUp:
    with uow:
        follow_up = get_scoped(uow.session, FollowUp, principal.organisation_id, follow_up_id, label="Follow-up")
        return _shown(organisation_day.today(uow.session, principal.organisation_id), [follow_up])[0]


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[FollowUp], str | None]:
    """The organisation's follow-ups, as the worklist offers them: not those of people who withdrew (or never
    gave) consent to follow-up contact (issue 18); the checkpoints themselves, and the figures, are unchanged."""
    stmt = select(FollowUp).where(FollowUp.organisation_id == principal.organisation_id,
                                  FollowUp.trainee_id.not_in(consent.withheld(principal.organisation_id,
                                                                              consent_rules.FOLLOW_UP_CONTACT)))
    stmt = filter_by(stmt, FollowUp, args, equal=("checkpoint", "trainee_id", "enrolment_id"),
                     ranges={"due_from": ("due_on", ">="), "due_to": ("due_on", "<=")})
    with uow:
        today = organisation_day.today(uow.session, principal.organisation_id)
        if args.get("status"):
            stmt = stmt.where(shown_as(args["status"], today))
        rows, cursor = page(uow.session, stmt, FollowUp, limit=args["limit"], cursor=args.get("cursor"))
        return _shown(today, rows), cursor
