"""The demo programme loads through the use cases on both backends, obeys every rule, and reloads safely."""

from __future__ import annotations

import re
import stat
import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from stdnum.tr import tckimlik, vkn

from service.clock import utcnow
from tests.days import today
from service.db.models import (AuditEntry, Cohort, Employer, Enrolment, FollowUp, Organisation, OutboxMessage,
                               Placement, Project, Referral, Trainee, User, Vacancy)
from service.demo import data, generate, hiring
from service.demo import tokens as demo_tokens
from service.demo.loader import CREATED, load_demo
from service.domain.employers import NACE_PATTERN
from service.domain.enrolments import COMPLETED, DROPPED_OUT, ENROLLED, EXIT_REASONS
from service.domain.errors import NotFound, Unauthenticated
from service.domain.people import age_on
from service.domain.placements import END_REASONS
from service.domain.roles import Role
from service.services import outcomes
from service.services import placements as placement_records
from service.services import referrals as referral_records
from service.services import users
from service.services import vacancies as vacancy_records

TRAINEES = 60
SEED = 7
TURKISH_LETTERS = set("İıŞşĞğÖöÜüÇç")
IZMIR_DISTRICTS = set(data.URBAN_DISTRICTS) | set(data.RURAL_DISTRICTS)


@pytest.fixture
def demo(pathways) -> dict:
    return load_demo(pathways, trainees=TRAINEES, seed=SEED)


def _all(pathways, model, organisation_id) -> list:
    with pathways.uow() as uow:
        return list(uow.session.scalars(select(model).where(model.organisation_id == organisation_id)))


def _counts(pathways, organisation_id) -> dict[str, int]:
    with pathways.uow() as uow:
        return {model.__tablename__: uow.session.scalar(
            select(func.count()).select_from(model).where(model.organisation_id == organisation_id))
            for model in (Project, Cohort, Trainee, Enrolment, Employer, Vacancy, Referral, Placement, User,
                          OutboxMessage)}


def test_the_demo_looks_like_the_reference_programme_with_plausible_people(pathways, demo):
    organisation_id = uuid.UUID(demo["organisation_id"])
    with pathways.uow() as uow:
        organisation = uow.session.get(Organisation, organisation_id)
    assert (organisation.slug, organisation.country, organisation.locale) == ("demo", "TR", "tr")
    assert organisation.national_id_scheme == "tr_tckn"
    assert organisation.reach_target == 1400
    assert {"dimension": "sex", "value": "female", "min_share": 0.5} in organisation.share_targets

    projects = _all(pathways, Project, organisation_id)
    assert {p.name for p in projects} == {
        "Young Women Building Their Future", "Villages of Tomorrow", "Today's Youth, Tomorrow's Professions",
        "A Local Model for Roma Youth Employment"}
    assert sum(p.reach_target for p in projects) == 1400
    assert all(p.starts_on < p.ends_on and p.share_targets and p.priority_groups for p in projects)

    cohorts = _all(pathways, Cohort, organisation_id)
    assert all(re.fullmatch(r"[0-9]{4}", c.occupation) for c in cohorts)
    assert {"5120", "7212", "7411", "5141", "7531", "6111", "3343", "2512", "7233", "5321"} <= {
        c.occupation for c in cohorts}
    assert {c.district for c in cohorts} <= IZMIR_DISTRICTS
    assert demo["created"] == {
        "projects": 4, "cohorts": len(cohorts), "trainees": TRAINEES,
        "enrolments": len(_all(pathways, Enrolment, organisation_id)), "employers": len(data.EMPLOYERS),
        **{model.__tablename__: len(_all(pathways, model, organisation_id))
           for model in (Vacancy, Referral, Placement)}}

    people = _all(pathways, Trainee, organisation_id)
    assert len(people) == TRAINEES
    assert any(TURKISH_LETTERS & set(p.given_name + p.family_name) for p in people)
    sexes = Counter(p.sex for p in people)
    assert sexes["female"] > sexes["male"] > 0
    assert all(p.consent for p in people)
    assert {p.settlement_type for p in people} == {"urban", "rural"}
    assert {p.district for p in people} <= IZMIR_DISTRICTS
    national_ids = {pathways.vault.decrypt(p.organisation_id, p.national_id_ciphertext) for p in people}
    assert len(national_ids) == TRAINEES and all(tckimlik.is_valid(n) for n in national_ids)

    by_id = {p.id: p for p in people}
    roma_project = next(p.id for p in projects if p.code == "ROMA")
    in_roma_project = [by_id[e.trainee_id] for e in _all(pathways, Enrolment, organisation_id)
                       if e.project_id == roma_project]
    assert in_roma_project
    assert sum("roma" in p.vulnerable_groups for p in in_roma_project) >= 0.7 * len(in_roma_project)


def test_every_demo_enrolment_obeys_the_rules_and_left_its_events(pathways, demo):
    organisation_id = uuid.UUID(demo["organisation_id"])
    people = {p.id: p for p in _all(pathways, Trainee, organisation_id)}
    projects = {p.id: p for p in _all(pathways, Project, organisation_id)}
    cohorts = {c.id: c for c in _all(pathways, Cohort, organisation_id)}
    enrolments = _all(pathways, Enrolment, organisation_id)
    for e in enrolments:
        assert 15 <= age_on(people[e.trainee_id].birth_date, e.enrolled_on) <= 60
        assert e.enrolled_on <= projects[e.project_id].ends_on
        assert cohorts[e.cohort_id].project_id == e.project_id
        if e.status == ENROLLED:
            assert e.exited_on is None
        else:
            assert e.enrolled_on <= e.exited_on <= today()
        if e.status == DROPPED_OUT:
            assert e.exit_reason in EXIT_REASONS and e.qualification_gained is False
    for cohort_id, taken in Counter(e.cohort_id for e in enrolments if e.status != DROPPED_OUT).items():
        assert taken <= cohorts[cohort_id].capacity
    open_per_project = Counter((e.trainee_id, e.project_id) for e in enrolments if e.status == ENROLLED)
    assert max(open_per_project.values()) == 1
    statuses = Counter(e.status for e in enrolments)
    assert statuses[COMPLETED] and statuses[DROPPED_OUT] and statuses[ENROLLED]
    assert {True, False} <= {e.qualification_gained for e in enrolments if e.status == COMPLETED}
    assert max(Counter(e.trainee_id for e in enrolments).values()) == 2  # some people in two projects

    events = Counter(m.type for m in _all(pathways, OutboxMessage, organisation_id))
    assert events["trainee.registered"] == TRAINEES
    assert events["enrolment.created"] == len(enrolments)
    assert events["enrolment.completed"] == statuses[COMPLETED]
    assert events["enrolment.dropped_out"] == statuses[DROPPED_OUT]
    audited = Counter((a.entity_type, a.action) for a in _all(pathways, AuditEntry, organisation_id))
    assert audited["trainees", "create"] == TRAINEES and audited["enrolments", "create"] == len(enrolments)


def test_reloading_creates_nothing_and_keeps_the_tokens(pathways, demo):
    """Re-running `make run` must not revoke a token someone saved: every demo token keeps working.
    Beside an SQLite database the tokens are kept and shown again, unchanged; on PostgreSQL (where no
    plain-text token is written anywhere) they are kept but cannot be shown."""
    organisation_id = uuid.UUID(demo["organisation_id"])
    before = _counts(pathways, organisation_id)
    audited = {a.id for a in _all(pathways, AuditEntry, organisation_id)}

    again = load_demo(pathways, trainees=TRAINEES, seed=SEED)

    assert again["organisation_id"] == demo["organisation_id"]
    assert again["created"] == dict.fromkeys(CREATED, 0)
    assert _counts(pathways, organisation_id) == before
    assert {a.id for a in _all(pathways, AuditEntry, organisation_id)} == audited  # no token changed
    for role, token in demo["tokens"].items():
        principal = users.authenticate(pathways.uow(), token)
        assert (principal.organisation_id, principal.role) == (organisation_id, role)
    if pathways.config.is_sqlite:
        assert (again["tokens"], again["unchanged"]) == (demo["tokens"], [])
        saved = demo_tokens.path(pathways.config)
        assert saved.parent == Path(make_url(pathways.config.database_url).database).resolve().parent
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    else:
        assert (again["tokens"], again["unchanged"]) == ({}, list(data.USERS))
        assert demo_tokens.path(pathways.config) is None


def test_reloading_with_reissue_replaces_the_tokens_and_brings_removed_users_back(pathways, demo):
    organisation_id = uuid.UUID(demo["organisation_id"])
    before = _counts(pathways, organisation_id)
    audited = {a.id for a in _all(pathways, AuditEntry, organisation_id)}

    again = load_demo(pathways, trainees=TRAINEES, seed=SEED, reissue_tokens=True)

    assert again["created"] == dict.fromkeys(CREATED, 0)
    assert _counts(pathways, organisation_id) == before
    # The audit trail only says that each demo user's token changed (redacted).
    new_entries = [a for a in _all(pathways, AuditEntry, organisation_id) if a.id not in audited]
    assert sorted((a.entity_type, a.action, a.changes.get("token_hash")) for a in new_entries) == [
        ("users", "update", "[redacted]")] * len(again["tokens"])
    assert set(again["tokens"]) == {"admin", "caseworker", "manager", "employer"}
    for role, token in again["tokens"].items():
        principal = users.authenticate(pathways.uow(), token)
        assert (principal.organisation_id, principal.role) == (organisation_id, role)
        with pytest.raises(Unauthenticated):  # the token of the first load was replaced
            users.authenticate(pathways.uow(), demo["tokens"][role])

    # A demo user removed through the API comes back, so every run has a working token per role.
    admin = users.authenticate(pathways.uow(), again["tokens"]["admin"])
    manager = users.authenticate(pathways.uow(), again["tokens"]["manager"])
    employer = users.authenticate(pathways.uow(), again["tokens"]["employer"])
    users.deactivate(pathways.uow(actor_id=admin.user_id), admin, manager.user_id)
    users.deactivate(pathways.uow(actor_id=admin.user_id), admin, employer.user_id)
    third = load_demo(pathways, trainees=TRAINEES, seed=SEED)
    assert users.authenticate(pathways.uow(), third["tokens"]["manager"]).role == Role.MANAGER
    employer_again = users.authenticate(pathways.uow(), third["tokens"]["employer"])
    assert (employer_again.role, employer_again.employer_id) == (Role.EMPLOYER, employer.employer_id)
    assert _counts(pathways, organisation_id)["employers"] == before["employers"]
    assert users.authenticate(pathways.uow(), again["tokens"]["admin"]).role == Role.ADMIN  # kept


def test_reloading_replaces_only_an_expired_saved_token_and_never_one_replaced_since(sqlite_pathways):
    pathways = sqlite_pathways
    demo = load_demo(pathways, trainees=TRAINEES, seed=SEED)
    manager = users.authenticate(pathways.uow(), demo["tokens"]["manager"])
    rotated = users.reissue_token(pathways.uow(), manager.user_id)  # e.g. through POST /users/{id}/token
    caseworker = users.authenticate(pathways.uow(), demo["tokens"]["caseworker"])
    with pathways.uow() as uow:
        uow.session.get(User, caseworker.user_id).token_expires_at = utcnow() - timedelta(minutes=1)
        uow.commit()

    again = load_demo(pathways, trainees=TRAINEES, seed=SEED)

    assert again["unchanged"] == ["manager"]  # not the saved token any more: left alone, not shown
    assert "manager" not in again["tokens"]
    assert users.authenticate(pathways.uow(), rotated).user_id == manager.user_id
    assert again["tokens"]["caseworker"] != demo["tokens"]["caseworker"]  # expired: nobody could use it
    assert users.authenticate(pathways.uow(), again["tokens"]["caseworker"]).user_id == caseworker.user_id
    assert (again["tokens"]["admin"], again["tokens"]["employer"]) == (demo["tokens"]["admin"],
                                                                       demo["tokens"]["employer"])
    assert demo_tokens.load(pathways.config) == again["tokens"]


def test_the_plan_depends_on_the_seed_only():
    """`today` decides how far histories have got, never who the people are."""
    now, later = generate.plan(TRAINEES, SEED, date(2026, 1, 1)), generate.plan(TRAINEES, SEED, date(2030, 1, 1))
    assert [p.body for p in now] == [p.body for p in later]
    assert all(e.status != ENROLLED for p in later for e in p.enrolments)
    assert [p.body for p in generate.plan(TRAINEES, SEED + 1, date(2030, 1, 1))] != [p.body for p in later]




def test_the_demo_employers_are_izmir_businesses_posting_jobs_in_the_cohorts_trades(pathways, demo):
    organisation_id = uuid.UUID(demo["organisation_id"])
    employers = _all(pathways, Employer, organisation_id)
    assert 12 <= len(employers) <= 20
    assert {e.name for e in employers} == {e["name"] for e in data.EMPLOYERS}
    assert any(TURKISH_LETTERS & set(e.name) for e in employers)
    assert len({e.tax_number for e in employers}) == len(employers)
    assert all(re.fullmatch(r"[0-9]{10}", e.tax_number) and vkn.is_valid(e.tax_number) for e in employers)
    assert all(NACE_PATTERN.match(e.sector) for e in employers)
    assert {"I56", "I55", "C14", "C25", "F43", "A01", "J62", "Q87", "S96"} <= {e.sector[:3] for e in employers}
    assert {e.district for e in employers} <= IZMIR_DISTRICTS

    cohort_occupations = {c.occupation for c in _all(pathways, Cohort, organisation_id)}
    vacancies = _all(pathways, Vacancy, organisation_id)
    assert vacancies and {v.occupation for v in vacancies} <= cohort_occupations
    assert len({v.occupation for v in vacancies}) >= 4
    by_id = {e.id: e for e in employers}
    for v in vacancies:
        assert v.occupation in next(e["hires"] for e in data.EMPLOYERS if e["name"] == by_id[v.employer_id].name)
        assert v.currency == "TRY" and Decimal("22000") <= v.wage_monthly <= Decimal("60000")
        assert v.wage_monthly == v.wage_monthly.quantize(Decimal("0.01"))
        assert 1 <= v.positions <= 3 and v.closes_on is not None and v.title
        assert v.contract_type in data.OCCUPATIONS[v.occupation]["contracts"] or v.contract_type == "apprenticeship"
        if v.status == "closed":
            assert v.closes_on <= today()
        if v.status == "open":
            assert v.closes_on >= today()
    assert {"open", "filled", "closed"} <= {v.status for v in vacancies}


def test_demo_referrals_go_through_every_step_and_hires_start_jobs(pathways, demo):
    organisation_id = uuid.UUID(demo["organisation_id"])
    vacancies = {v.id: v for v in _all(pathways, Vacancy, organisation_id)}
    cohorts = {c.id: c for c in _all(pathways, Cohort, organisation_id)}
    enrolments = _all(pathways, Enrolment, organisation_id)
    courses = {}  # trainee -> its enrolments, latest last
    for e in sorted(enrolments, key=lambda e: e.enrolled_on):
        courses.setdefault(e.trainee_id, []).append(e)
    referrals = _all(pathways, Referral, organisation_id)
    placements = {p.id: p for p in _all(pathways, Placement, organisation_id)}

    statuses = Counter(r.status for r in referrals)
    assert statuses["hired"] and statuses["rejected"] and statuses["withdrawn"]
    assert statuses["referred"] + statuses["interviewing"]  # some still in progress
    assert len({(r.trainee_id, r.vacancy_id) for r in referrals}) == len(referrals)
    for r in referrals:
        vacancy = vacancies[r.vacancy_id]
        assert r.employer_id == vacancy.employer_id
        # Referred in the trade learnt, once the course was completed or nearly so.
        course = courses[r.trainee_id][-1]
        assert cohorts[course.cohort_id].occupation == vacancy.occupation
        assert course.status == COMPLETED or (course.status == ENROLLED and course.exited_on is None)
        if r.status == "hired":
            placement = placements[r.placement_id]
            assert (placement.trainee_id, placement.vacancy_id, placement.employer_id) == (
                r.trainee_id, r.vacancy_id, r.employer_id)
        else:
            assert r.placement_id is None
    hired_per_vacancy = Counter(r.vacancy_id for r in referrals if r.status == "hired")
    assert all(hired <= vacancies[v].positions for v, hired in hired_per_vacancy.items())
    assert all(vacancies[v].status == "filled" for v, hired in hired_per_vacancy.items()
               if hired == vacancies[v].positions)

    direct = [p for p in placements.values() if p.vacancy_id is None]
    assert direct and len(direct) < len(placements) / 2  # a few recorded without a referral
    ended = [p for p in placements.values() if p.ended_on is not None]
    assert ended and len(ended) < len(placements)
    assert 0.5 * len(placements) < sum(p.formal for p in placements.values()) < len(placements)
    for p in placements.values():
        assert p.started_on <= today() and p.currency == "TRY" and 1 <= p.hours_per_week <= 60
        # At least 22,000 TRY a month full time (45 hours), pro rata for part time; at most 60,000 and a raise.
        assert 22_000 * min(1, p.hours_per_week / 45) <= p.wage_monthly <= 61_500
        if p.ended_on is not None:
            assert p.started_on < p.ended_on <= today() and p.end_reason in END_REASONS
        # A job starts after the course it follows, or in its last two weeks.
        course = [e for e in courses[p.trainee_id] if e.enrolled_on <= p.started_on][-1]
        if course.status == DROPPED_OUT:
            assert course.exit_reason == "found_job" and course.exited_on <= p.started_on
        else:
            assert cohorts[course.cohort_id].ends_on - timedelta(days=14) <= p.started_on
    # One job at a time.
    for trainee_id in {p.trainee_id for p in placements.values()}:
        jobs = sorted((p for p in placements.values() if p.trainee_id == trainee_id), key=lambda p: p.started_on)
        assert all(earlier.ended_on is not None and earlier.ended_on < later.started_on
                   for earlier, later in zip(jobs, jobs[1:]))

    events = Counter(m.type for m in _all(pathways, OutboxMessage, organisation_id))
    assert events["referral.created"] == len(referrals)
    assert events["referral.hired"] == statuses["hired"]
    assert events["placement.started"] == len(placements) == statuses["hired"] + len(direct)
    assert events["placement.ended"] == len(ended)


def test_the_outcomes_consumer_finds_the_demo_consistent(pathways, demo):
    """Handling the demo's events as the outcomes consumer does (once `make run` starts the
    workers) changes no vacancy, and turns the demo's formal jobs into recorded outcomes."""
    organisation_id = uuid.UUID(demo["organisation_id"])
    statuses = {v.id: v.status for v in _all(pathways, Vacancy, organisation_id)}
    for message in sorted(_all(pathways, OutboxMessage, organisation_id), key=lambda m: m.id):
        data = message.envelope["data"]
        with pathways.uow() as uow:
            if message.type in ("enrolment.completed", "enrolment.dropped_out"):
                outcomes.on_exits(uow, [(organisation_id, uuid.UUID(data["enrolment_id"]))])
            elif message.type == "placement.started":
                outcomes.on_placement_started(uow, organisation_id, uuid.UUID(data["placement_id"]))
            elif message.type == "placement.ended":
                outcomes.on_placement_ended(uow, organisation_id, uuid.UUID(data["placement_id"]))
            uow.commit()

    assert {v.id: v.status for v in _all(pathways, Vacancy, organisation_id)} == statuses
    exits = [e for e in _all(pathways, Enrolment, organisation_id) if e.exited_on is not None]
    follow_ups = _all(pathways, FollowUp, organisation_id)
    assert len(follow_ups) == 3 * len(exits)
    from_jobs = [f for f in follow_ups if f.source == "placement"]
    assert from_jobs and all(f.employment_status == "employed" and f.due_on <= today() for f in from_jobs)


def _every(list_, principal, pathways) -> list:
    rows, cursor = [], None
    while True:
        page, cursor = list_(pathways.uow(), principal, {"limit": 200, "cursor": cursor})
        rows += page
        if cursor is None:
            return rows


def test_the_demo_employer_user_sees_only_its_own_employer(pathways, demo):
    organisation_id = uuid.UUID(demo["organisation_id"])
    principal = users.authenticate(pathways.uow(), demo["tokens"]["employer"])
    assert (principal.organisation_id, principal.role) == (organisation_id, Role.EMPLOYER)
    own = principal.employer_id
    referrals = _all(pathways, Referral, organisation_id)
    assert {r.employer_id for r in referrals} - {own}  # there are others to hide

    seen = _every(referral_records.list_, principal, pathways)
    assert seen and {r.id for r in seen} == {r.id for r in referrals if r.employer_id == own}
    assert all(r.trainee["given_name"] and r.trainee["family_name_initial"].endswith(".") for r in seen)
    assert {v.id for v in _every(vacancy_records.list_, principal, pathways)} == {
        v.id for v in _all(pathways, Vacancy, organisation_id) if v.employer_id == own}
    assert {p.id for p in _every(placement_records.list_, principal, pathways)} == {
        p.id for p in _all(pathways, Placement, organisation_id) if p.employer_id == own}
    foreign = next(r for r in referrals if r.employer_id != own)
    with pytest.raises(NotFound):
        referral_records.get(pathways.uow(), principal, foreign.id)

    # The employer user took its own employer's steps, and only those.
    employer_actions = {a.entity_type for a in _all(pathways, AuditEntry, organisation_id)
                        if a.actor_id == principal.user_id}
    assert "vacancies" in employer_actions and "referrals" in employer_actions


def test_the_employer_side_plan_depends_on_the_seed_and_what_happened_before_a_day_never_on_a_later_one():
    people = generate.plan(TRAINEES, SEED, date(2030, 1, 1))
    early, late = date(2026, 3, 1), date(2027, 9, 1)
    one, other = hiring.plan(people, SEED, early), hiring.plan(people, SEED, late)
    again = hiring.plan(people, SEED, early)  # the same seed and day, the same plan
    assert (again.actions, again.employer_user) == (one.actions, one.employer_user)

    def before(side, day):  # recent vacancies are posted at most three weeks before `today`
        return [(a.on, a.kind, a.body) for a in side.actions if a.on < day - timedelta(days=21)]
    assert before(one, early) and before(one, early) == before(other, early)
    assert all(a.on <= early for a in one.actions)
    assert hiring.employer_bodies() == one.employers == other.employers
    assert before(hiring.plan(people, SEED + 1, late), late) != before(other, late)


def test_the_demo_has_every_sex_citizenships_housing_exclusion_and_people_who_came_back():
    """The demo as `make run` loads it (300 people, its seed): what the ESF+ figures need to show."""
    people = generate.plan(300, 1400, date(2030, 1, 1))
    sexes = Counter(p.body["sex"] for p in people)
    assert set(sexes) == {"female", "male", "non_binary", "undisclosed"}
    assert 0 < sexes["non_binary"] < sexes["undisclosed"] < 0.1 * len(people) < sexes["male"] < sexes["female"]
    women_only = {e.project for p in people for e in p.history if data.PROFILES[e.project]["admits"].get("sex")}
    assert women_only and all(p.body["sex"] == "female" for p in people
                              if any(e.project in women_only for e in p.history))
    citizenships = Counter(p.body["citizenship"] for p in people)
    assert citizenships.most_common(1)[0][0] == "TR" and citizenships[None] > 0
    refugees = [p for p in people if "refugee" in p.body["vulnerable_groups"]]
    assert refugees and Counter(p.body["citizenship"] for p in refugees).most_common(1)[0][0] == "SY"
    assert len(set(citizenships) - {"TR", None}) >= 3
    assert sum("housing_exclusion" in p.body["vulnerable_groups"] for p in people) >= 3
    came_back = [p for p in people if len({e.project for e in p.history}) < len(p.history)]
    assert 3 <= len(came_back) <= 20  # a handful, each back after dropping out for a reason other than a job
    for person in came_back:
        first, again = person.history
        assert (first.status, again.project) == (DROPPED_OUT, first.project)
        assert first.reason != "found_job" and first.exited_on < again.enrolled_on
    assert sum(e.reason == "found_job" for p in people for e in p.history) >= 5


def test_the_demo_enrolments_keep_the_person_as_at_entry(pathways, demo):
    organisation_id = uuid.UUID(demo["organisation_id"])
    people = {p.id: p for p in _all(pathways, Trainee, organisation_id)}
    for e in _all(pathways, Enrolment, organisation_id):
        person = people[e.trainee_id]
        assert (e.labour_status_at_entry, e.education_level_at_entry, e.settlement_type_at_entry,
                e.vulnerable_groups_at_entry, e.citizenship_at_entry, e.age_at_entry) == (
            person.labour_status, person.education_level, person.settlement_type, sorted(person.vulnerable_groups),
            person.citizenship, age_on(person.birth_date, e.enrolled_on))


def test_the_demo_checkpoints_are_partly_collected_inside_their_windows_and_partly_overdue(pathways, demo):
    organisation_id = uuid.UUID(demo["organisation_id"])
    exits = [e for e in _all(pathways, Enrolment, organisation_id) if e.exited_on is not None]
    follow_ups = _all(pathways, FollowUp, organisation_id)
    assert len(follow_ups) == 3 * len(exits)  # scheduled as the outcomes consumer does
    windows = {"exit": 28, "month_6": 91, "month_12": 91}
    for f in follow_ups:
        if f.status == "due":
            assert f.observed_on is None
        elif f.source == "placement":
            assert (f.employment_status, f.observed_on) == ("employed", f.due_on)
        else:
            assert f.checkpoint in ("exit", "month_6") and f.source == "caseworker"
            assert f.due_on <= f.observed_on <= min(f.due_on + timedelta(days=windows[f.checkpoint]), today())
    by_caseworker = Counter((f.checkpoint, f.status) for f in follow_ups if f.source == "caseworker")
    assert by_caseworker["exit", "recorded"] and by_caseworker["month_6", "recorded"]
    assert by_caseworker["exit", "unreachable"] + by_caseworker["month_6", "unreachable"]
    overdue = [f for f in follow_ups
               if f.status == "due" and today() > f.due_on + timedelta(days=windows[f.checkpoint])]
    assert {f.checkpoint for f in overdue} >= {"exit", "month_6"}  # gaps beside the coverage
    assert {f.employment_status for f in follow_ups if f.source == "caseworker" and f.status == "recorded"} >= {
        "employed", "unemployed"}
    events = Counter(m.type for m in _all(pathways, OutboxMessage, organisation_id))
    assert events["follow_up.recorded"] == sum(f.status != "due" for f in follow_ups)
