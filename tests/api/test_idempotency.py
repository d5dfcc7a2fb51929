"""`Idempotency-Key`: a repeated POST replays the first response and creates nothing new."""

import pytest

from tests import factories
from tests.api.helpers import enrol, ok, problem, url

KEY = "Idempotency-Key"


def _post(client, path, body, headers, key):
    return client.post(url(path), json=body, headers={**headers, KEY: key})


def _count(client, path, headers) -> int:
    return len(ok(client.get(url(path), query_string={"limit": 200}, headers=headers))["items"])


@pytest.mark.parametrize("path, make_body, listing", [
    ("/trainees", factories.trainee_body, "/trainees"),
    ("/projects", factories.project_body, "/projects"),
    ("/users", lambda: {"email": "once@example.org", "role": "manager"}, "/users"),
])
def test_a_repeated_creation_returns_the_first_response(client, tenant, path, make_body, listing):
    admin = tenant.headers["admin"]
    body = make_body()
    before = _count(client, listing, admin)
    first = _post(client, path, body, admin, "create-1")
    created = ok(first, 201)
    again = _post(client, path, body, admin, "create-1")
    assert again.status_code == 201
    assert again.get_json() == created
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert _count(client, listing, admin) == before + 1


def test_the_replayed_user_creation_carries_the_same_working_token(client, tenant):
    admin, body = tenant.headers["admin"], {"email": "twice@example.org", "role": "caseworker"}
    first = ok(_post(client, "/users", body, admin, "user-1"), 201)
    again = ok(_post(client, "/users", body, admin, "user-1"), 201)
    assert again["id"] == first["id"] and again["token"] == first["token"]
    ok(client.get(url("/organisation"), headers={"Authorization": f"Bearer {again['token']}"}))


def test_without_a_key_the_same_body_is_a_second_request(client, tenant):
    admin, body = tenant.headers["admin"], factories.project_body()
    ok(client.post(url("/projects"), json=body, headers=admin), 201)
    problem(client.post(url("/projects"), json=body, headers=admin), 409)  # the code is taken now


def test_a_repeated_action_replays_its_result(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    enrolment = enrol(client, caseworker, programme["trainee"]["id"], programme["project"]["id"])
    path, body = f"/enrolments/{enrolment['id']}/complete", {"exited_on": "2026-06-30", "qualification_gained": True}
    done = ok(_post(client, path, body, caseworker, "exit-1"))
    assert ok(_post(client, path, body, caseworker, "exit-1")) == done
    problem(client.post(url(path), json=body, headers=caseworker), 409)  # a real second exit is refused


def test_a_replay_is_not_a_second_audited_write(client, tenant):
    admin, body = tenant.headers["admin"], factories.trainee_body()
    _post(client, "/trainees", body, admin, "audit-1")
    entries = _count(client, "/audit", admin)
    _post(client, "/trainees", body, admin, "audit-1")
    assert _count(client, "/audit", admin) == entries


@pytest.mark.parametrize("second", ["other body", "other path"])
def test_the_same_key_with_a_different_request_is_refused(client, tenant, second):
    admin = tenant.headers["admin"]
    body = factories.project_body()
    created = ok(_post(client, "/projects", body, admin, "reused"), 201)
    if second == "other body":
        response = _post(client, "/projects", {**body, "name": "Changed"}, admin, "reused")
    else:
        response = _post(client, f"/projects/{created['id']}/cohorts", factories.cohort_body(), admin, "reused")
    assert KEY in problem(response, 422)["errors"]
    assert ok(client.get(url("/projects"), headers=admin))["items"] == [created]
    assert ok(_post(client, "/projects", body, admin, "reused"), 201) == created  # the key still replays
    assert ok(client.get(url(f"/projects/{created['id']}/cohorts"), headers=admin))["items"] == []


def test_different_users_use_the_same_key_independently(client, tenant):
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    by_admin = ok(_post(client, "/trainees", factories.trainee_body(), admin, "shared-key"), 201)
    by_caseworker = ok(_post(client, "/trainees", factories.trainee_body(given_name="Elif"), caseworker,
                          "shared-key"), 201)
    assert by_admin["id"] != by_caseworker["id"]
    assert by_caseworker["given_name"] == "Elif"
    assert _count(client, "/trainees", admin) == 2


def test_users_of_different_organisations_use_the_same_key_independently(client, tenant, other_tenant):
    body = factories.project_body()
    mine = ok(_post(client, "/projects", body, tenant.headers["admin"], "k"), 201)
    theirs = ok(_post(client, "/projects", body, other_tenant.headers["admin"], "k"), 201)
    assert mine["id"] != theirs["id"]
    assert ok(client.get(url("/projects"), headers=other_tenant.headers["admin"]))["items"] == [theirs]


def test_a_failed_request_does_not_consume_the_key(client, tenant):
    caseworker = tenant.headers["caseworker"]
    body = factories.trainee_body()
    problem(_post(client, "/trainees", {**body, "consent": False}, caseworker, "retry-me"), 422)
    problem(_post(client, "/trainees", {**body, "sex": "unknown"}, caseworker, "retry-me"), 422)
    created = ok(_post(client, "/trainees", body, caseworker, "retry-me"), 201)
    assert ok(_post(client, "/trainees", body, caseworker, "retry-me"), 201) == created
    assert _count(client, "/trainees", caseworker) == 1


def test_a_conflict_does_not_consume_the_key_either(client, tenant):
    admin = tenant.headers["admin"]
    taken = factories.project_body()
    ok(client.post(url("/projects"), json=taken, headers=admin), 201)
    problem(_post(client, "/projects", factories.project_body(code=taken["code"]), admin, "after-409"), 409)
    ok(_post(client, "/projects", factories.project_body(), admin, "after-409"), 201)


def test_a_refused_caller_does_not_claim_the_key(client, tenant):
    body = factories.trainee_body()
    problem(_post(client, "/trainees", body, tenant.headers["manager"], "manager-key"), 403)
    problem(_post(client, "/trainees", body, {}, "manager-key"), 401)
    ok(_post(client, "/trainees", body, tenant.headers["caseworker"], "manager-key"), 201)


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_an_unusable_key_is_refused(client, tenant, key):
    admin = tenant.headers["admin"]
    assert KEY in problem(_post(client, "/projects", factories.project_body(), admin, key), 422)["errors"]
    assert ok(client.get(url("/projects"), headers=admin))["items"] == []
