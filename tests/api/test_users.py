"""`/users`: admins create users (the token is shown once), list, read and deactivate them."""

import pytest

from tests.api.helpers import (STAFF_ROLES, bearer, create_employer, create_employer_user, ids, ok, problem, random_id,
                               url)

USER_FIELDS = {"id", "email", "role", "employer_id", "created_at"}


def _create(client, admin, **body):
    return client.post(url("/users"), json=body, headers=admin)


@pytest.mark.parametrize("role", ["admin", "caseworker", "manager", "employer"])
def test_admin_creates_a_user_whose_token_works(client, tenant, role):
    admin = tenant.headers["admin"]
    employer_id = create_employer(client, admin)["id"] if role == "employer" else None
    created = ok(_create(client, admin, email=f"New.{role}@Example.org", role=role, employer_id=employer_id), 201)
    assert set(created) == USER_FIELDS | {"token", "expires_at"}
    assert created["email"] == f"new.{role}@example.org"
    assert created["role"] == role
    assert created["employer_id"] == employer_id
    assert len(created["token"]) >= 32

    organisation = ok(client.get(url("/organisation"), headers=bearer(created["token"])))
    assert organisation["id"] == tenant.organisation_id

    listed = ok(client.get(url("/users"), headers=admin))
    assert created["id"] in ids(listed)
    shown = ok(client.get(url(f"/users/{created['id']}"), headers=admin))
    assert shown == {key: created[key] for key in USER_FIELDS}


def test_a_new_admin_has_admin_powers_and_a_caseworker_has_not(client, tenant):
    admin = tenant.headers["admin"]
    second_admin = bearer(ok(_create(client, admin, email="second@example.org", role="admin"), 201)["token"])
    caseworker = bearer(ok(_create(client, admin, email="cw@example.org", role="caseworker"), 201)["token"])
    ok(_create(client, second_admin, email="third@example.org", role="manager"), 201)
    problem(_create(client, caseworker, email="fourth@example.org", role="manager"), 403)


def test_lists_and_reads_never_show_tokens_or_their_hashes(client, tenant):
    admin = tenant.headers["admin"]
    created = ok(_create(client, admin, email="reader@example.org", role="manager"), 201)
    token = created["token"]
    listing = client.get(url("/users"), headers=admin)
    single = client.get(url(f"/users/{created['id']}"), headers=admin)
    for response in (listing, single):
        text = response.get_data(as_text=True)
        assert token not in text
        assert "token" not in text  # neither `token` nor `token_hash`
    assert all(set(user) == USER_FIELDS for user in ok(listing)["items"])
    assert set(ok(single)) == USER_FIELDS


def test_the_list_holds_the_fixture_users_and_filters_by_role(client, tenant, other_tenant):
    admin = tenant.headers["admin"]
    everyone = ok(client.get(url("/users"), headers=admin))
    assert sorted(ids(everyone)) == sorted(tenant.user_ids.values())
    assert not set(ids(everyone)) & set(other_tenant.user_ids.values())
    managers = ok(client.get(url("/users"), query_string={"role": "manager"}, headers=admin))
    assert ids(managers) == [tenant.user_ids["manager"]]
    assert managers["items"][0]["role"] == "manager"


def test_delete_deactivates_the_user_and_its_token(client, tenant):
    admin = tenant.headers["admin"]
    created = ok(_create(client, admin, email="leaving@example.org", role="caseworker"), 201)
    token_headers = bearer(created["token"])
    ok(client.get(url("/organisation"), headers=token_headers))

    response = client.delete(url(f"/users/{created['id']}"), headers=admin)
    assert response.status_code == 204 and response.get_data() == b""

    problem(client.get(url("/organisation"), headers=token_headers), 401)
    problem(client.get(url("/trainees"), headers=token_headers), 401)
    assert created["id"] not in ids(ok(client.get(url("/users"), headers=admin)))
    problem(client.get(url(f"/users/{created['id']}"), headers=admin), 404)
    problem(client.delete(url(f"/users/{created['id']}"), headers=admin), 404)


def test_a_deactivated_users_email_can_be_given_to_a_new_user(client, tenant):
    admin = tenant.headers["admin"]
    first = ok(_create(client, admin, email="desk@example.org", role="caseworker"), 201)
    assert client.delete(url(f"/users/{first['id']}"), headers=admin).status_code == 204
    second = ok(_create(client, admin, email="desk@example.org", role="manager"), 201)
    assert second["id"] != first["id"]
    problem(client.get(url("/organisation"), headers=bearer(first["token"])), 401)
    ok(client.get(url("/organisation"), headers=bearer(second["token"])))


def test_the_last_admin_cannot_be_removed(client, tenant):
    admin, admin_id = tenant.headers["admin"], tenant.user_ids["admin"]
    body = problem(client.delete(url(f"/users/{admin_id}"), headers=admin), 409)
    assert "last admin" in body["detail"]
    assert ok(client.get(url(f"/users/{admin_id}"), headers=admin))["role"] == "admin"
    ok(client.get(url("/organisation"), headers=admin))


def test_an_admin_may_leave_while_another_admin_remains(client, tenant):
    admin, admin_id = tenant.headers["admin"], tenant.user_ids["admin"]
    second = ok(_create(client, admin, email="second@example.org", role="admin"), 201)
    assert client.delete(url(f"/users/{admin_id}"), headers=admin).status_code == 204
    problem(client.get(url("/organisation"), headers=admin), 401)
    survivor = bearer(second["token"])
    problem(client.delete(url(f"/users/{second['id']}"), headers=survivor), 409)
    assert ids(ok(client.get(url("/users"), query_string={"role": "admin"}, headers=survivor))) == [second["id"]]


def test_a_duplicate_email_is_a_conflict_whatever_its_case(client, tenant):
    admin = tenant.headers["admin"]
    ok(_create(client, admin, email="twin@example.org", role="caseworker"), 201)
    problem(_create(client, admin, email="Twin@Example.ORG", role="manager"), 409)
    problem(_create(client, admin, email="caseworker1@example.org", role="manager"), 409)  # a fixture user
    emails = [u["email"] for u in ok(client.get(url("/users"), headers=admin))["items"]]
    assert emails.count("twin@example.org") == 1


def test_the_same_email_may_exist_in_another_organisation(client, tenant, other_tenant):
    ok(_create(client, tenant.headers["admin"], email="shared@example.org", role="caseworker"), 201)
    ok(_create(client, other_tenant.headers["admin"], email="shared@example.org", role="caseworker"), 201)


@pytest.mark.parametrize("role", ["caseworker", "manager"])
def test_non_admins_may_not_manage_users(client, tenant, role):
    headers, admin = tenant.headers[role], tenant.headers["admin"]
    problem(_create(client, headers, email="sneaky@example.org", role="admin"), 403)
    problem(client.get(url("/users"), headers=headers), 403)
    problem(client.get(url(f"/users/{tenant.user_ids['admin']}"), headers=headers), 403)
    problem(client.delete(url(f"/users/{tenant.user_ids['caseworker']}"), headers=headers), 403)
    assert sorted(ids(ok(client.get(url("/users"), headers=admin)))) == sorted(tenant.user_ids.values())


def test_an_employer_user_may_not_manage_users(client, tenant):
    employer = create_employer_user(client, tenant)
    problem(_create(client, employer, email="sneaky@example.org", role="admin"), 403)
    problem(client.get(url("/users"), headers=employer), 403)


def test_an_employer_user_needs_an_employer_of_this_organisation(client, tenant, other_tenant):
    admin = tenant.headers["admin"]
    body = problem(_create(client, admin, email="hr@example.org", role="employer"), 422)
    assert "employer_id" in body["errors"]
    foreign = create_employer(client, other_tenant.headers["admin"])["id"]
    body = problem(_create(client, admin, email="hr@example.org", role="employer", employer_id=foreign), 422)
    missing = problem(_create(client, admin, email="hr@example.org", role="employer", employer_id=random_id()), 422)
    assert body["errors"] == missing["errors"]  # a foreign employer is as unknown as a missing one
    staff = problem(_create(client, admin, email="hr@example.org", role="caseworker",
                            employer_id=create_employer(client, admin)["id"]), 422)
    assert "employer_id" in staff["errors"]
    assert len(ok(client.get(url("/users"), headers=admin))["items"]) == len(STAFF_ROLES)


@pytest.mark.parametrize("body, field", [
    ({"email": "not-an-email", "role": "caseworker"}, "email"),
    ({"email": "a@example.org", "role": "superuser"}, "role"),
    ({"role": "caseworker"}, "email"),
    ({"email": "a@example.org"}, "role"),
    ({"email": "a@example.org", "role": "caseworker", "token": "chosen"}, "token"),
])
def test_invalid_user_bodies_are_refused(client, tenant, body, field):
    assert field in problem(_create(client, tenant.headers["admin"], **body), 422)["errors"]


def test_another_organisations_user_is_not_found(client, tenant, other_tenant):
    admin, foreign = tenant.headers["admin"], other_tenant.user_ids["caseworker"]
    assert problem(client.get(url(f"/users/{foreign}"), headers=admin), 404) == problem(
        client.get(url(f"/users/{random_id()}"), headers=admin), 404)
    problem(client.delete(url(f"/users/{foreign}"), headers=admin), 404)
    ok(client.get(url("/organisation"), headers=other_tenant.headers["caseworker"]))
