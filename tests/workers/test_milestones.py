"""The milestones consumer: each of 25/50/75/100 % of a reach target announced exactly once,
under redelivery, re-sent facts, competing consumers, through RabbitMQ and after a rebuild."""

from __future__ import annotations

import json
import random
import threading
import uuid
from datetime import date, datetime, timezone

import pytest
from kombu import Producer
from sqlalchemy import func, select

from schemas.events import dump_envelope
from schemas.projects import ProjectCreateSchema
from schemas.trainees import TraineeCreateSchema
from service.db.models import Organisation, OutboxMessage, ProcessedEvent, ReachCount, ReachMember
from service.domain.events import EnrolmentCreated, Envelope
from service.domain.roles import Principal, Role
from service.services import enrolments, milestones, organisations, projects, trainees
from tests import factories
from tests.workers.conftest import wait_for
from workers import broker
from workers.milestones import MilestonesConsumer
from workers.relay import Relay
from workers.topology import EVENTS_EXCHANGE


def _organisation(pathways, reach_target: int | None) -> Principal:
    slug = f"ms-{uuid.uuid4().hex[:12]}"
    organisation, admin, _token = organisations.bootstrap(
        pathways.uow(), slug=slug, name=slug, country="TR", admin_email=f"admin@{slug}.example.org",
        reach_target=reach_target)
    return Principal(user_id=admin.id, organisation_id=organisation.id, role=Role.ADMIN)


def _project(pathways, principal: Principal, reach_target: int | None) -> str:
    data = ProjectCreateSchema().load(factories.project_body(reach_target=reach_target))
    return str(projects.create(pathways.uow(actor_id=principal.user_id), principal, data).id)


def _enrolled(principal: Principal, trainee_id: str, project_id: str) -> dict:
    """An enrolment.created envelope as the broker delivers it (JSON), with a fresh event id."""
    enrolled = EnrolmentCreated(organisation_id=principal.organisation_id, enrolment_id=uuid.uuid4(),
                                trainee_id=uuid.UUID(trainee_id), project_id=uuid.UUID(project_id), cohort_id=None,
                                enrolled_on=date(2026, 3, 1))
    return json.loads(json.dumps(dump_envelope(Envelope(uuid.uuid4(), datetime(2026, 3, 1, 9, tzinfo=timezone.utc),
                                                        enrolled))))


def _announced(pathways, principal: Principal) -> list[tuple]:
    """(project_id, percent, target, reached) of every target.milestone_reached in the outbox."""
    with pathways.uow() as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.organisation_id == principal.organisation_id,
            OutboxMessage.type == "target.milestone_reached"))
        found = [(d["project_id"], d["percent"], d["target"], d["reached"]) for d in (r.envelope["data"] for r in rows)]
    return sorted(found, key=lambda row: (row[0] or "", row[1]))


def _expected(*rows: tuple) -> list[tuple]:
    return sorted(rows, key=lambda row: (row[0] or "", row[1]))


def _counts(pathways, principal: Principal) -> dict[str, tuple[int, int]]:
    """scope id -> (count, distinct members): the two must always agree."""
    with pathways.uow() as uow:
        counts = dict(uow.session.execute(select(ReachCount.scope_id, ReachCount.reached).where(
            ReachCount.organisation_id == principal.organisation_id)).all())
        members = dict(uow.session.execute(select(ReachMember.scope_id, func.count()).where(
            ReachMember.organisation_id == principal.organisation_id).group_by(ReachMember.scope_id)).all())
    return {str(scope): (counts[scope], members.get(scope, 0)) for scope in counts}


def test_each_milestone_is_announced_once_as_people_enrol(pathways):
    principal = _organisation(pathways, reach_target=8)  # 25..100 % at 2, 4, 6, 8 people
    a = _project(pathways, principal, reach_target=4)     # at 1, 2, 3, 4
    b = _project(pathways, principal, reach_target=2)     # 25 and 50 % both at 1 (rounded up), 75 and 100 % at 2
    consumer = MilestonesConsumer(pathways)
    org = str(principal.organisation_id)
    people = [str(uuid.uuid4()) for _ in range(5)]
    expected: list[tuple] = []

    def step(body: dict, *new: tuple, applied: bool = True) -> None:
        assert consumer.apply(body) is applied
        expected.extend(new)
        assert _announced(pathways, principal) == _expected(*expected)

    step(_enrolled(principal, people[0], a), (a, 25, 4, 1))
    second = _enrolled(principal, people[1], a)
    step(second, (None, 25, 8, 2), (a, 50, 4, 2))
    # The same person in a second project: counts for that project, not again for the organisation.
    step(_enrolled(principal, people[0], b), (b, 25, 2, 1), (b, 50, 2, 1))
    step(second, applied=False)                           # the same event again: recognised, skipped
    step(_enrolled(principal, people[1], a))              # the same fact as a new event: counted once
    step(_enrolled(principal, people[2], a), (a, 75, 4, 3))
    step(_enrolled(principal, people[3], a), (None, 50, 8, 4), (a, 100, 4, 4))
    step(_enrolled(principal, people[4], a))              # beyond the project's target: nothing more
    assert _counts(pathways, principal) == {org: (5, 5), a: (5, 5), b: (1, 1)}


def test_a_lowered_target_is_caught_at_the_next_enrolment_and_announced_milestones_stay(pathways):
    principal = _organisation(pathways, reach_target=8)
    project = _project(pathways, principal, reach_target=None)
    consumer = MilestonesConsumer(pathways)
    people = [str(uuid.uuid4()) for _ in range(5)]
    for person in people:
        consumer.apply(_enrolled(principal, person, project))
    assert _announced(pathways, principal) == [(None, 25, 8, 2), (None, 50, 8, 4)]

    def set_target(value: int) -> None:
        with pathways.uow() as uow:
            uow.session.get(Organisation, principal.organisation_id).reach_target = value
            uow.commit()

    set_target(5)
    consumer.apply(_enrolled(principal, people[0], project))  # nobody new, yet the check runs
    assert _announced(pathways, principal) == [(None, 25, 8, 2), (None, 50, 8, 4), (None, 75, 5, 5),
                                               (None, 100, 5, 5)]
    set_target(50)
    consumer.apply(_enrolled(principal, str(uuid.uuid4()), project))
    assert len(_announced(pathways, principal)) == 4  # nothing withdrawn, nothing repeated


def test_competing_consumers_announce_each_milestone_once(committing_pg_pathways):
    """Four consumers apply the same stream (duplicates and re-sent facts included) concurrently,
    each in its own order; a rule that raced would double an event or miscount."""
    pathways = committing_pg_pathways
    principal = _organisation(pathways, reach_target=12)  # at 3, 6, 9, 12
    a = _project(pathways, principal, reach_target=6)     # at 2, 3, 5, 6
    b = _project(pathways, principal, reach_target=4)     # at 1, 2, 3, 4
    people = [str(uuid.uuid4()) for _ in range(12)]
    stream = [_enrolled(principal, person, a) for person in people[:8]]
    stream += [_enrolled(principal, person, b) for person in people[4:]]
    stream += [_enrolled(principal, person, a) for person in people[:4]]  # the same facts, new event ids
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    applied = [0] * threads_count
    errors: list[BaseException] = []

    def consume(i: int) -> None:
        consumer = MilestonesConsumer(pathways)
        order = random.Random(i).sample(stream, len(stream))
        barrier.wait()
        try:
            applied[i] = sum(consumer.apply(body) for body in order)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    threads = [threading.Thread(target=consume, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(applied) == len(stream)  # every event applied once in all, whichever consumer won
    org = str(principal.organisation_id)
    # Counts move one by one, so the transaction that reached a threshold announced it, at exactly that count.
    assert _announced(pathways, principal) == _expected(
        (None, 25, 12, 3), (None, 50, 12, 6), (None, 75, 12, 9), (None, 100, 12, 12),
        (a, 25, 6, 2), (a, 50, 6, 3), (a, 75, 6, 5), (a, 100, 6, 6),
        (b, 25, 4, 1), (b, 50, 4, 2), (b, 75, 4, 3), (b, 100, 4, 4))
    assert _counts(pathways, principal) == {org: (12, 12), a: (8, 8), b: (8, 8)}


def _enrol_people(pathways, principal: Principal, project_id: str, count: int) -> list[str]:
    """`count` trainees registered and enrolled through the services; returns their ids."""
    ids = []
    for _ in range(count):
        data = TraineeCreateSchema().load(factories.trainee_body())
        trainee = trainees.register(pathways.uow(actor_id=principal.user_id), principal, data, pathways.vault)
        enrolments.enrol(pathways.uow(actor_id=principal.user_id), principal, {
            "trainee_id": trainee.id, "project_id": uuid.UUID(project_id), "cohort_id": None,
            "enrolled_on": date(2026, 3, 1)})
        ids.append(str(trainee.id))
    return ids


def _queue_depth(pathways, name: str) -> int:
    with broker.connect(pathways.config) as connection:
        return connection.channel().queue_declare(name, passive=True).message_count


@pytest.mark.usefixtures("rabbitmq_url")
def test_a_redelivered_enrolment_through_rabbitmq_announces_each_milestone_once(broker_pathways):
    from workers.registry import load_all

    load_all()  # the relay declares every registered consumer's queue
    principal = _organisation(broker_pathways, reach_target=8)  # 25 % at 2, 50 % at 4
    project = _project(broker_pathways, principal, reach_target=100)
    _enrol_people(broker_pathways, principal, project, 4)
    with broker_pathways.uow() as uow:
        envelopes = [row.envelope for row in uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.organisation_id == principal.organisation_id,
            OutboxMessage.type == "enrolment.created").order_by(OutboxMessage.id))]
    consumer = MilestonesConsumer(broker_pathways, broker.connect(broker_pathways.config))
    with broker.connect(broker_pathways.config) as connection:
        consumer.topology.declare(connection.channel())
        # A copy of the first event ahead of the relay's own: the same message delivered twice.
        Producer(connection.channel(), exchange=EVENTS_EXCHANGE, serializer="json").publish(
            envelopes[0], routing_key="enrolment.created", message_id=envelopes[0]["id"])
        Relay(broker_pathways, connection).relay_once()
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        # The queue is consumed in order, so once the last event is applied the duplicate was handled too.
        def all_applied():
            """four events applied by the milestones consumer and its queue empty"""
            return consumer.applied == len(envelopes) and _queue_depth(broker_pathways, "pathways.milestones") == 0

        wait_for(all_applied)
    finally:
        consumer.should_stop = True
        thread.join(timeout=10)
    assert _announced(broker_pathways, principal) == [(None, 25, 8, 2), (None, 50, 8, 4)]
    with broker_pathways.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ProcessedEvent).where(
            ProcessedEvent.consumer == "milestones",
            ProcessedEvent.event_id.in_([uuid.UUID(e["id"]) for e in envelopes]))) == 4


def test_rebuild_announces_missed_milestones_once_from_the_records(pathways, drain):
    """Enrolments older than the consumer: the rebuild catches up, and their late events add nothing."""
    principal = _organisation(pathways, reach_target=8)
    a = _project(pathways, principal, reach_target=4)
    b = _project(pathways, principal, reach_target=None)
    people = _enrol_people(pathways, principal, a, 5)
    enrolments.enrol(pathways.uow(actor_id=principal.user_id), principal, {
        "trainee_id": uuid.UUID(people[0]), "project_id": uuid.UUID(b), "cohort_id": None,
        "enrolled_on": date(2026, 3, 1)})

    with pathways.uow() as uow:
        assert milestones.rebuild_reach(uow, principal.organisation_id) == 6
        uow.commit()
    expected = _expected((None, 25, 8, 5), (None, 50, 8, 5),
                         (a, 25, 4, 5), (a, 50, 4, 5), (a, 75, 4, 5), (a, 100, 4, 5))
    assert _announced(pathways, principal) == expected
    org = str(principal.organisation_id)
    assert _counts(pathways, principal) == {org: (5, 5), a: (5, 5), b: (1, 1)}

    with pathways.uow() as uow:
        assert milestones.rebuild_reach(uow, principal.organisation_id) == 0
        uow.commit()
    drain()  # the six enrolment.created events arrive after all
    assert _announced(pathways, principal) == expected
    assert _counts(pathways, principal) == {org: (5, 5), a: (5, 5), b: (1, 1)}
