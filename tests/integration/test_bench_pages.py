"""bench.pages on PostgreSQL: P7's caseworkers, their audit trail, the session and every path answer as pages.

A small world (bench.generate, 300 trainees) gets what P7 adds to the large one: caseworkers, an
audit trail naming who created each enrolment (one caseworker per person), a signed-in session of
the first caseworker, and the paths of the search, the person's page and the worklist. Each path
is then asked for with the session's cookie and answers the page (200), not the sign-in (a
redirect, which wrk would count as an answer); the counts the figures' names quote are the pages'.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench import pages
from bench.generate import ensure_programme, generate
from service.app import create_app
from service.db.models import AuditEntry, Enrolment, User
from service.domain.roles import Role
from service.web.auth import COOKIE

pytestmark = pytest.mark.postgres

CASEWORKERS = 4


@pytest.fixture
def site(committing_pg_pathways, tmp_path):
    pathways = committing_pg_pathways
    organisation_id, _token = ensure_programme(pathways, f"bench-{uuid.uuid4().hex[:12]}", 300)
    generate(pathways.engine, organisation_id, trainees=300, seed=11, vault=pathways.vault,
             today=date(2026, 11, 23))
    url = make_url(pathways.config.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    prepared = pages.prepare(pathways, url, organisation_id, tmp_path, caseworker_count=CASEWORKERS)
    return pathways, organisation_id, url, prepared


def test_each_persons_enrolments_were_created_by_one_of_the_caseworkers(site):
    pathways, organisation_id, url, _prepared = site
    with pathways.uow() as uow:
        session = uow.session
        caseworkers = set(session.scalars(select(User.id).where(User.organisation_id == organisation_id,
                                                                 User.role == Role.CASEWORKER)))
        entries = session.execute(select(AuditEntry.entity_id, AuditEntry.actor_id).where(
            AuditEntry.organisation_id == organisation_id, AuditEntry.entity_type == "enrolments",
            AuditEntry.action == "create")).all()
        enrolments = dict(session.execute(select(Enrolment.id, Enrolment.trainee_id).where(
            Enrolment.organisation_id == organisation_id)).all())
    assert len(caseworkers) == CASEWORKERS
    assert sorted(entity for entity, _actor in entries) == sorted(enrolments)
    assert {actor for _entity, actor in entries} <= caseworkers
    by_person: dict[uuid.UUID, set] = {}
    for entity, actor in entries:
        by_person.setdefault(enrolments[entity], set()).add(actor)
    assert all(len(actors) == 1 for actors in by_person.values())
    assert len({actor for actors in by_person.values() for actor in actors}) > 1  # shared, not one caseload
    # Prepared again (a second P7 in one world): nobody is added twice.
    pages.prepare(pathways, url, organisation_id, _prepared.files["search"].parent, caseworker_count=CASEWORKERS)
    with pathways.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.organisation_id == organisation_id, AuditEntry.entity_type == "enrolments")) == len(entries)
        assert uow.session.scalar(select(func.count()).select_from(User).where(
            User.organisation_id == organisation_id, User.role == Role.CASEWORKER)) == CASEWORKERS


def test_every_path_answers_its_page_to_the_signed_in_caseworker(site):
    pathways, _organisation_id, _url, prepared = site
    assert set(prepared.paths) == {"search", "person", "worklist"}
    assert len(prepared.paths["search"]) == pages.SEARCHES and prepared.paths["person"]
    for page, path in prepared.files.items():
        assert path.read_text().split() == prepared.paths[page]
    client = create_app(pathways=pathways).test_client()
    name, value = prepared.cookie.split("=", 1)
    assert name == COOKIE
    client.set_cookie(COOKIE, value)
    for page, paths in prepared.paths.items():
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (page, path, response.status_code, response.location)
    # Without the cookie the same paths are the sign-in's redirect, which a page figure must never time.
    assert create_app(pathways=pathways).test_client().get(prepared.paths["worklist"][0]).status_code == 302


def test_the_searches_find_people_and_the_worklist_has_due_follow_ups(site):
    _pathways, _organisation_id, _url, prepared = site
    assert prepared.search_matches >= 1
    assert prepared.follow_ups_todo > 0
    assert 0 < prepared.caseload_todo < prepared.follow_ups_todo
