"""Reach milestones: announce 25, 50, 75 and 100 % of each reach target exactly once.

A scope is the organisation (scope id = its id) or one project (its id); a person counts
once per scope, so someone in two projects counts once for the organisation. Every
step is a single statement the database keeps idempotent and race-free, which is what
makes redelivery and competing consumers harmless:

- a person joins a scope once (reach_members, INSERT ... ON CONFLICT DO NOTHING);
- only the transaction that added them bumps the scope's count, with one
  `UPDATE ... SET reached = reached + 1 RETURNING reached`: concurrent bumps queue on
  the row lock, and each sees the count including the ones before it;
- a milestone row is inserted once, and only the transaction that inserted it records
  the `target.milestone_reached` event (in the same transaction, via the outbox).

Each transaction takes its locks in one order (organisation, then project; within a
scope: member, count, milestones by ascending percent), so competing consumers may
wait for one another but never deadlock.

Targets are read when an enrolment arrives, and the milestones are checked whether or
not the person is new, so a lowered target is caught at the next enrolment. A
milestone once announced stays announced when the target changes later: its row keeps
the target and count it was reached with, and it is not announced again.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Uuid, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.clock import utcnow
from service.db.models import Enrolment, Milestone, Organisation, Project, ReachCount, ReachMember
from service.domain.errors import NotFound
from service.domain.events import TargetMilestoneReached
from service.services.queries import get_scoped
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg

PERCENTS = (25, 50, 75, 100)
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def threshold(target: int, percent: int) -> int:
    """The smallest count that is at least `percent` % of `target` (integers only: no float rounding)."""
    return -(-target * percent // 100)


def on_enrolment_created(uow: UnitOfWork, organisation_id: uuid.UUID, trainee_id: uuid.UUID,
                         project_id: uuid.UUID) -> list[TargetMilestoneReached]:
    """Count the person towards the organisation's and the project's targets; announce what is now reached."""
    session = uow.session
    project = get_scoped(session, Project, organisation_id, project_id, label="Project")
    announced = []
    for scope_id, scope_project, target in ((organisation_id, None, _organisation_target(session, organisation_id)),
                                            (project.id, project.id, project.reach_target)):
        reached = _join(session, organisation_id, scope_id, trainee_id)
        announced += _announce(uow, organisation_id, scope_id, scope_project, target, reached)
    return announced


def rebuild_reach(uow: UnitOfWork, organisation_id: uuid.UUID) -> int:
    """Catch up from the enrolments (records older than the consumer); returns the milestones announced.

    Adds the members that are missing, sets each count to its true number of distinct
    people and announces what is due and not yet announced. Running it again changes
    nothing. The caller commits.
    """
    session = uow.session
    scopes = [(organisation_id, None, _organisation_target(session, organisation_id), Enrolment.organisation_id)]
    scopes += [(project.id, project.id, project.reach_target, Enrolment.project_id) for project in session.execute(
        select(Project.id, Project.reach_target).where(Project.organisation_id == organisation_id)
        .order_by(Project.id))]
    announced = 0
    for scope_id, project_id, target, scope_column in scopes:
        enrolled = (select(literal(scope_id, Uuid), Enrolment.trainee_id, literal(organisation_id, Uuid))
                    .where(Enrolment.organisation_id == organisation_id, scope_column == scope_id).distinct())
        session.execute(_insert(session, ReachMember)
                        .from_select(["scope_id", "trainee_id", "organisation_id"], enrolled)
                        .on_conflict_do_nothing())
        _ensure_count(session, organisation_id, scope_id)
        # Lock the count first, then count in a new statement: bumps committed meanwhile are
        # included, and bumps still in flight wait and then add their person on top.
        session.execute(select(ReachCount.scope_id).where(ReachCount.scope_id == scope_id).with_for_update())
        reached = session.execute(select(func.count()).select_from(ReachMember)
                                  .where(ReachMember.scope_id == scope_id)).scalar_one()
        session.execute(update(ReachCount).where(ReachCount.scope_id == scope_id).values(reached=reached)
                        .execution_options(synchronize_session=False))
        announced += len(_announce(uow, organisation_id, scope_id, project_id, target, reached))
    return announced


def _insert(session: Session, model):
    return _INSERTS[session.get_bind().dialect.name](model)


def _organisation_target(session: Session, organisation_id: uuid.UUID) -> int | None:
    row = session.execute(select(Organisation.reach_target).where(Organisation.id == organisation_id)).first()
    if row is None:
        raise NotFound(Msg("Organisation not found."))
    return row.reach_target


def _ensure_count(session: Session, organisation_id: uuid.UUID, scope_id: uuid.UUID) -> None:
    session.execute(_insert(session, ReachCount)
                    .values(scope_id=scope_id, organisation_id=organisation_id, reached=0)
                    .on_conflict_do_nothing())


def _join(session: Session, organisation_id: uuid.UUID, scope_id: uuid.UUID, trainee_id: uuid.UUID) -> int:
    """The scope's count with the person in it; bumped only by the transaction that added them."""
    added = session.execute(_insert(session, ReachMember)
                            .values(scope_id=scope_id, trainee_id=trainee_id, organisation_id=organisation_id)
                            .on_conflict_do_nothing().returning(ReachMember.trainee_id)).first()
    if added is None:
        return session.scalar(select(ReachCount.reached).where(ReachCount.scope_id == scope_id)) or 0
    _ensure_count(session, organisation_id, scope_id)
    return session.execute(update(ReachCount).where(ReachCount.scope_id == scope_id)
                           .values(reached=ReachCount.reached + 1).returning(ReachCount.reached)
                           .execution_options(synchronize_session=False)).scalar_one()


def _announce(uow: UnitOfWork, organisation_id: uuid.UUID, scope_id: uuid.UUID, project_id: uuid.UUID | None,
              target: int | None, reached: int) -> list[TargetMilestoneReached]:
    """Record an event for each milestone reached that this transaction is the first to insert."""
    if not target or target <= 0:
        return []
    events = []
    for percent in PERCENTS:
        if reached < threshold(target, percent):
            break
        inserted = uow.session.execute(
            _insert(uow.session, Milestone)
            .values(scope_id=scope_id, percent=percent, organisation_id=organisation_id, project_id=project_id,
                    target=target, reached=reached, reached_at=utcnow())
            .on_conflict_do_nothing().returning(Milestone.percent)).first()
        if inserted is not None:
            event = TargetMilestoneReached(organisation_id=organisation_id, project_id=project_id,
                                           percent=percent, target=target, reached=reached)
            uow.record(event)
            events.append(event)
    return events
