"""Reading and writing the metrics read model, one trainee (or one chunk of trainees) at a time.

`refresh` is what the metrics consumer does for each batch of events: it re-derives the facts of
the trainees the events are about from the records and replaces their rows. It is
idempotent and independent of arrival order, and it locks the trainee's record first, so
competing consumers refreshing the same person serialise, and the later one reads the
newer records.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from datetime import datetime

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.db.models import (
    Enrolment, FollowUp, MetricEnrolment, MetricParticipant, MetricParticipantGroup, MetricState, OutboxMessage,
    Placement, Trainee,
)
from service.metrics import facts, rollups
from service.metrics.facts import Participant, Participation

CHUNK = 1000
Facts = tuple[Participant, tuple[Participation, ...]]


def refresh(session: Session, organisation_id: uuid.UUID, trainee_ids: list[uuid.UUID]) -> None:
    """Make these trainees' rows equal to what the records say now."""
    if rebuild_chunk(session, organisation_id, trainee_ids) != len(set(trainee_ids)):
        raise LookupError(f"a trainee of {trainee_ids} is not in organisation {organisation_id}")


def advance_as_of(session: Session, organisation_id: uuid.UUID, occurred_at: datetime) -> None:
    """Move the organisation's `as_of` forward to `occurred_at` (never back: events arrive in any order).

    One atomic upsert, so that competing consumers neither collide on the first row nor
    move `as_of` backwards.
    """
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(MetricState).values(organisation_id=organisation_id, as_of=occurred_at)
    current, offered = MetricState.__table__.c.as_of, stmt.excluded.as_of
    session.execute(stmt.on_conflict_do_update(index_elements=[MetricState.organisation_id], set_={
        "as_of": case((current.is_(None) | (current < offered), offered), else_=current)}))


def as_of(session: Session, organisation_id: uuid.UUID) -> datetime | None:
    return session.scalar(select(MetricState.as_of).where(MetricState.organisation_id == organisation_id))


def derive(session: Session, trainee_ids: list[uuid.UUID]) -> dict[uuid.UUID, Facts]:
    """The facts of these trainees, computed from the records."""
    trainees = session.scalars(select(Trainee).where(Trainee.id.in_(trainee_ids))).all()
    enrolments, placements, follow_ups = (_by_trainee(session, model, trainee_ids)
                                          for model in (Enrolment, Placement, FollowUp))
    return {t.id: (facts.participant(t), tuple(sorted(
        (facts.participation(e, t, placements[t.id], follow_ups[t.id]) for e in enrolments[t.id]),
        key=lambda p: p.enrolment_id))) for t in trainees}


def stored(session: Session, trainee_ids: list[uuid.UUID]) -> dict[uuid.UUID, Facts]:
    """The facts of these trainees as the read model holds them."""
    groups: dict[uuid.UUID, set[str]] = defaultdict(set)
    for trainee_id, group in session.execute(select(
            MetricParticipantGroup.trainee_id, MetricParticipantGroup.vulnerable_group)
            .where(MetricParticipantGroup.trainee_id.in_(trainee_ids))):
        groups[trainee_id].add(group)
    participations = _by_trainee(session, MetricEnrolment, trainee_ids)
    result = {}
    for row in session.scalars(select(MetricParticipant).where(MetricParticipant.trainee_id.in_(trainee_ids))):
        participant = Participant(row.trainee_id, row.organisation_id, row.sex, row.settlement_type,
                                  row.education_level, row.labour_status, row.district,
                                  frozenset(groups[row.trainee_id]))
        result[row.trainee_id] = (participant, tuple(sorted(
            (_participation(e) for e in participations[row.trainee_id]), key=lambda p: p.enrolment_id)))
    return result


def rebuild_chunk(session: Session, organisation_id: uuid.UUID, trainee_ids: list[uuid.UUID]) -> int:
    """Replace these trainees' rows by freshly derived ones (locked, so a consumer waits its turn)."""
    mine = list(session.scalars(select(Trainee.id).where(  # locked in id order: no deadlock between batches
        Trainee.organisation_id == organisation_id, Trainee.id.in_(trainee_ids)).order_by(Trainee.id)
        .with_for_update()))
    derived = derive(session, mine)
    with rollups.tracking(session, organisation_id, mine):
        _delete(session, mine)
        _insert(session, derived.values())
    return len(derived)


def remove_orphans(session: Session, organisation_id: uuid.UUID) -> int:
    stale = orphans(session, organisation_id)
    with rollups.tracking(session, organisation_id, stale):
        _delete(session, stale)
    return len(stale)


def newest_event(session: Session, organisation_id: uuid.UUID) -> datetime | None:
    return session.scalar(select(func.max(OutboxMessage.occurred_at))
                          .where(OutboxMessage.organisation_id == organisation_id))


def trainee_chunks(session: Session, organisation_id: uuid.UUID, size: int = CHUNK) -> Iterator[list[uuid.UUID]]:
    """Every trainee id of the organisation's records, in chunks (keyset by id, so rows added meanwhile
    after the last chunk are still reached)."""
    after = None
    while True:
        stmt = select(Trainee.id).where(Trainee.organisation_id == organisation_id).order_by(Trainee.id).limit(size)
        if after is not None:
            stmt = stmt.where(Trainee.id > after)
        chunk = list(session.scalars(stmt))
        if not chunk:
            return
        yield chunk
        after = chunk[-1]


def orphans(session: Session, organisation_id: uuid.UUID) -> list[uuid.UUID]:
    """Read-model participants without a trainee record (none should exist)."""
    return list(session.scalars(select(MetricParticipant.trainee_id).where(
        MetricParticipant.organisation_id == organisation_id,
        MetricParticipant.trainee_id.not_in(select(Trainee.id)))))


def _by_trainee(session: Session, model, trainee_ids: list[uuid.UUID]) -> dict[uuid.UUID, list]:
    grouped: dict[uuid.UUID, list] = defaultdict(list)
    for row in session.scalars(select(model).where(model.trainee_id.in_(trainee_ids))):
        grouped[row.trainee_id].append(row)
    return grouped


def _participation(row: MetricEnrolment) -> Participation:
    return Participation(**{name: getattr(row, name) for name in Participation.__dataclass_fields__})


def _insert(session: Session, derived: Iterable[Facts]) -> None:
    participants, groups, participations = [], [], []
    for participant, rows in derived:
        fields = asdict(replace(participant, vulnerable_groups=frozenset()))
        fields.pop("vulnerable_groups")
        participants.append(fields)
        groups.extend({"trainee_id": participant.trainee_id, "vulnerable_group": g}
                      for g in sorted(participant.vulnerable_groups))
        participations.extend(asdict(row) for row in rows)
    for model, rows in ((MetricParticipant, participants), (MetricParticipantGroup, groups),
                        (MetricEnrolment, participations)):
        if rows:
            session.execute(model.__table__.insert(), rows)


def _delete(session: Session, trainee_ids: list[uuid.UUID]) -> None:
    for model in (MetricEnrolment, MetricParticipantGroup, MetricParticipant):
        session.execute(delete(model).where(model.trainee_id.in_(trainee_ids)))
