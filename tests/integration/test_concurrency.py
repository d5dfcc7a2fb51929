"""Races between real transactions: duplicate registrations, a filling cohort, a double enrolment.

Each thread runs the use case through its own unit of work on its own connection, and
the tests commit for real (PostgreSQL rows are deleted afterwards; SQLite is a file of
its own), because a race only exists between transactions that see each other's commits.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from service.db.models import AuditEntry, Enrolment, OutboxMessage, Trainee
from service.domain.errors import Conflict
from service.services import enrolments, trainees

THREADS = 10
CAPACITY = 3


def run_together(count: int, work) -> list[tuple[str, object]]:
    """Run `work(i)` in `count` threads released at once; ("ok", result) or ("error", exception) each."""
    barrier = threading.Barrier(count)
    outcomes: list[tuple[str, object]] = [("not run", None)] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = ("ok", work(i))
        except Exception as error:  # noqa: BLE001 - every outcome is asserted on by the test
            outcomes[i] = ("error", error)

    threads = [threading.Thread(target=run, args=(i,), name=f"race-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def split(outcomes) -> tuple[list, list]:
    assert all(kind in ("ok", "error") for kind, _ in outcomes), outcomes
    return ([value for kind, value in outcomes if kind == "ok"],
            [value for kind, value in outcomes if kind == "error"])


def count(pathways, model, *where) -> int:
    with pathways.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def test_concurrent_registrations_of_one_national_id_make_one_trainee(committing_pathways, committed_seed):
    pathways = committing_pathways
    principal = committed_seed.organisation()
    data = committed_seed.trainee_data()

    outcomes = run_together(THREADS, lambda _i: trainees.register(
        pathways.uow(actor_id=principal.user_id), principal, data, pathways.vault))

    [winner], losers = split(outcomes)
    assert len(losers) == THREADS - 1
    for error in losers:
        assert isinstance(error, Conflict), repr(error)
        assert error.extra == {"existing_trainee_id": str(winner.id)}
    org = principal.organisation_id
    assert count(pathways, Trainee, Trainee.organisation_id == org) == 1
    # The losers left nothing behind either.
    assert count(pathways, OutboxMessage, OutboxMessage.organisation_id == org,
                 OutboxMessage.type == "trainee.registered") == 1
    assert count(pathways, AuditEntry, AuditEntry.organisation_id == org, AuditEntry.entity_type == "trainees") == 1


def test_concurrent_enrolments_never_overfill_a_cohort(committing_pathways, committed_seed):
    pathways = committing_pathways
    principal = committed_seed.organisation()
    project = committed_seed.project(principal)
    cohort = committed_seed.cohort(principal, project, capacity=CAPACITY)
    people = [committed_seed.trainee(principal) for _ in range(THREADS)]

    outcomes = run_together(THREADS, lambda i: enrolments.enrol(
        pathways.uow(actor_id=principal.user_id), principal,
        {"trainee_id": people[i].id, "project_id": project.id, "cohort_id": cohort.id,
         "enrolled_on": date(2026, 3, 1)}))

    enrolled, refused = split(outcomes)
    assert len(enrolled) == CAPACITY
    assert len(refused) == THREADS - CAPACITY
    for error in refused:
        assert isinstance(error, Conflict), repr(error)
        assert error.extra == {"cohort_id": str(cohort.id)}
    assert count(pathways, Enrolment, Enrolment.cohort_id == cohort.id) == CAPACITY
    assert count(pathways, OutboxMessage, OutboxMessage.organisation_id == principal.organisation_id,
                 OutboxMessage.type == "enrolment.created") == CAPACITY


@pytest.mark.parametrize("in_cohort", [False, True], ids=["project-only", "with-cohort"])
def test_concurrent_enrolments_of_one_trainee_make_one_open_enrolment(committing_pathways, committed_seed,
                                                                      in_cohort):
    """Without a cohort no row lock serialises the threads: the partial unique index decides."""
    pathways = committing_pathways
    principal = committed_seed.organisation()
    project = committed_seed.project(principal)
    cohort = committed_seed.cohort(principal, project, capacity=THREADS * 2) if in_cohort else None
    trainee = committed_seed.trainee(principal)

    outcomes = run_together(THREADS, lambda _i: enrolments.enrol(
        pathways.uow(actor_id=principal.user_id), principal,
        {"trainee_id": trainee.id, "project_id": project.id, "cohort_id": cohort.id if cohort else None,
         "enrolled_on": date(2026, 3, 1)}))

    [winner], losers = split(outcomes)
    for error in losers:
        assert isinstance(error, Conflict), repr(error)
        assert error.extra == {"existing_enrolment_id": str(winner.id)}
    with pathways.uow() as uow:
        rows = list(uow.session.scalars(select(Enrolment).where(
            Enrolment.trainee_id == trainee.id, Enrolment.project_id == project.id)))
    assert [(row.id, row.status) for row in rows] == [(winner.id, "enrolled")]
