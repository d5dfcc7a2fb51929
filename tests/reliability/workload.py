"""The writes that feed the event pipeline in the reliability tests, and what the pipeline must
have made of them once it has drained.

One "case" is a trainee registered, enrolled and exited (completed or dropped out); one in
four also gets a formal job active on the exit date (started before or after the exit is
recorded, half of them ended later, still after the exit), which the outcomes consumer turns
into the exit checkpoint being recorded as employed (one `follow_up.recorded` event each). So every kind of event the
outcomes consumer subscribes to flows: enrolment.completed, enrolment.dropped_out,
placement.started, placement.ended.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from kombu import Connection
from sqlalchemy import and_, exists, func, or_, select

from schemas.employers import EmployerCreateSchema
from schemas.enrolments import CompleteSchema, DropOutSchema, EnrolmentCreateSchema
from schemas.placements import PlacementCreateSchema, PlacementEndSchema
from schemas.projects import ProjectCreateSchema
from schemas.trainees import TraineeCreateSchema
from service.db.models import Enrolment, FollowUp, OutboxMessage, Placement, ProcessedEvent
from service.domain.roles import Principal, Role
from service.services import employers, enrolments, organisations, placements, projects, trainees, users
from tests.days import today
from tests import factories
from tests.reliability.conftest import CONSUMER, RETRY_DELAYS, wait_for
from workers.outcomes import OutcomesConsumer
from workers.topology import ConsumerTopology

TODAY = today()  # the organisations' (İzmir's), not the host's
SUBSCRIBED = OutcomesConsumer.routing_keys
EXITED = ("completed", "dropped_out")
TOPOLOGY = ConsumerTopology(CONSUMER, SUBSCRIBED, RETRY_DELAYS)
QUEUES = (TOPOLOGY.queue_name, *(TOPOLOGY.wait_queue_name(i) for i in range(len(RETRY_DELAYS))),
          TOPOLOGY.dead_letter_name)


def project_body() -> dict:
    """A project running around today, whatever today is."""
    return factories.project_body(starts_on=(TODAY - timedelta(days=400)).isoformat(),
                                  ends_on=(TODAY + timedelta(days=400)).isoformat())


def case_plan(n: int) -> dict:
    """What case number `n` consists of (deterministic, so the expected totals are known)."""
    exited_on = TODAY - timedelta(days=1 + n % 20)
    return {
        "enrolled_on": TODAY - timedelta(days=120),
        "exited_on": exited_on,
        "complete": n % 2 == 0,
        "job_before_exit": n % 8 == 1,
        "job_after_exit": n % 8 == 5,
        "job_ends": n % 16 in (1, 13),
        "job_started_on": exited_on - timedelta(days=30),
    }


def _exit_body(plan: dict) -> dict:
    if plan["complete"]:
        return {"exited_on": plan["exited_on"].isoformat(), "qualification_gained": True}
    return {"exited_on": plan["exited_on"].isoformat(), "reason": "moved_away"}


def _placement_body(plan: dict, trainee_id, employer_id) -> dict:
    return {"trainee_id": str(trainee_id), "employer_id": str(employer_id),
            "started_on": plan["job_started_on"].isoformat(), "wage_monthly": "28000.00", "currency": "TRY",
            "hours_per_week": 45, "contract_type": "permanent", "formal": True}


def _placement_end_body() -> dict:
    # Ends today: still active on the exit date, so the resolved checkpoint stays resolved.
    return {"ended_on": TODAY.isoformat(), "reason": "resigned"}


@dataclass
class Programme:
    """An organisation of its own with a project and an employer; its cases are the test's data."""

    organisation_id: uuid.UUID
    principal: Principal
    project_id: uuid.UUID
    employer_id: uuid.UUID
    caseworker_headers: dict[str, str]
    admin_headers: dict[str, str]


def new_programme(pathways) -> Programme:
    slug = f"rel-{uuid.uuid4().hex[:12]}"
    organisation, admin, token = organisations.bootstrap(
        pathways.uow(), slug=slug, name=f"Reliability {slug}", country="TR", admin_email=f"admin@{slug}.org")
    principal = Principal(user_id=admin.id, organisation_id=organisation.id, role=Role.ADMIN)
    _cw, cw_token = users.create(pathways.uow(actor_id=admin.id), principal,
                                 {"email": f"cw@{slug}.org", "role": Role.CASEWORKER})
    project = projects.create(pathways.uow(actor_id=admin.id), principal,
                              ProjectCreateSchema().load(project_body()))
    employer = employers.create(pathways.uow(actor_id=admin.id), principal, EmployerCreateSchema().load(
        {"name": "Ege Lokantası", "tax_number": "4540536920", "sector": "I56", "district": "Konak"}))
    return Programme(organisation_id=organisation.id, principal=principal, project_id=project.id,
                     employer_id=employer.id, caseworker_headers={"Authorization": f"Bearer {cw_token}"},
                     admin_headers={"Authorization": f"Bearer {token}"})


def case_through_services(pathways, programme: Programme, n: int) -> None:
    """Case `n` written through the service functions (each step its own transaction)."""
    plan, principal = case_plan(n), programme.principal

    def uow():
        return pathways.uow(actor_id=principal.user_id)

    trainee = trainees.register(uow(), principal, TraineeCreateSchema().load(factories.trainee_body()),
                                pathways.vault)
    enrolment = enrolments.enrol(uow(), principal, EnrolmentCreateSchema().load(factories.enrolment_body(
        str(trainee.id), str(programme.project_id), enrolled_on=plan["enrolled_on"].isoformat())))
    placement = None
    if plan["job_before_exit"]:
        placement = placements.create(uow(), principal, PlacementCreateSchema().load(
            _placement_body(plan, trainee.id, programme.employer_id)))
    if plan["complete"]:
        enrolments.complete(uow(), principal, enrolment.id, CompleteSchema().load(_exit_body(plan)))
    else:
        enrolments.drop_out(uow(), principal, enrolment.id, DropOutSchema().load(_exit_body(plan)))
    if plan["job_after_exit"]:
        placement = placements.create(uow(), principal, PlacementCreateSchema().load(
            _placement_body(plan, trainee.id, programme.employer_id)))
    if plan["job_ends"]:
        placements.end(uow(), principal, placement.id, PlacementEndSchema().load(_placement_end_body()))


def case_through_api(client, programme: Programme, n: int, statuses: list[tuple[str, int]]) -> None:
    """Case `n` written through the HTTP API; every (step, status) is appended to `statuses`.

    Stops at the first step that did not succeed (the later steps depend on it)."""
    plan, headers = case_plan(n), programme.caseworker_headers

    def post(step: str, url: str, body: dict, expected: int):
        response = client.post(url, json=body, headers=headers)
        statuses.append((step, response.status_code))
        return response.get_json() if response.status_code == expected else None

    trainee = post("register", "/api/v1/trainees", factories.trainee_body(), 201)
    if trainee is None:
        return
    enrolment = post("enrol", "/api/v1/enrolments", factories.enrolment_body(
        trainee["id"], str(programme.project_id), enrolled_on=plan["enrolled_on"].isoformat()), 201)
    if enrolment is None:
        return
    placement = None
    if plan["job_before_exit"]:
        placement = post("start placement", "/api/v1/placements",
                         _placement_body(plan, trainee["id"], programme.employer_id), 201)
        if placement is None:
            return
    exit_url = f"/api/v1/enrolments/{enrolment['id']}/{'complete' if plan['complete'] else 'drop-out'}"
    if post("exit", exit_url, _exit_body(plan), 200) is None:
        return
    if plan["job_after_exit"]:
        placement = post("start placement", "/api/v1/placements",
                         _placement_body(plan, trainee["id"], programme.employer_id), 201)
        if placement is None:
            return
    if plan["job_ends"]:
        post("end placement", f"/api/v1/placements/{placement['id']}/end", _placement_end_body(), 200)


@dataclass
class Writers:
    """Threads writing cases 0, 1, 2, … through `write(n)` until `count` are written or `stop` is set."""

    write: Callable[[int], None]
    threads: int
    count: int | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    errors: list[BaseException] = field(default_factory=list)
    written: int = 0

    def __post_init__(self):
        self._lock = threading.Lock()
        self._next = 0
        self._threads = [threading.Thread(target=self._run, daemon=True, name=f"writer-{i}")
                         for i in range(self.threads)]

    def _take(self) -> int | None:
        with self._lock:
            if self.stop.is_set() or self.errors or (self.count is not None and self._next >= self.count):
                return None
            self._next += 1
            return self._next - 1

    def _run(self) -> None:
        while (n := self._take()) is not None:
            try:
                self.write(n)
            except BaseException as error:  # noqa: BLE001 - reported by join()
                with self._lock:
                    self.errors.append(error)
                return
            with self._lock:
                self.written += 1

    def start(self) -> "Writers":
        for thread in self._threads:
            thread.start()
        return self

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def wait(self, timeout: float) -> None:
        """Wait (at most about `timeout` s) for the writers to finish their current case."""
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def join(self, timeout: float) -> None:
        """Wait for the writers (set `stop` first to end an open-ended run); re-raise a failure."""
        self.wait(timeout)
        assert not self.running, f"writers still running after {timeout} s"
        if self.errors:
            raise self.errors[0]


def state(pathways, organisation_id: uuid.UUID) -> dict:
    """What the database says about this organisation's events and their effects."""
    org = organisation_id
    with pathways.uow() as uow:
        s = uow.session
        by_type = dict(s.execute(select(OutboxMessage.type, func.count()).where(
            OutboxMessage.organisation_id == org).group_by(OutboxMessage.type)).all())
        subscribed_ids = select(OutboxMessage.id).where(OutboxMessage.organisation_id == org,
                                                        OutboxMessage.type.in_(SUBSCRIBED))
        exited = and_(Enrolment.organisation_id == org, Enrolment.status.in_(EXITED))
        follow_ups_per_exit = s.execute(
            select(Enrolment.id, func.count(FollowUp.id)).outerjoin(FollowUp, FollowUp.enrolment_id == Enrolment.id)
            .where(exited).group_by(Enrolment.id)).all()
        job_on_exit_date = exists().where(
            Placement.trainee_id == Enrolment.trainee_id, Placement.formal.is_(True),
            Placement.started_on <= Enrolment.exited_on,
            or_(Placement.ended_on.is_(None), Placement.ended_on >= Enrolment.exited_on))
        return {
            "events": sum(by_type.values()),
            "by_type": by_type,
            "unpublished": s.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.organisation_id == org, OutboxMessage.published_at.is_(None))),
            "subscribed": sum(by_type.get(t, 0) for t in SUBSCRIBED),
            "processed": s.scalar(select(func.count()).select_from(ProcessedEvent).where(
                ProcessedEvent.consumer == CONSUMER, ProcessedEvent.event_id.in_(subscribed_ids))),
            "exits": len(follow_ups_per_exit),
            "follow_ups": s.scalar(select(func.count()).select_from(FollowUp).where(
                FollowUp.organisation_id == org)),
            "exits_without_3_follow_ups": sorted(str(e) for e, n in follow_ups_per_exit if n != 3),
            "follow_ups_of_open_enrolments": s.scalar(select(func.count()).select_from(FollowUp).join(
                Enrolment, FollowUp.enrolment_id == Enrolment.id).where(
                FollowUp.organisation_id == org, Enrolment.status.not_in(EXITED))),
            "exits_with_a_job_that_day": s.scalar(select(func.count()).select_from(Enrolment).where(
                exited, job_on_exit_date)),
            "checkpoints_resolved_from_jobs": s.scalar(select(func.count()).select_from(FollowUp).where(
                FollowUp.organisation_id == org, FollowUp.source == "placement")),
            "follow_up_recorded_events": by_type.get("follow_up.recorded", 0),
        }


def queue_depths(url: str) -> dict[str, int]:
    """Messages ready in the consumer's queue, its wait queues and its dead letters (passive: the
    queues are neither created nor re-declared with other arguments); -1 for a missing queue."""
    depths = {}
    with Connection(url, connect_timeout=5) as connection:
        for name in QUEUES:
            channel = connection.channel()
            try:
                depths[name] = channel.queue_declare(name, passive=True).message_count
            except connection.channel_errors:
                depths[name] = -1  # a failed passive declare closes the channel
            finally:
                try:
                    channel.close()
                except Exception:  # noqa: BLE001
                    pass
    return depths


def consumers_on_queue(url: str) -> int:
    with Connection(url, connect_timeout=5) as connection:
        channel = connection.channel()
        try:
            return channel.queue_declare(TOPOLOGY.queue_name, passive=True).consumer_count
        except connection.channel_errors:
            return 0


def converged(current: dict, depths: dict[str, int]) -> bool:
    """Everything published, every subscribed event applied, no message left anywhere."""
    return (current["unpublished"] == 0 and current["processed"] == current["subscribed"]
            and all(depth == 0 for depth in depths.values()))


def await_drained(pathways, organisation_id: uuid.UUID, url: str, relay, worker) -> tuple[dict, dict[str, int]]:
    """Wait until the pipeline has converged; on time-out print the state and both logs first."""

    def drained():
        """every event published and applied, no message left in any queue"""
        return converged(state(pathways, organisation_id), queue_depths(url))

    try:
        wait_for(drained, timeout=180, interval=0.5)
    except AssertionError:
        print(f"not drained: {state(pathways, organisation_id)} {queue_depths(url)}\n"
              f"relay log:\n{relay.log_tail()}\nworker log:\n{worker.log_tail()}")
        raise
    return state(pathways, organisation_id), queue_depths(url)


def assert_applied_exactly_once(current: dict, depths: dict[str, int], cases: int) -> None:
    """The invariants after the pipeline has drained (see the module docstring)."""
    expected_jobs = sum(1 for n in range(cases) if case_plan(n)["job_before_exit"] or case_plan(n)["job_after_exit"])
    expected_ends = sum(1 for n in range(cases) if case_plan(n)["job_ends"])
    expected_completed = sum(1 for n in range(cases) if case_plan(n)["complete"])
    by_type = current["by_type"]
    assert by_type.get("enrolment.completed", 0) == expected_completed
    assert by_type.get("enrolment.dropped_out", 0) == cases - expected_completed
    assert by_type.get("placement.started", 0) == expected_jobs
    assert by_type.get("placement.ended", 0) == expected_ends
    assert current["exits"] == cases
    assert current["unpublished"] == 0, "every outbox row published"
    # processed_events' primary key (consumer, event_id) refuses a second row; equal counts
    # mean every subscribed event was applied, none lost, none parked.
    assert current["processed"] == current["subscribed"] == cases + expected_jobs + expected_ends
    assert current["exits_without_3_follow_ups"] == [], "exactly 3 follow-ups per exited enrolment"
    assert current["follow_ups"] == 3 * cases
    assert current["follow_ups_of_open_enrolments"] == 0
    # A job active on the exit date resolves the exit checkpoint once, with one event.
    assert current["exits_with_a_job_that_day"] == expected_jobs
    assert current["checkpoints_resolved_from_jobs"] == expected_jobs
    assert current["follow_up_recorded_events"] == expected_jobs
    assert all(depth == 0 for depth in depths.values()), f"messages left in {depths}"
