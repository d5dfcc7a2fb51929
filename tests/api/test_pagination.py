"""Cursor pagination: `limit` and `cursor` walk every list without duplicates or gaps."""

import base64
import uuid

import pytest

from tests.api.helpers import (create_cohort, create_project, enrol, ids, ok, problem, register_trainee, url,
                               walk)

#: Every list of the core endpoints; `{project_id}` is filled with the seeded project.
LISTS = ("/users", "/projects", "/projects/{project_id}/cohorts", "/trainees", "/enrolments", "/audit")


@pytest.fixture
def seeded(client, tenant):
    """Seven records of every kind (the tenant brings its three users, four more are added)."""
    admin = tenant.headers["admin"]
    project = create_project(client, admin)
    for n in range(4):
        ok(client.post(url("/users"), json={"email": f"user{n}@example.org", "role": "caseworker"}, headers=admin),
           201)
    for _ in range(6):
        create_project(client, admin)
    for _ in range(7):
        create_cohort(client, admin, project["id"])
        trainee = register_trainee(client, admin)
        enrol(client, admin, trainee["id"], project["id"])
    return {"project_id": project["id"]}


@pytest.mark.parametrize("path", LISTS)
def test_walking_the_pages_sees_every_item_once(client, tenant, seeded, subtests, path):
    admin, path = tenant.headers["admin"], path.format(**seeded)
    everything = ok(client.get(url(path), query_string={"limit": 200}, headers=admin))
    assert everything["next_cursor"] is None
    expected = ids(everything)
    assert len(expected) >= 7

    for limit in (1, 3, 7, 200):
        with subtests.test(limit=limit):
            walked = [item["id"] for item in walk(client, path, admin, limit=limit)]
            assert walked == expected  # same order, no duplicates, no gaps
            assert len(set(walked)) == len(walked)


def test_the_last_full_page_has_no_next_cursor(client, tenant, seeded):
    admin = tenant.headers["admin"]
    first = ok(client.get(url("/projects"), query_string={"limit": 4}, headers=admin))
    assert len(first["items"]) == 4 and first["next_cursor"]
    last = ok(client.get(url("/projects"), query_string={"limit": 3, "cursor": first["next_cursor"]},
                         headers=admin))
    assert len(last["items"]) == 3  # exactly the rest: seven projects in all
    assert last["next_cursor"] is None
    assert not set(ids(first)) & set(ids(last))


def test_an_empty_list(client, tenant):
    assert ok(client.get(url("/enrolments"), headers=tenant.headers["admin"])) == {"items": [], "next_cursor": None}


def test_filters_and_cursors_combine(client, tenant):
    admin = tenant.headers["admin"]
    project = create_project(client, admin)
    women = [register_trainee(client, admin, sex="female")["id"] for _ in range(5)]
    men = [register_trainee(client, admin, sex="male")["id"] for _ in range(3)]
    for trainee_id in women + men:
        enrol(client, admin, trainee_id, project["id"])
    walked = [item["id"] for item in walk(client, "/trainees", admin, limit=2, sex="female")]
    assert sorted(walked) == sorted(women)
    assert len(walked) == len(set(walked))


def test_a_record_created_during_the_walk_appears_on_a_later_page(client, tenant):
    admin = tenant.headers["admin"]
    created = [create_project(client, admin)["id"] for _ in range(4)]
    first = ok(client.get(url("/projects"), query_string={"limit": 2}, headers=admin))
    created.append(create_project(client, admin)["id"])
    rest = walk(client, "/projects", admin, limit=2, cursor=first["next_cursor"])
    assert sorted(ids(first) + [p["id"] for p in rest]) == sorted(created)


@pytest.fixture
def project(client, tenant):
    return {"project_id": create_project(client, tenant.headers["admin"])["id"]}


BAD_LIMITS = (0, -1, 201, 10_000, "ten", 2.5, "")
BAD_CURSORS = ("not-a-cursor!", "AAAA", "x" * 65, "=" * 4, base64.urlsafe_b64encode(b"short").decode())


@pytest.mark.parametrize("path", LISTS)
def test_a_limit_outside_1_to_200_or_a_foreign_cursor_is_refused(client, tenant, project, subtests, path):
    path = url(path.format(**project))
    for limit in BAD_LIMITS:
        with subtests.test(limit=limit):
            body = problem(client.get(path, query_string={"limit": limit}, headers=tenant.headers["admin"]), 422)
            assert "limit" in body["errors"]
    for cursor in BAD_CURSORS:
        with subtests.test(cursor=cursor):
            body = problem(client.get(path, query_string={"cursor": cursor}, headers=tenant.headers["admin"]), 422)
            assert "cursor" in body["errors"]


def test_a_well_formed_cursor_past_the_end_gives_an_empty_page(client, tenant, project):
    past = base64.urlsafe_b64encode(uuid.UUID(int=2**128 - 1).bytes).decode().rstrip("=")
    page = ok(client.get(url("/projects"), query_string={"cursor": past}, headers=tenant.headers["admin"]))
    assert page == {"items": [], "next_cursor": None}


def test_the_default_page_is_50_and_the_largest_200(client, tenant):
    admin = tenant.headers["admin"]
    project = create_project(client, admin)
    for _ in range(201):
        create_cohort(client, admin, project["id"])
    cohorts = url(f"/projects/{project['id']}/cohorts")
    default = ok(client.get(cohorts, headers=admin))
    assert len(default["items"]) == 50 and default["next_cursor"]
    page = ok(client.get(cohorts, query_string={"limit": 200}, headers=admin))
    assert len(page["items"]) == 200 and page["next_cursor"]
    assert ids(page)[:50] == ids(default)
    rest = ok(client.get(cohorts, query_string={"limit": 200, "cursor": page["next_cursor"]}, headers=admin))
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert rest["items"][0]["id"] not in ids(page)
