"""Who may call what (SPEC section 1), table-driven, and that nothing of another organisation is reachable.

Every core endpoint is called by every kind of caller. Refused calls answer 401 (no or a
bad token) or 403 (a role without the right) and change nothing; calls on another
organisation's ids answer exactly like calls on ids that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests import factories
from tests.api.helpers import (bearer, create_cohort, create_employer_user, create_project, enrol, ok, problem,
                               random_id, register_trainee, url)

ADMIN, CASEWORKER, MANAGER, EMPLOYER = "admin", "caseworker", "manager", "employer"
NO_TOKEN, BAD_TOKEN = "no token", "bad token"
CALLERS = (ADMIN, CASEWORKER, MANAGER, EMPLOYER, NO_TOKEN, BAD_TOKEN)

EVERYONE = {ADMIN, CASEWORKER, MANAGER, EMPLOYER}
READERS = {ADMIN, CASEWORKER, MANAGER}
CASEWORK = {ADMIN, CASEWORKER}
ADMINS = {ADMIN}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # with {placeholders} filled from the world of records
    allowed: set[str]
    status: int = 200
    body: dict | None = field(default=None, hash=False)
    #: The world key whose id a successful read answers with.
    expect_id: str | None = None

    def __str__(self):
        return f"{self.method} {self.path}"

    def call(self, client, world: dict, headers: dict, **body_overrides):
        body = None if self.body is None else {k: _fill(v, world) for k, v in {**self.body, **body_overrides}.items()}
        return client.open(url(self.path.format(**world)), method=self.method, json=body, headers=headers)


def _fill(value, world):
    return value.format(**world) if isinstance(value, str) and value.startswith("{") else value


ENDPOINTS = [
    Endpoint("GET", "/organisation", EVERYONE, expect_id="organisation_id"),
    Endpoint("PATCH", "/organisation", ADMINS, body={"locale": "tr", "reach_target": 1400}),
    Endpoint("POST", "/users", ADMINS, 201, body={"email": "new@example.org", "role": "manager"}),
    Endpoint("GET", "/users", ADMINS),
    Endpoint("GET", "/users/{user_id}", ADMINS, expect_id="user_id"),
    Endpoint("DELETE", "/users/{user_id}", ADMINS, 204),
    Endpoint("POST", "/projects", ADMINS, 201, body={"code": "NEW", "name": "New project"}),
    Endpoint("GET", "/projects", READERS),
    Endpoint("GET", "/projects/{project_id}", READERS, expect_id="project_id"),
    Endpoint("PATCH", "/projects/{project_id}", ADMINS, body={"name": "Renamed", "reach_target": 9}),
    Endpoint("POST", "/projects/{project_id}/cohorts", ADMINS, 201, body={"name": "Welders", "occupation": "7212"}),
    Endpoint("GET", "/projects/{project_id}/cohorts", READERS),
    Endpoint("GET", "/projects/{project_id}/cohorts/{cohort_id}", READERS, expect_id="cohort_id"),
    Endpoint("POST", "/trainees", CASEWORK, 201, body=factories.trainee_body(national_id="{fresh_national_id}")),
    Endpoint("GET", "/trainees", READERS),
    Endpoint("GET", "/trainees/{trainee_id}", READERS, expect_id="trainee_id"),
    Endpoint("PATCH", "/trainees/{trainee_id}", CASEWORK, body={"district": "Konak", "phone": "+90 555 123 45 67"}),
    Endpoint("POST", "/enrolments", CASEWORK, 201, body={
        "trainee_id": "{spare_trainee_id}", "project_id": "{project_id}", "cohort_id": "{cohort_id}",
        "enrolled_on": "2026-03-02"}),
    Endpoint("GET", "/enrolments", READERS),
    Endpoint("GET", "/enrolments/{enrolment_id}", READERS, expect_id="enrolment_id"),
    Endpoint("POST", "/enrolments/{enrolment_id}/complete", CASEWORK,
             body={"exited_on": "2026-06-30", "qualification_gained": True}),
    Endpoint("POST", "/enrolments/{enrolment_id}/drop-out", CASEWORK,
             body={"exited_on": "2026-04-01", "reason": "health"}),
    Endpoint("GET", "/audit", ADMINS),
]

#: What an admin reads to see the whole state of an organisation.
STATE_PATHS = ("/organisation", "/users", "/projects", "/projects/{project_id}/cohorts", "/trainees", "/enrolments",
               "/audit")


def build_world(client, tenant) -> dict:
    """One record of every kind, created by the organisation's admin."""
    admin = tenant.headers[ADMIN]
    project = create_project(client, admin)
    cohort = create_cohort(client, admin, project["id"])
    trainee = register_trainee(client, admin)
    spare = register_trainee(client, admin, given_name="Zeynep")
    enrolment = enrol(client, admin, trainee["id"], project["id"], cohort_id=cohort["id"])
    user = ok(client.post(url("/users"), json={"email": f"spare-{project['code']}@example.org", "role": "caseworker"},
                          headers=admin), 201)
    return {"organisation_id": tenant.organisation_id, "project_id": project["id"], "cohort_id": cohort["id"],
            "trainee_id": trainee["id"], "spare_trainee_id": spare["id"], "enrolment_id": enrolment["id"],
            "user_id": user["id"], "fresh_national_id": factories.tckn()}


def state(client, tenant, world) -> dict:
    admin = tenant.headers[ADMIN]
    return {path: ok(client.get(url(path.format(**world)), query_string={"limit": 200}
                                if path != "/organisation" else None, headers=admin))
            for path in STATE_PATHS}


def caller_headers(client, tenant, caller: str) -> dict:
    if caller == NO_TOKEN:
        return {}
    if caller == BAD_TOKEN:
        return bearer("pw_" + "x" * 40)
    if caller == EMPLOYER:
        return create_employer_user(client, tenant)
    return tenant.headers[caller]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_roles(client, tenant, subtests, endpoint):
    """Refused callers share one world (they must not change it); each allowed caller gets a fresh one."""
    headers = {caller: caller_headers(client, tenant, caller) for caller in CALLERS}
    world = build_world(client, tenant)
    before = state(client, tenant, world)

    for caller in CALLERS:
        if caller in endpoint.allowed:
            continue
        with subtests.test(caller=caller):
            response = endpoint.call(client, world, headers[caller])
            refused = problem(response, 401 if caller in (NO_TOKEN, BAD_TOKEN) else 403)
            if refused["status"] == 401:
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
            if endpoint.method != "GET":
                assert state(client, tenant, world) == before, "a refused write changed nothing"

    for caller in sorted(endpoint.allowed):
        with subtests.test(caller=caller):
            own_world = world if endpoint.method == "GET" else build_world(client, tenant)
            own_before = state(client, tenant, own_world)
            response = endpoint.call(client, own_world, headers[caller])
            assert response.status_code == endpoint.status, response.get_data(as_text=True)
            after = state(client, tenant, own_world)
            if endpoint.method == "GET":
                body = response.get_json()
                if endpoint.expect_id:
                    assert body["id"] == own_world[endpoint.expect_id]
                else:
                    assert body["items"], "the world holds at least one record of every kind"
                assert after == own_before
            else:
                assert len(after["/audit"]["items"]) > len(own_before["/audit"]["items"]), "a write is audited"


@pytest.mark.parametrize("authorization", ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc",
                                           "Bearer " + "a" * 500, "Bearer tökén"])
def test_malformed_authorization_headers_are_401(client, tenant, authorization):
    problem(client.get(url("/organisation"), headers={"Authorization": authorization}), 401)


def test_the_scheme_name_is_case_insensitive(client, tenant):
    token = tenant.headers[ADMIN]["Authorization"].split(" ", 1)[1]
    assert ok(client.get(url("/organisation"), headers={"Authorization": f"bearer {token}"}))["id"] == (
        tenant.organisation_id)


# --- another organisation's ids ------------------------------------------------------------------------------

ID_ENDPOINTS = [e for e in ENDPOINTS if "{" in e.path]


@pytest.mark.parametrize("endpoint", ID_ENDPOINTS, ids=str)
def test_another_organisations_ids_answer_like_missing_ones(client, tenant, other_tenant, subtests, endpoint):
    mine = build_world(client, tenant)
    theirs = build_world(client, other_tenant)
    headers = {caller: caller_headers(client, tenant, caller) for caller in endpoint.allowed}
    their_state = state(client, other_tenant, theirs)
    my_state = state(client, tenant, mine)

    # Only the ids in the path are foreign (or random); a body refers to the caller's own records.
    foreign = {**mine, **{k: theirs[k] for k in _path_keys(endpoint)}}
    missing = {**mine, **{k: random_id() for k in _path_keys(endpoint)}}
    for caller in sorted(endpoint.allowed):
        with subtests.test(caller=caller):
            foreign_response = endpoint.call(client, foreign, headers[caller])
            missing_response = endpoint.call(client, missing, headers[caller])
            assert problem(foreign_response, 404) == problem(missing_response, 404)
    assert state(client, other_tenant, theirs) == their_state
    assert state(client, tenant, mine) == my_state


def _path_keys(endpoint: Endpoint) -> list[str]:
    return [part[1:-1] for part in endpoint.path.split("/") if part.startswith("{")]


@pytest.mark.parametrize("foreign_key", ["trainee_id", "project_id", "cohort_id"])
@pytest.mark.parametrize("caller", sorted(CASEWORK))
def test_enrolling_with_a_foreign_id_answers_like_a_missing_one(client, tenant, other_tenant, foreign_key, caller):
    mine, theirs = build_world(client, tenant), build_world(client, other_tenant)
    their_state = state(client, other_tenant, theirs)
    enrolling = next(e for e in ENDPOINTS if (e.method, e.path) == ("POST", "/enrolments"))
    slot = {"trainee_id": "spare_trainee_id"}.get(foreign_key, foreign_key)
    headers = tenant.headers[caller]

    foreign = enrolling.call(client, {**mine, slot: theirs[slot]}, headers)
    missing = enrolling.call(client, {**mine, slot: random_id()}, headers)

    assert problem(foreign, 404) == problem(missing, 404)
    assert state(client, other_tenant, theirs) == their_state
    assert ok(client.get(url("/enrolments"), query_string={"trainee_id": mine["spare_trainee_id"]},
                         headers=headers))["items"] == []


@pytest.mark.parametrize("path, key", [
    ("/trainees", "project_id"), ("/enrolments", "project_id"), ("/enrolments", "cohort_id"),
    ("/enrolments", "trainee_id"), ("/audit", "entity_id"), ("/audit", "actor_id"),
])
def test_filtering_by_a_foreign_id_finds_nothing(client, tenant, other_tenant, path, key):
    theirs = build_world(client, other_tenant)
    value = {"entity_id": theirs["trainee_id"], "actor_id": other_tenant.user_ids[ADMIN]}.get(key) or theirs[key]
    page = ok(client.get(url(path), query_string={key: value}, headers=tenant.headers[ADMIN]))
    assert page == {"items": [], "next_cursor": None}
    theirs_seen = ok(client.get(url(path), query_string={key: value}, headers=other_tenant.headers[ADMIN]))
    assert theirs_seen["items"], "the same filter finds the records inside their own organisation"


def test_a_deactivated_users_token_is_refused_everywhere(client, tenant):
    world = build_world(client, tenant)
    caseworker = tenant.headers[CASEWORKER]
    assert client.delete(url(f"/users/{tenant.user_ids[CASEWORKER]}"), headers=tenant.headers[ADMIN]).status_code == 204
    before = state(client, tenant, world)
    for endpoint in ENDPOINTS:
        problem(endpoint.call(client, world, caseworker), 401)
    assert state(client, tenant, world) == before
