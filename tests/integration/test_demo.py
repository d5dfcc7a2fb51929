"""The demo programme loads through the use cases on both backends, obeys every rule, and reloads safely."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select
from stdnum.tr import tckimlik

from service.clock import today
from service.db.models import AuditEntry, Cohort, Enrolment, Organisation, OutboxMessage, Project, Trainee, User
from service.demo import data, generate
from service.demo.loader import load_demo
from service.domain.enrolments import COMPLETED, DROPPED_OUT, ENROLLED, EXIT_REASONS
from service.domain.errors import Unauthenticated
from service.domain.people import age_on
from service.domain.roles import Role
from service.services import users

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
            for model in (Project, Cohort, Trainee, Enrolment, User, OutboxMessage, AuditEntry)}


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
    assert demo["created"] == {"projects": 4, "cohorts": len(cohorts), "trainees": TRAINEES,
                               "enrolments": len(_all(pathways, Enrolment, organisation_id))}

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


def test_reloading_creates_nothing_and_issues_working_tokens(pathways, demo):
    organisation_id = uuid.UUID(demo["organisation_id"])
    before = _counts(pathways, organisation_id)

    again = load_demo(pathways, trainees=TRAINEES, seed=SEED)

    assert again["organisation_id"] == demo["organisation_id"]
    assert again["created"] == {"projects": 0, "cohorts": 0, "trainees": 0, "enrolments": 0}
    assert _counts(pathways, organisation_id) == before
    assert set(again["tokens"]) == {"admin", "caseworker", "manager"}
    for role, token in again["tokens"].items():
        principal = users.authenticate(pathways.uow(), token)
        assert (principal.organisation_id, principal.role) == (organisation_id, role)
        with pytest.raises(Unauthenticated):  # the token of the first load was replaced
            users.authenticate(pathways.uow(), demo["tokens"][role])

    # A demo user removed through the API comes back, so every run prints a token per role.
    admin = users.authenticate(pathways.uow(), again["tokens"]["admin"])
    manager = users.authenticate(pathways.uow(), again["tokens"]["manager"])
    users.deactivate(pathways.uow(actor_id=admin.user_id), admin, manager.user_id)
    third = load_demo(pathways, trainees=TRAINEES, seed=SEED)
    assert users.authenticate(pathways.uow(), third["tokens"]["manager"]).role == Role.MANAGER


def test_the_plan_depends_on_the_seed_only():
    """`today` decides how far histories have got, never who the people are."""
    now, later = generate.plan(TRAINEES, SEED, date(2026, 1, 1)), generate.plan(TRAINEES, SEED, date(2030, 1, 1))
    assert [p.body for p in now] == [p.body for p in later]
    assert all(e.status != ENROLLED for p in later for e in p.enrolments)
    assert [p.body for p in generate.plan(TRAINEES, SEED + 1, date(2030, 1, 1))] != [p.body for p in later]
