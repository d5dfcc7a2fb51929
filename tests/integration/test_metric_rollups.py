"""Rollups (service.metrics.rollups) on PostgreSQL, with real commits from several connections.

Rollups are made by the projection (a refresh, `pathways metrics rebuild`), never by a report:
a report never writes, and one without a rollup scans. Rollups made while refreshes commit
miss none of them (the advisory lock in shared and exclusive mode), a rollup whose query the
code no longer asks is dropped and never read, a small organisation or a period or SQLite
keeps none. That the figures they give equal a scan after each kind of change is shown
through the API in tests/api/test_metrics.py.
"""

from __future__ import annotations

import random
import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import case, func, select, text, update

from bench.generate import ensure_programme, generate
from service.db.models import MetricRollup, MetricRollupValue, Trainee, User
from service.domain.roles import Principal, Role
from service.metrics import aggregates as agg
from service.metrics import projection, rollups
from service.metrics.aggregates import Scope
from service.metrics_cli import rebuild
from service.services import reporting

pytestmark = pytest.mark.postgres

TRAINEES = 400
SHAPES = [(), ("sex",), ("age_band",), ("sex", "age_band"), ("settlement_type",), ("vulnerable_group",),
          ("sex", "vulnerable_group"), ("labour_status",), ("education_level",), ("project",)]
#: What a GET of /api/v1/metrics/<kind> passes to the use case, but `by` and `suppress`. On the entry basis a
#: period of all time holds every participation (on the exit basis, the exited ones), so it equals no period.
ARGS = {"project_id": None, "period_start": None, "period_end": None, "format": "json", "period_basis": "entry"}


@pytest.fixture
def large(monkeypatch):
    """These tests' 400 trainees count as a large organisation (one with rollups)."""
    monkeypatch.setattr(rollups, "MIN_PARTICIPANTS", 1)
    monkeypatch.setattr(rollups, "SIZE_CHECK_SECONDS", 0)
    monkeypatch.setattr(rollups, "_sizes", {})  # nothing this process counted before


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
        return agg.aggregate(uow.session, scope, by, {"reached": agg.REACHED, **agg.OUTCOME_COUNTS})


def _scan(pathways, scope: Scope, by) -> dict:
    """The same question with rollups out of the way (a scan)."""
    with pathways.uow() as uow:
        whole_time = Scope(scope.organisation_id, scope.project_id, date(1900, 1, 1), date(2999, 12, 31))
        return agg.aggregate(uow.session, whole_time, by, {"reached": agg.REACHED, **agg.OUTCOME_COUNTS})


def _rollups(pathways, organisation_id) -> int:
    with pathways.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(MetricRollup)
                                  .where(MetricRollup.organisation_id == organisation_id))


def _declared(pathways, organisation_id) -> int:
    with pathways.uow() as uow:
        return len(rollups._declared(uow.session, organisation_id))


def _refresh(pathways, organisation_id, trainee_ids) -> None:
    """Changes records (a sex flipped) and refreshes them at once, as the consumer would."""
    with pathways.uow() as uow:
        uow.session.execute(update(Trainee).where(Trainee.id.in_(trainee_ids)).values(
            sex=case((Trainee.sex == "female", "male"), else_="female")))
        projection.refresh(uow.session, organisation_id, trainee_ids)
        uow.commit()


def _footprint(pathways) -> tuple:
    """Every row of the rollup tables with the transaction that last wrote it (xmin): any write changes it."""
    with pathways.uow() as uow:
        return (sorted(uow.session.execute(text("SELECT id::text, xmin::text FROM metric_rollups")).all()),
                sorted(uow.session.execute(text(
                    "SELECT rollup_id::text, cell, measure, xmin::text FROM metric_rollup_values")).all()))


def test_a_report_never_writes_with_or_without_rollups(programme, large):
    pathways, organisation_id, trainee_ids = programme
    with pathways.uow() as uow:
        admin = uow.session.scalars(select(User).where(User.organisation_id == organisation_id,
                                                       User.role == Role.ADMIN.value)).first()
    principal = Principal(admin.id, organisation_id, Role.ADMIN)

    def ask_every_report(**period) -> list:
        """Every report, without the headers that name the period or the time of the figures."""
        return [{**reporting.report(pathways.uow(), principal, kind, {**ARGS, **period, "by": by,
                                                                       "suppress": suppress})[0],
                 "as_of": None, "period_start": None, "period_end": None}
                for kind in ("reach", "outcomes", "indicators") for by in ((), ("sex",), ("sex", "age_band"))
                for suppress in (True, False)]

    with pathways.uow() as uow:
        rollups.drop(uow.session, organisation_id)
        uow.commit()
    before = _footprint(pathways)
    ask_every_report()  # no rollup yet: scans, and makes none
    assert _footprint(pathways) == before and _rollups(pathways, organisation_id) == 0
    _refresh(pathways, organisation_id, sorted(trainee_ids[:10]))  # the projection makes them
    assert _rollups(pathways, organisation_id) == _declared(pathways, organisation_id) > 0
    before = _footprint(pathways)
    whole = ask_every_report()  # read from the rollups
    assert _footprint(pathways) == before
    assert whole == ask_every_report(period_start=date(1900, 1, 1), period_end=date(2999, 12, 31))  # a scan


def test_rollups_made_while_refreshes_commit_miss_none_of_them(programme, large):
    pathways, organisation_id, trainee_ids = programme
    stop, failures, refreshed = threading.Event(), [], [0, 0]

    def refresher(n: int) -> None:
        mine, rng = trainee_ids[n::2], random.Random(n)  # apart: no two threads change one trainee
        try:
            while not stop.is_set():
                _refresh(pathways, organisation_id, sorted(rng.sample(mine, 25)))
                refreshed[n] += 1
        except Exception as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)

    threads = [threading.Thread(target=refresher, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(4):  # each made again while the refreshers commit
            with pathways.uow() as uow:
                rollups.drop(uow.session, organisation_id)
                uow.commit()
            with pathways.uow() as uow:
                rollups.ensure(uow.session, organisation_id)
                uow.commit()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert min(refreshed) > 0
    assert _rollups(pathways, organisation_id) == _declared(pathways, organisation_id)
    with pathways.uow() as uow:
        assert rollups.differences(uow.session, organisation_id) == []
    for by in SHAPES:
        assert _ask(pathways, Scope(organisation_id), by) == _scan(pathways, Scope(organisation_id), by)


def test_a_rollup_the_code_no_longer_asks_is_never_read_and_the_next_refresh_drops_it(programme, large,
                                                                                       monkeypatch):
    pathways, organisation_id, trainee_ids = programme
    _refresh(pathways, organisation_id, sorted(trainee_ids[:5]))
    kept = _rollups(pathways, organisation_id)
    assert kept == _declared(pathways, organisation_id) > 0
    # A release that keeps only the indicators: the other rollups' queries are no longer declared.
    monkeypatch.setattr(rollups, "KEPT", (("indicators", ()),))
    _refresh(pathways, organisation_id, sorted(trainee_ids[5:10]))
    assert _rollups(pathways, organisation_id) == _declared(pathways, organisation_id) < kept
    with pathways.uow() as uow:
        assert rollups.differences(uow.session, organisation_id) == []
    assert _ask(pathways, Scope(organisation_id), ("sex",)) == _scan(pathways, Scope(organisation_id), ("sex",))


def test_a_small_organisation_keeps_no_rollup(programme):
    pathways, organisation_id, trainee_ids = programme  # 400 participants, below MIN_PARTICIPANTS
    _refresh(pathways, organisation_id, sorted(trainee_ids[:5]))
    with pathways.uow() as uow:
        assert rollups.ensure(uow.session, organisation_id) == 0
        uow.commit()
    assert _rollups(pathways, organisation_id) == 0
    assert _ask(pathways, Scope(organisation_id), ("sex",)) == _scan(pathways, Scope(organisation_id), ("sex",))


def test_a_period_scans(programme, large):
    pathways, organisation_id, trainee_ids = programme
    _refresh(pathways, organisation_id, sorted(trainee_ids[:5]))
    with pathways.uow() as uow:  # a rollup that lies: a period must not read it
        uow.session.execute(update(MetricRollupValue).values(value=MetricRollupValue.value + 1000))
        uow.commit()
    with pathways.uow() as uow:  # people reached by sex: a query of the reach report's (its share target)
        whole = agg.aggregate(uow.session, Scope(organisation_id), ("sex",), {"reached": agg.REACHED})
        all_time = agg.aggregate(uow.session, Scope(organisation_id, None, date(1900, 1, 1), date(2999, 12, 31)),
                                 ("sex",), {"reached": agg.REACHED})
    # (a cell a refresh emptied keeps its row at 0 in the rollup: 1000 after the tampering, so 0 here)
    assert {cell: counts["reached"] - 1000 for cell, counts in whole.items() if counts["reached"] != 1000} == {
        cell: counts["reached"] for cell, counts in all_time.items()}
    with pathways.uow() as uow:
        assert rollups.differences(uow.session, organisation_id) != []


def test_rebuild_drops_the_rollups_and_makes_them_again_from_the_rebuilt_rows(programme, large):
    pathways, organisation_id, trainee_ids = programme
    _refresh(pathways, organisation_id, sorted(trainee_ids[:5]))
    with pathways.uow() as uow:  # a rollup that lies
        uow.session.execute(update(MetricRollupValue).values(value=MetricRollupValue.value + 1000))
        uow.commit()
    assert rebuild(pathways, organisation_id) == TRAINEES
    assert _rollups(pathways, organisation_id) == _declared(pathways, organisation_id) > 0
    with pathways.uow() as uow:
        assert rollups.differences(uow.session, organisation_id) == []
    for by in SHAPES[:4]:
        assert _ask(pathways, Scope(organisation_id), by) == _scan(pathways, Scope(organisation_id), by)


def test_sqlite_scans_and_keeps_no_rollup(sqlite_pathways, large):
    from service.services import organisations

    organisation, _admin, _token = organisations.bootstrap(
        sqlite_pathways.uow(), slug="rollups-sqlite", name="SQLite", country="TR", admin_email="a@example.org")
    assert _ask(sqlite_pathways, Scope(organisation.id), ("sex",)) == {}
    with sqlite_pathways.uow() as uow:
        assert rollups.ensure(uow.session, organisation.id) == 0
    assert _rollups(sqlite_pathways, organisation.id) == 0
