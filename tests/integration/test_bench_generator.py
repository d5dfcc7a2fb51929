"""bench.generate on PostgreSQL: plausible records, every rule held, and a read model equal to the records.

300 trainees are generated into an organisation bootstrapped (with its projects) as
`python -m bench.generate` does. Then `service.metrics.verification.verify` recomputes
the read model from the records and finds no difference, the ratios are those of the
benchmark's data set (about 2 enrolments and 0.5 placements per trainee), the rules the
database does not enforce hold as well, and GET /api/v1/metrics/reach counts exactly the
trainees with an enrolment.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from stdnum.tr import tckimlik

from bench.generate import ensure_programme, generate
from service.app import create_app
from service.db.models import (Cohort, Employer, Enrolment, FollowUp, MetricEnrolment, MetricParticipant,
                               MetricState, Organisation, Placement, Project, Trainee)
from service.db.models.metrics import MetricEnrolmentGroup
from service.domain import follow_ups as follow_up_rules
from service.domain.enrolments import EXIT_REASONS
from service.domain.people import AGE_BANDS, MINIMUM_ENROLMENT_AGE, age_on
from service.domain.placements import END_REASONS, active_on
from service.metrics.verification import verify

pytestmark = pytest.mark.postgres

TRAINEES = 300
SEED = 11
#: The generator's "today", fixed: the same seed and day give the same people, so the ratios
#: below (of a sample of 300) do not wander with the calendar.
GENERATED_ON = date(2026, 11, 23)


@pytest.fixture
def generated(committing_pg_pathways):
    """An organisation bootstrapped with its projects, then filled; the fixture deletes it afterwards."""
    pathways = committing_pg_pathways
    organisation_id, token = ensure_programme(pathways, f"bench-{uuid.uuid4().hex[:12]}", TRAINEES)
    result = generate(pathways.engine, organisation_id, trainees=TRAINEES, seed=SEED, vault=pathways.vault,
                      today=GENERATED_ON)
    return pathways, organisation_id, token, result


def _all(session, model, organisation_id):
    return list(session.scalars(select(model).where(model.organisation_id == organisation_id)))


def test_the_read_model_equals_a_recomputation_from_the_records(generated):
    pathways, organisation_id, _token, result = generated
    with pathways.uow() as uow:
        checked, differences = verify(uow.session, organisation_id)
        as_of = uow.session.scalar(select(MetricState.as_of).where(MetricState.organisation_id == organisation_id))
        counts = {model.__tablename__: uow.session.scalar(select(func.count()).select_from(model).where(
            model.organisation_id == organisation_id)) for model in (
            Trainee, Enrolment, Placement, FollowUp, Cohort, Employer, MetricParticipant, MetricEnrolment)}
        groups = uow.session.scalar(select(func.count()).select_from(MetricEnrolmentGroup).join(
            MetricEnrolment).where(MetricEnrolment.organisation_id == organisation_id))
    assert (checked, differences) == (TRAINEES, [])
    assert as_of is not None
    reported = result["counts"]
    assert counts == {"trainees": TRAINEES, "enrolments": reported["enrolments"],
                      "placements": reported["placements"], "follow_ups": reported["follow_ups"],
                      "cohorts": reported["cohorts"], "employers": reported["employers"],
                      "metric_participants": TRAINEES, "metric_enrolments": reported["enrolments"]}
    assert groups == reported["metric_enrolment_groups"]


def test_the_records_are_plausible_and_keep_every_rule(generated):
    pathways, organisation_id, _token, _result = generated
    today = GENERATED_ON
    with pathways.uow() as uow:
        session = uow.session
        organisation = session.get(Organisation, organisation_id)
        projects = {p.id: p for p in _all(session, Project, organisation_id)}
        cohorts = {c.id: c for c in _all(session, Cohort, organisation_id)}
        trainees = {t.id: t for t in _all(session, Trainee, organisation_id)}
        enrolments = _all(session, Enrolment, organisation_id)
        placements = _all(session, Placement, organisation_id)
        follow_ups = _all(session, FollowUp, organisation_id)
        age_bands = Counter(session.scalars(select(MetricEnrolment.age_band).where(
            MetricEnrolment.organisation_id == organisation_id)))

    # The programme: the demo's four projects with reach and share targets.
    assert organisation.reach_target and organisation.share_targets
    assert len(projects) == 4 and all(p.reach_target and p.share_targets for p in projects.values())

    # The people: valid, distinct national ids kept as the service keeps them; women a majority.
    national_ids = [pathways.vault.decrypt(organisation_id, t.national_id_ciphertext) for t in trainees.values()]
    assert all(tckimlik.is_valid(n) for n in national_ids) and len(set(national_ids)) == TRAINEES
    assert all(pathways.vault.fingerprint(organisation_id, n) == t.national_id_hash
               for n, t in zip(national_ids, trainees.values()))
    sexes = Counter(t.sex for t in trainees.values())
    assert 0.5 < sexes["female"] / TRAINEES < 0.75 and sexes["male"] > 0.2 * TRAINEES
    assert all(t.consent and t.settlement_type and t.education_level and t.labour_status for t in trainees.values())
    assert {"urban", "rural"} == {t.settlement_type for t in trainees.values()}
    assert sum(1 for t in trainees.values() if t.vulnerable_groups) > 0.3 * TRAINEES
    assert set(age_bands) == {band for band, _low, _high in AGE_BANDS}

    # About two enrolments per trainee, in every state, some people in two projects.
    assert 1.7 < len(enrolments) / TRAINEES < 2.3
    statuses = Counter(e.status for e in enrolments)
    assert statuses["completed"] > statuses["dropped_out"] > statuses["enrolled"] > 0
    by_trainee = defaultdict(list)
    for e in enrolments:
        by_trainee[e.trainee_id].append(e)
    assert sum(1 for es in by_trainee.values() if len({e.project_id for e in es}) > 1) > 0.05 * TRAINEES
    assert max(e.enrolled_on for e in enrolments) - min(e.enrolled_on for e in enrolments) > timedelta(days=900)
    taken = Counter(e.cohort_id for e in enrolments)
    for e in enrolments:
        trainee, cohort = trainees[e.trainee_id], cohorts[e.cohort_id]
        assert age_on(trainee.birth_date, e.enrolled_on) >= MINIMUM_ENROLMENT_AGE
        assert trainee.consent_at.date() <= e.enrolled_on <= today
        assert cohort.project_id == e.project_id and taken[cohort.id] <= cohort.capacity
        project = projects[e.project_id]
        assert project.starts_on <= e.enrolled_on <= project.ends_on
        if e.status == "enrolled":
            assert (e.exited_on, e.exit_reason, e.qualification_gained) == (None, None, None)
        else:
            assert e.enrolled_on <= e.exited_on <= today and e.exit_reason in EXIT_REASONS
            assert e.qualification_gained is not None
            assert e.qualification_gained is False or e.status == "completed"
    for es in by_trainee.values():  # one open enrolment per project (and courses one after another)
        assert sum(1 for e in es if e.status == "enrolled") <= 1
    assert sum(1 for e in enrolments if e.status == "completed" and e.qualification_gained) > \
        0.7 * statuses["completed"]

    # About half a placement per trainee, mostly within 90 days of a completion.
    assert 0.35 < len(placements) / TRAINEES < 0.7
    completions = defaultdict(list)
    for e in enrolments:
        if e.status == "completed":
            completions[e.trainee_id].append(e.exited_on)
    within = sum(1 for p in placements if any(-30 <= (p.started_on - day).days <= 90
                                              for day in completions[p.trainee_id]))
    assert within > 0.5 * len(placements)
    assert 0.75 < sum(p.formal for p in placements) / len(placements) < 0.97
    assert any(p.ended_on for p in placements) and any(p.ended_on is None for p in placements)
    for p in placements:
        assert p.trainee_id in trainees and p.currency == "TRY" and p.wage_monthly > 5_000
        assert p.started_on <= today and (p.ended_on is None or p.started_on <= p.ended_on <= today)
        assert (p.ended_on is None) == (p.end_reason is None) and p.end_reason in (None, *END_REASONS)
    jobs = defaultdict(list)
    for p in sorted(placements, key=lambda p: p.started_on):
        jobs[p.trainee_id].append(p)
    for held in jobs.values():  # one job at a time
        for earlier, later in zip(held, held[1:]):
            assert earlier.ended_on is not None and earlier.ended_on < later.started_on

    # The three checkpoints of every exit, due on their days; those fallen due mostly answered.
    exited = {e.id: e for e in enrolments if e.exited_on is not None}
    assert Counter(f.enrolment_id for f in follow_ups) == Counter({e: 3 for e in exited})
    placement_by_id = {p.id: p for p in placements}
    for f in follow_ups:
        assert f.due_on == follow_up_rules.due_dates(exited[f.enrolment_id].exited_on)[f.checkpoint]
        assert f.trainee_id == exited[f.enrolment_id].trainee_id
        if f.due_on > today or f.status == "due":
            assert (f.status, f.employment_status, f.source, f.wage_monthly) == ("due", None, None, None)
            # None fallen due is left that a formal job resolves: the outcomes worker would record it.
            assert f.due_on > today or not any(p.formal and active_on(p, f.due_on) for p in jobs[f.trainee_id])
        elif f.status == "unreachable":
            assert (f.employment_status, f.source, f.wage_monthly) == ("unknown", "caseworker", None)
        else:
            assert f.employment_status in follow_up_rules.EMPLOYMENT_STATUSES
            assert (f.wage_monthly is None) == (f.currency is None)
            assert f.wage_monthly is None or f.employment_status in follow_up_rules.WAGE_EARNING
            if f.source == "placement":
                job = placement_by_id[f.placement_id]
                assert job.formal and active_on(job, f.due_on)
                assert (f.employment_status, f.wage_monthly) == ("employed", job.wage_monthly)
    answered = Counter(f.status for f in follow_ups if f.due_on <= today)
    assert answered["recorded"] > answered["unreachable"] > 0 and answered["due"] > 0
    assert answered["recorded"] > 0.5 * sum(answered.values())


def test_the_api_reaches_every_trainee_with_an_enrolment(generated):
    pathways, organisation_id, token, _result = generated
    with pathways.uow() as uow:
        enrolled = uow.session.scalar(select(func.count(func.distinct(Enrolment.trainee_id))).where(
            Enrolment.organisation_id == organisation_id))
    client = create_app(pathways=pathways).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    reach = client.get("/api/v1/metrics/reach", headers=headers)
    assert reach.status_code == 200, reach.get_json()
    assert 0.9 * TRAINEES < enrolled <= TRAINEES and reach.get_json()["reached"] == enrolled
    outcomes = client.get("/api/v1/metrics/outcomes?by=sex", headers=headers)
    assert outcomes.status_code == 200 and outcomes.get_json()["completed"] > 0
