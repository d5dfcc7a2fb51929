"""Tokens expire (`expires_at`, `PATHWAYS_TOKEN_TTL_DAYS`) and are rotated with `POST /users/{id}/token`."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta

from sqlalchemy import update

from service.app import create_app
from service.clock import utcnow
from service.db.models import User
from tests.api.helpers import bearer, create_employer, create_employer_user, ok, problem, random_id, url


def _create(client, admin, email="holder@example.org", role="caseworker"):
    return ok(client.post(url("/users"), json={"email": email, "role": role}, headers=admin), 201)


def _rotate(client, user_id, headers):
    return client.post(url(f"/users/{user_id}/token"), headers=headers)


def _expire(pathways, user_id: str, at: datetime) -> None:
    with pathways.uow() as uow:
        uow.session.execute(update(User).where(User.id == uuid.UUID(user_id)).values(token_expires_at=at))
        uow.commit()


def _days_from_now(stamp: str) -> float:
    return (datetime.fromisoformat(stamp) - utcnow()) / timedelta(days=1)


def test_a_new_token_expires_after_90_days_by_default(client, tenant):
    created = _create(client, tenant.headers["admin"])
    assert 89.99 < _days_from_now(created["expires_at"]) <= 90
    assert created["expires_at"].endswith("+00:00")


def test_the_lifetime_is_configurable(pathways, tenant):
    short = dataclasses.replace(pathways, config=pathways.config.with_overrides(token_ttl_days=7))
    client = create_app(pathways=short).test_client()
    created = _create(client, tenant.headers["admin"])
    assert 6.99 < _days_from_now(created["expires_at"]) <= 7
    rotated = ok(_rotate(client, created["id"], tenant.headers["admin"]))
    assert 6.99 < _days_from_now(rotated["expires_at"]) <= 7


def test_an_expired_token_is_refused_and_says_so(client, pathways, tenant):
    created = _create(client, tenant.headers["admin"])
    token = bearer(created["token"])
    _expire(pathways, created["id"], utcnow() + timedelta(minutes=1))
    ok(client.get(url("/organisation"), headers=token))
    _expire(pathways, created["id"], utcnow() - timedelta(seconds=1))
    body = problem(client.get(url("/organisation"), headers=token), 401)
    assert "expired" in body["detail"]
    assert "expired" not in problem(client.get(url("/organisation"), headers=bearer("pw_unknown")), 401)["detail"]


def test_a_token_without_an_expiry_is_refused(client, pathways, tenant):
    """Migration 0006 gave every older token an expiry; a token without one is not trusted."""
    created = _create(client, tenant.headers["admin"])
    with pathways.uow() as uow:
        uow.session.execute(update(User).where(User.id == uuid.UUID(created["id"])).values(token_expires_at=None))
        uow.commit()
    assert "expired" in problem(client.get(url("/organisation"), headers=bearer(created["token"])), 401)["detail"]


def test_an_admin_rotates_a_users_token(client, tenant):
    admin = tenant.headers["admin"]
    created = _create(client, admin)
    rotated = ok(_rotate(client, created["id"], admin))
    assert set(rotated) == {"user_id", "token", "expires_at"}
    assert rotated["user_id"] == created["id"] and rotated["token"] != created["token"]
    assert 89.99 < _days_from_now(rotated["expires_at"]) <= 90

    problem(client.get(url("/organisation"), headers=bearer(created["token"])), 401)
    ok(client.get(url("/trainees"), headers=bearer(rotated["token"])))
    shown = ok(client.get(url(f"/users/{created['id']}"), headers=admin))
    assert "token" not in str(shown)

    entries = ok(client.get(url("/audit"), query_string={"entity_id": created["id"]}, headers=admin))["items"]
    rotation = entries[0]  # newest first
    assert rotation["action"] == "update" and rotation["actor_id"] == tenant.user_ids["admin"]
    assert rotation["changes"]["token_hash"] == "[redacted]"
    assert "token_expires_at" in rotation["changes"]
    assert rotated["token"] not in str(entries) and created["token"] not in str(entries)


def test_every_user_rotates_its_own_token(client, tenant):
    employer = create_employer(client, tenant.headers["admin"])
    hr = ok(client.post(url("/users"), headers=tenant.headers["admin"], json={
        "email": "hr@employer.example", "role": "employer", "employer_id": employer["id"]}), 201)
    callers = {role: (tenant.user_ids[role], tenant.headers[role]) for role in ("caseworker", "manager", "admin")}
    callers["employer"] = (hr["id"], bearer(hr["token"]))
    for user_id, old in callers.values():
        rotated = ok(_rotate(client, user_id, old))
        assert rotated["user_id"] == user_id
        problem(client.get(url("/organisation"), headers=old), 401)
        ok(client.get(url("/organisation"), headers=bearer(rotated["token"])))


def test_only_admins_rotate_other_users_tokens(client, tenant):
    employer = create_employer_user(client, tenant)
    for headers in (tenant.headers["caseworker"], tenant.headers["manager"], employer):
        problem(_rotate(client, tenant.user_ids["admin"], headers), 403)
        problem(_rotate(client, random_id(), headers), 403)  # the same answer: nothing is given away
    ok(client.get(url("/organisation"), headers=tenant.headers["admin"]))  # untouched


def test_rotation_needs_a_token_and_an_active_user_of_the_organisation(client, tenant, other_tenant):
    admin = tenant.headers["admin"]
    problem(_rotate(client, tenant.user_ids["caseworker"], {}), 401)
    problem(_rotate(client, other_tenant.user_ids["caseworker"], admin), 404)
    problem(_rotate(client, random_id(), admin), 404)
    removed = _create(client, admin, email="removed@example.org")
    assert client.delete(url(f"/users/{removed['id']}"), headers=admin).status_code == 204
    problem(_rotate(client, removed["id"], admin), 404)
    ok(client.get(url("/organisation"), headers=other_tenant.headers["caseworker"]))  # untouched
