"""Reading and writing the metrics read model, one trainee (or one chunk of trainees) at a time.

`refresh` is what the metrics consumer does for each batch of events: it re-derives the facts of
the trainees the events are about from the records and replaces their rows. It is
idempotent and independent of arrival order, and it locks the trainee's record first, so
competing consumers refreshing the same person serialise, and the later one reads the
newer records.

Replacing writes only the rows that differ from what the read model holds (a placement's
end, say, changes no row; a corrected district changes the participant, not the
enrolments). The records are read with Core statements built once, selecting the columns
the facts need: the ORM's objects cost more than the rest of a refresh.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import bindparam, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from service.db.models import (
    Cohort, Employer, Enrolment, FollowUp, MetricEnrolment, MetricParticipant, MetricState, OutboxMessage, Placement,
    Organisation, Trainee, Vacancy,
)
from service.db.models.metrics import MetricEnrolmentGroup
from service.domain import events
from service.metrics import facts, rollups
from service.metrics.facts import Participant, Participation

CHUNK = 1000
#: The consumer that keeps the read model (its queue and inbox rows carry this name) and the events it
#: applies: every event that may change what the records say of a trainee. Declared here, with the
#: projection, so that the worker and the freshness of the answers read one list.
CONSUMER = "metrics"
EVENTS = (events.TraineeRegistered, events.TraineeUpdated, *events.MERGES, events.EnrolmentCreated,
          events.EnrolmentCompleted, events.EnrolmentDroppedOut, events.EnrolmentEntryCorrected,
          events.PlacementStarted, events.PlacementEnded, events.FollowUpRecorded, events.FollowUpReopened)
Facts = tuple[Participant, tuple[Participation, ...]]

#: One expanding parameter: the statements below compile once, however many trainees they are for.
_IDS = bindparam("trainee_ids", expanding=True)
_MODELS = {"trainees": Trainee, "enrolments": Enrolment, "placements": Placement, "follow_ups": FollowUp}
#: The facts' columns of a record's cohort, vacancy and employer (outer joins: a job need not have a vacancy).
_COHORT, _VACANCY, _EMPLOYER = aliased(Cohort), aliased(Vacancy), aliased(Employer)
JOINED = {"cohort_occupation": _COHORT.occupation, "vacancy_occupation": _VACANCY.occupation,
          "employer_sector": _EMPLOYER.sector}
_JOINS = {"enrolments": ((_COHORT, _COHORT.id == Enrolment.cohort_id),),
          "placements": ((_VACANCY, _VACANCY.id == Placement.vacancy_id),
                         (_EMPLOYER, _EMPLOYER.id == Placement.employer_id))}
_READ = {name: tuple(JOINED[column].label(column) if column in JOINED else getattr(_MODELS[name], column)
                     for column in columns) for name, columns in facts.READS.items()}
_TRAINEE = _READ["trainees"]
_TRAINEES = select(*_TRAINEE).where(Trainee.id.in_(_IDS))
#: Locked in id order (no deadlock between batches), FOR NO KEY UPDATE: as exclusive among refreshes and
#: updates of the trainee, but no conflict with the foreign-key checks (FOR KEY SHARE) of rows inserted for
#: the trainee, such as the outcomes consumer's follow-ups (with FOR UPDATE the two deadlocked).
_LOCKED_TRAINEES = (select(*_TRAINEE)
                    .where(Trainee.organisation_id == bindparam("organisation_id"), Trainee.id.in_(_IDS))
                    .order_by(Trainee.id).with_for_update(key_share=True))
def _records(name: str):
    """A trainee's records of one kind, with what the facts read of their cohort, vacancy or employer."""
    stmt = select(*_READ[name]).select_from(_MODELS[name])
    for target, onclause in _JOINS.get(name, ()):
        stmt = stmt.outerjoin(target, onclause)
    return stmt.where(_MODELS[name].trainee_id.in_(_IDS))


_RECORDS = {name: _records(name) for name in ("enrolments", "placements", "follow_ups")}
_PARTICIPANT_COLUMNS = tuple(Participant.__dataclass_fields__)
#: Groups at entry are rows of their own (MetricEnrolmentGroup), the other facts columns.
_GROUPS = "vulnerable_groups"
_PARTICIPATION_FIELDS = tuple(Participation.__dataclass_fields__)
_PARTICIPATION_COLUMNS = tuple(name for name in _PARTICIPATION_FIELDS if name != _GROUPS)
_STORED = {
    "participants": select(*(MetricParticipant.__table__.c[name] for name in _PARTICIPANT_COLUMNS))
    .where(MetricParticipant.trainee_id.in_(_IDS)),
    "groups": select(MetricEnrolmentGroup.enrolment_id, MetricEnrolmentGroup.vulnerable_group)
    .where(MetricEnrolmentGroup.trainee_id.in_(_IDS)),
    "participations": select(*(MetricEnrolment.__table__.c[name] for name in _PARTICIPATION_COLUMNS))
    .where(MetricEnrolment.trainee_id.in_(_IDS)),
}


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
    return _derive(session, session.execute(_TRAINEES, {"trainee_ids": trainee_ids}).all())


def stored(session: Session, trainee_ids: list[uuid.UUID]) -> dict[uuid.UUID, Facts]:
    """The facts of these trainees as the read model holds them."""
    people = session.execute(_STORED["participants"], {"trainee_ids": trainee_ids}).all()
    if not people:  # groups and participations hang off a participant (foreign keys)
        return {}
    held = [row.trainee_id for row in people]
    groups: dict[uuid.UUID, set[str]] = defaultdict(set)
    for enrolment_id, group in session.execute(_STORED["groups"], {"trainee_ids": held}):
        groups[enrolment_id].add(group)
    participations = _by_trainee(session.execute(_STORED["participations"], {"trainee_ids": held}))
    return {row.trainee_id: (Participant(*row), tuple(sorted(
        (_participation(e, frozenset(groups[e.enrolment_id])) for e in participations[row.trainee_id]),
        key=lambda p: p.enrolment_id))) for row in people}


def _participation(row, groups: frozenset[str]) -> Participation:
    return Participation(**dict(zip(_PARTICIPATION_COLUMNS, row)), vulnerable_groups=groups)


def rebuild_chunk(session: Session, organisation_id: uuid.UUID, trainee_ids: list[uuid.UUID]) -> int:
    """Replace these trainees' rows by freshly derived ones (locked, so a consumer waits its turn)."""
    trainees = session.execute(_LOCKED_TRAINEES, {"organisation_id": organisation_id,
                                                  "trainee_ids": trainee_ids}).all()
    mine = [trainee.id for trainee in trainees]
    derived = _derive(session, trainees)
    current = stored(session, mine)
    changed = [trainee_id for trainee_id in mine if derived[trainee_id] != current.get(trainee_id)]
    with rollups.tracking(session, organisation_id, changed):
        _replace(session, {trainee_id: derived[trainee_id] for trainee_id in changed}, current)
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
    """Read-model participants without a trainee record (none should exist).

    An anti-join (NOT EXISTS), not NOT IN: PostgreSQL cannot turn NOT IN over a million-row subquery
    into a hash when it does not fit work_mem, and ran it as a nested loop that `pathways metrics
    verify` did not finish in half an hour on the benchmark's million people."""
    has_record = select(Trainee.id).where(Trainee.id == MetricParticipant.trainee_id).exists()
    return list(session.scalars(select(MetricParticipant.trainee_id).where(
        MetricParticipant.organisation_id == organisation_id, ~has_record)))


def _derive(session: Session, trainees: list) -> dict[uuid.UUID, Facts]:
    """The facts of `trainees` (rows of `_TRAINEE`) and their records."""
    ids = [t.id for t in trainees]
    enrolments = _by_trainee(session.execute(_RECORDS["enrolments"], {"trainee_ids": ids})) if ids else {}
    # Placements and checkpoints only matter to an enrolment: a trainee without one needs neither.
    enrolled = list(enrolments)
    placements, follow_ups = ((_by_trainee(session.execute(_RECORDS[name], {"trainee_ids": enrolled}))
                               if enrolled else {}) for name in ("placements", "follow_ups"))
    # Third-country nationals are counted against the organisation's own country (people.is_third_country_national).
    countries = dict(session.execute(select(Organisation.id, Organisation.country).where(
        Organisation.id.in_({t.organisation_id for t in trainees}))).all()) if trainees else {}
    return {t.id: (facts.participant(t), facts.participations(
        enrolments.get(t.id, ()), placements.get(t.id, ()), follow_ups.get(t.id, ()),
        home_country=countries.get(t.organisation_id))) for t in trainees}


def _by_trainee(rows) -> dict[uuid.UUID, list]:
    grouped: dict[uuid.UUID, list] = defaultdict(list)
    for row in rows:
        grouped[row.trainee_id].append(row)
    return grouped


def _replace(session: Session, derived: dict[uuid.UUID, Facts], current: dict[uuid.UUID, Facts]) -> None:
    """Write `derived` over `current` (what the read model holds of these trainees), changing only what differs.

    A participant row is updated in place: deleting it would cascade to its participations. A changed
    participation is deleted with its groups and inserted again.
    """
    new_people, changed_people, gone, participations, groups = [], [], [], [], []
    for trainee_id, (person, rows) in derived.items():
        old_person, old_rows = current.get(trainee_id, (None, ()))
        fields = {name: getattr(person, name) for name in _PARTICIPANT_COLUMNS}
        if old_person is None:
            new_people.append(fields)
        elif old_person != person:
            changed_people.append({"b_" + name: value for name, value in fields.items()})
        before = {row.enrolment_id: row for row in old_rows}
        after = {row.enrolment_id: row for row in rows}
        gone.extend(enrolment_id for enrolment_id, row in before.items() if after.get(enrolment_id) != row)
        for enrolment_id, row in after.items():
            if before.get(enrolment_id) != row:
                participations.append({name: getattr(row, name) for name in _PARTICIPATION_COLUMNS})
                groups.extend({"enrolment_id": enrolment_id, "trainee_id": trainee_id, "vulnerable_group": group}
                              for group in sorted(row.vulnerable_groups))
    if new_people:
        session.execute(MetricParticipant.__table__.insert(), new_people)
    if changed_people:
        session.execute(_UPDATE_PARTICIPANT, changed_people)
    if gone:  # groups first: SQLite enforces no cascade unless asked
        session.execute(_DELETE_GROUPS, {"enrolment_ids": gone})
        session.execute(_DELETE_PARTICIPATIONS, {"enrolment_ids": gone})
    if participations:
        session.execute(MetricEnrolment.__table__.insert(), participations)
    if groups:
        session.execute(MetricEnrolmentGroup.__table__.insert(), groups)


_UPDATE_PARTICIPANT = (update(MetricParticipant.__table__)
                       .where(MetricParticipant.__table__.c.trainee_id == bindparam("b_trainee_id"))
                       .values({name: bindparam("b_" + name) for name in _PARTICIPANT_COLUMNS
                                if name != "trainee_id"}))
_ENROLMENT_IDS = bindparam("enrolment_ids", expanding=True)
_DELETE_GROUPS = delete(MetricEnrolmentGroup).where(MetricEnrolmentGroup.enrolment_id.in_(_ENROLMENT_IDS))
_DELETE_PARTICIPATIONS = delete(MetricEnrolment).where(MetricEnrolment.enrolment_id.in_(_ENROLMENT_IDS))


def _delete(session: Session, trainee_ids: list[uuid.UUID]) -> None:
    for model in (MetricEnrolmentGroup, MetricEnrolment, MetricParticipant):
        session.execute(delete(model).where(model.trainee_id.in_(trainee_ids)))
