"""Rollups (service.metrics.rollups) on PostgreSQL, with real commits from several connections.

Rollups made while refreshes commit miss none of them (the advisory lock in shared and
exclusive mode), an organisation keeps only the rollups read last, a period or SQLite
never makes one, and `pathways metrics rebuild` drops them. That the figures they give
equal a scan after each kind of change is shown through the API in tests/api/test_metrics.py.
"""

from __future__ import annotations

import random
import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import case, func, select, update

from bench.generate import ensure_programme, generate
from service.db.models import MetricRollup, Trainee
from service.metrics import aggregates as agg
from service.metrics import projection, rollups
from service.metrics.aggregates import Scope
from service.metrics_cli import rebuild

pytestmark = pytest.mark.postgres

TRAINEES = 400
SHAPES = [(), ("sex",), ("age_band",), ("sex", "age_band"), ("settlement_type",), ("vulnerable_group",),
          ("sex", "vulnerable_group"), ("labour_status",), ("education_level",), ("project",)]


@pytest.fixture
def programme(committing_pg_pathways):
    pathways = committing_pg_pathways
    organisation_id, _token = ensure_programme(pathways, f"rollups-{uuid.uuid4().hex[:12]}", TRAINEES)
    generate(pathways.engine, organisation_id, trainees=TRAINEES, seed=5, vault=pathways.vault)
    with pathways.uow() as uow:
        trainee_ids = list(uow.session.scalars(select(Trainee.id).where(Trainee.organisation_id == organisation_id)))
    return pathways, organisation_id, trainee_ids


def _ask(pathways, scope: Scope, by) -> dict:
    with pathways.uow() as uow:
        found = agg.aggregate(uow.session, scope, by, {"reached": agg.REACHED, **agg.OUTCOME_COUNTS})
        uow.commit()
    return found


def _rollups(pathways, organisation_id) -> int:
    with pathways.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(MetricRollup)
                                  .where(MetricRollup.organisation_id == organisation_id))


def test_rollups_made_while_refreshes_commit_miss_none_of_them(programme):
    pathways, organisation_id, trainee_ids = programme
    stop, failures, refreshed = threading.Event(), [], [0, 0]

    def refresher(n: int) -> None:
        """Changes records (a sex flipped) and refreshes them at once, as the consumer would, in batches."""
        mine, rng = trainee_ids[n::2], random.Random(n)  # apart: no two threads change one trainee
        try:
            while not stop.is_set():
                batch = sorted(rng.sample(mine, 25))
                with pathways.uow() as uow:
                    uow.session.execute(update(Trainee).where(Trainee.id.in_(batch)).values(
                        sex=case((Trainee.sex == "female", "male"), else_="female")))
                    projection.refresh(uow.session, organisation_id, batch)
                    uow.commit()
                refreshed[n] += 1
        except Exception as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)

    threads = [threading.Thread(target=refresher, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    try:
        for by in SHAPES:  # each made while the refreshers commit
            _ask(pathways, Scope(organisation_id), by)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert min(refreshed) > 0
    assert _rollups(pathways, organisation_id) == len(SHAPES)
    with pathways.uow() as uow:
        assert rollups.differences(uow.session, organisation_id) == []


def test_an_organisation_keeps_the_rollups_read_last(programme, monkeypatch):
    pathways, organisation_id, _ids = programme
    monkeypatch.setattr(rollups, "MAX_PER_ORGANISATION", 3)
    answers = {by: _ask(pathways, Scope(organisation_id), by) for by in SHAPES[:5]}
    assert _rollups(pathways, organisation_id) == 3
    # The evicted ones are made again from a scan, with the same answer.
    assert {by: _ask(pathways, Scope(organisation_id), by) for by in SHAPES[:5]} == answers
    with pathways.uow() as uow:
        assert rollups.differences(uow.session, organisation_id) == []


def test_a_period_scans_and_makes_no_rollup(programme):
    pathways, organisation_id, _ids = programme
    whole = _ask(pathways, Scope(organisation_id), ("sex",))
    all_time = _ask(pathways, Scope(organisation_id, None, date(1900, 1, 1), date(2999, 12, 31)), ("sex",))
    assert whole == all_time and sum(cell["enrolled"] for cell in whole.values()) > TRAINEES
    assert _rollups(pathways, organisation_id) == 1


def test_rebuild_drops_the_rollups_and_the_next_report_makes_them_again(programme):
    pathways, organisation_id, _ids = programme
    before = {by: _ask(pathways, Scope(organisation_id), by) for by in SHAPES[:3]}
    assert _rollups(pathways, organisation_id) == 3
    assert rebuild(pathways, organisation_id) == TRAINEES
    assert _rollups(pathways, organisation_id) == 0
    assert {by: _ask(pathways, Scope(organisation_id), by) for by in SHAPES[:3]} == before


def test_sqlite_scans_and_keeps_no_rollup(sqlite_pathways):
    from service.services import organisations

    organisation, _admin, _token = organisations.bootstrap(
        sqlite_pathways.uow(), slug="rollups-sqlite", name="SQLite", country="TR", admin_email="a@example.org")
    assert _ask(sqlite_pathways, Scope(organisation.id), ("sex",)) == {}
    assert _rollups(sqlite_pathways, organisation.id) == 0
