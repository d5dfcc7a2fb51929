"""`Idempotency-Key`: a repeated POST replays the first response and creates nothing new."""

import json
import threading
import uuid
from datetime import timedelta

import pytest

from service.api import idempotency as api_idempotency
from service.app import create_app
from service.clock import utcnow
from service.db.models import IdempotencyRecord
from service.domain.roles import Principal, Role
from service.services import idempotency, organisations
from service.services.unit_of_work import SharedTransaction
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


def test_a_conflict_found_by_the_database_keeps_nothing_and_frees_the_key(client, tenant, programme):
    """The second open enrolment fails at the unique index, inside the request's transaction: the
    use case's rollback keeps the request's claim, and the request as a whole keeps nothing."""
    caseworker = tenant.headers["caseworker"]
    trainee, project = programme["trainee"]["id"], programme["project"]["id"]
    first = enrol(client, caseworker, trainee, project)
    body = factories.enrolment_body(trainee, project, enrolled_on="2026-03-02")
    conflict = problem(_post(client, "/enrolments", body, caseworker, "second"), 409)
    assert conflict["existing_enrolment_id"] == first["id"]
    assert _count(client, "/enrolments", caseworker) == 1
    ok(client.post(url(f"/enrolments/{first['id']}/drop-out"), json={"exited_on": "2026-04-01", "reason": "health"},
                   headers=caseworker))
    second = ok(_post(client, "/enrolments", body, caseworker, "second"), 201)
    assert ok(_post(client, "/enrolments", body, caseworker, "second"), 201) == second


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


# ---------------------------------------------------------------------------------------------
# "In progress" is a lock held by a live transaction, not a clock (see also
# tests/integration/test_idempotency_crash.py, with gunicorn workers killed mid-request).

@pytest.fixture(params=["sqlite", "postgres"])
def committing(request):
    """Really committing sessions, so that a second connection sees (and waits for) the first."""
    return request.param, request.getfixturevalue(
        "sqlite_pathways" if request.param == "sqlite" else "committing_pg_pathways")


def test_a_key_claimed_by_a_running_request_is_in_progress_only_while_that_runs(committing):
    backend, pathways = committing
    app = create_app(pathways=pathways)
    slug = f"held-{uuid.uuid4().hex[:10]}"
    organisation, admin, token = organisations.bootstrap(
        pathways.uow(), slug=slug, name="Held key", country="TR", admin_email=f"admin@{slug}.org")
    principal = Principal(user_id=admin.id, organisation_id=organisation.id, role=Role.ADMIN)
    body = json.dumps(factories.project_body())
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", KEY: "held"}

    def send():
        return app.test_client().post(url("/projects"), data=body, headers=headers)

    with app.test_request_context(url("/projects"), method="POST", data=body, headers=headers):
        fingerprint = api_idempotency._fingerprint()
    # The first request's transaction, between its claim and its commit.
    with SharedTransaction(pathways.session_factory, actor_id=admin.id) as first:
        assert idempotency.claim(first, principal, "held", fingerprint, timedelta(hours=1), pathways.vault) is None
        if backend == "postgres":
            problem(send(), 409)
        else:  # writers are serialised: the retry waits for the first request, then replays it
            answers = []
            retry = threading.Thread(target=lambda: answers.append(send()))
            retry.start()
            retry.join(timeout=1)
            assert retry.is_alive()
            idempotency.store(first, principal, "held", idempotency.StoredResponse(201, '{"id": "first"}', None),
                              pathways.vault)
            first.commit()
    if backend == "sqlite":
        retry.join(timeout=60)
        assert (answers[0].status_code, answers[0].get_json()) == (201, {"id": "first"})
        assert answers[0].headers["Idempotent-Replayed"] == "true"
        return
    # The first request died uncommitted (its transaction rolled back): the retry runs the use case, once.
    created = ok(send(), 201)
    assert ok(send(), 201) == created
    assert [p["id"] for p in ok(app.test_client().get(url("/projects"), headers=headers))["items"]] == [created["id"]]


@pytest.mark.parametrize("left", ["expired", "claimed without a response"])
def test_a_key_left_expired_or_without_a_response_runs_the_request(client, tenant, pathways, left):
    """A claim with no response can only be a leftover (claims commit with their response): it is not
    "in progress", whatever its age."""
    admin, body = tenant.headers["admin"], factories.project_body()
    answered = {"status_code": 201, "response_body": '{"id": "old"}'} if left == "expired" else {}
    with pathways.uow() as uow:
        uow.session.add(IdempotencyRecord(
            organisation_id=uuid.UUID(tenant.organisation_id), user_id=uuid.UUID(tenant.user_ids["admin"]),
            key="left", fingerprint="0" * 64, created_at=utcnow() - timedelta(hours=25 if answered else 0), **answered))
        uow.commit()
    created = ok(_post(client, "/projects", body, admin, "left"), 201)
    assert created["code"] == body["code"]
    assert ok(_post(client, "/projects", body, admin, "left"), 201) == created
    assert _count(client, "/projects", admin) == 1
