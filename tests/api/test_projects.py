"""`/projects` and `/projects/{id}/cohorts`: admins write, programme staff read."""

import pytest

from tests import factories
from tests.api.helpers import create_cohort, create_project, ids, ok, problem, random_id, url

FULL_PROJECT = {
    "code": "YWBF",
    "name": "Young Women Building Their Future",
    "description": "Vocational courses for young women.\nWith childcare.",
    "starts_on": "2026-01-01",
    "ends_on": "2027-12-31",
    "reach_target": 400,
    "share_targets": [
        {"dimension": "sex", "value": "female", "min_share": 0.9},
        {"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.5},
        {"dimension": "vulnerable_group", "value": "roma", "min_share": 0.1, "max_share": 0.5},
        {"dimension": "district", "value": "Bayraklı", "max_share": 0.6},
    ],
    "priority_groups": ["women", "youth", "roma"],
}


def test_create_and_read_a_project(client, tenant):
    admin = tenant.headers["admin"]
    created = ok(client.post(url("/projects"), json=FULL_PROJECT, headers=admin), 201)
    for key, value in FULL_PROJECT.items():
        assert created[key] == value, key
    assert created["id"] and created["created_at"].endswith("+00:00")
    for role in ("admin", "caseworker", "manager"):
        assert ok(client.get(url(f"/projects/{created['id']}"), headers=tenant.headers[role])) == created
    assert ids(ok(client.get(url("/projects"), headers=tenant.headers["manager"]))) == [created["id"]]


def test_optional_fields_get_defaults(client, tenant):
    created = ok(client.post(url("/projects"), json={"code": "MIN", "name": "Minimal"},
                             headers=tenant.headers["admin"]), 201)
    assert created["description"] == ""
    assert created["share_targets"] == [] and created["priority_groups"] == []
    assert created["starts_on"] is None and created["ends_on"] is None and created["reach_target"] is None


def test_a_code_is_unique_in_the_organisation_only(client, tenant, other_tenant):
    admin = tenant.headers["admin"]
    create_project(client, admin, code="VOT")
    body = problem(client.post(url("/projects"), json=factories.project_body(code="VOT"), headers=admin), 409)
    assert "VOT" in body["detail"]
    assert len(ok(client.get(url("/projects"), headers=admin))["items"]) == 1
    create_project(client, other_tenant.headers["admin"], code="VOT")


def test_patching_to_a_taken_code_is_a_conflict(client, tenant):
    admin = tenant.headers["admin"]
    create_project(client, admin, code="AAA")
    second = create_project(client, admin, code="BBB")
    problem(client.patch(url(f"/projects/{second['id']}"), json={"code": "AAA"}, headers=admin), 409)
    assert ok(client.get(url(f"/projects/{second['id']}"), headers=admin))["code"] == "BBB"
    # keeping its own code is no conflict
    assert ok(client.patch(url(f"/projects/{second['id']}"), json={"code": "BBB", "name": "Renamed"},
                           headers=admin))["name"] == "Renamed"


@pytest.mark.parametrize("target", [
    {"dimension": "eye_colour", "value": "blue", "min_share": 0.1},
    {"dimension": "sex", "value": "woman", "min_share": 0.1},
    {"dimension": "age_band", "value": ["18-24", "10-14"], "min_share": 0.1},
    {"dimension": "vulnerable_group", "value": "pirates", "min_share": 0.1},
    {"dimension": "settlement_type", "value": "suburban", "min_share": 0.1},
    {"dimension": "sex", "value": "female"},
    {"dimension": "sex", "value": "female", "min_share": -0.1},
    {"dimension": "sex", "value": [], "min_share": 0.1},
    {"dimension": "sex", "value": "female", "min_share": 0.1, "weight": 2},
])
def test_invalid_share_targets_are_refused(client, tenant, target):
    admin = tenant.headers["admin"]
    body = problem(client.post(url("/projects"), json=factories.project_body(share_targets=[target]),
                               headers=admin), 422)
    assert "share_targets" in body["errors"]
    assert ok(client.get(url("/projects"), headers=admin))["items"] == []


def test_invalid_share_targets_are_refused_on_patch_too(client, tenant):
    admin = tenant.headers["admin"]
    project = create_project(client, admin)
    bad = [{"dimension": "sex", "value": "unknown", "min_share": 0.2}]
    assert "share_targets" in problem(client.patch(url(f"/projects/{project['id']}"), json={"share_targets": bad},
                                                   headers=admin), 422)["errors"]
    assert ok(client.get(url(f"/projects/{project['id']}"), headers=admin))["share_targets"] == project[
        "share_targets"]


def test_ends_on_before_starts_on_is_refused(client, tenant):
    admin = tenant.headers["admin"]
    body = problem(client.post(url("/projects"), json=factories.project_body(starts_on="2026-06-01",
                                                                             ends_on="2026-05-31"),
                               headers=admin), 422)
    assert "ends_on" in body["errors"]
    project = create_project(client, admin, starts_on="2026-01-01", ends_on="2026-12-31")
    # only one date in the patch: checked against the stored other one
    assert "ends_on" in problem(client.patch(url(f"/projects/{project['id']}"), json={"ends_on": "2025-12-31"},
                                             headers=admin), 422)["errors"]
    assert "ends_on" in problem(client.patch(url(f"/projects/{project['id']}"), json={"starts_on": "2027-01-01"},
                                             headers=admin), 422)["errors"]
    stored = ok(client.get(url(f"/projects/{project['id']}"), headers=admin))
    assert (stored["starts_on"], stored["ends_on"]) == ("2026-01-01", "2026-12-31")
    ok(client.post(url("/projects"), json=factories.project_body(starts_on="2026-06-01", ends_on="2026-06-01"),
                   headers=admin), 201)


def test_patch_changes_only_what_it_names(client, tenant):
    admin = tenant.headers["admin"]
    project = ok(client.post(url("/projects"), json=FULL_PROJECT, headers=admin), 201)
    patched = ok(client.patch(url(f"/projects/{project['id']}"),
                              json={"name": "Villages of Tomorrow", "reach_target": 500}, headers=admin))
    assert patched["name"] == "Villages of Tomorrow" and patched["reach_target"] == 500
    unchanged = {k: v for k, v in project.items() if k not in ("name", "reach_target", "updated_at")}
    assert {k: patched[k] for k in unchanged} == unchanged
    assert ok(client.get(url(f"/projects/{project['id']}"), headers=admin)) == patched

    targets = [{"dimension": "settlement_type", "value": "rural", "min_share": 0.6}]
    patched = ok(client.patch(url(f"/projects/{project['id']}"), json={"share_targets": targets}, headers=admin))
    assert patched["share_targets"] == targets
    assert patched["description"] == FULL_PROJECT["description"]


def test_list_filters_by_code(client, tenant):
    admin = tenant.headers["admin"]
    wanted = create_project(client, admin, code="TYTP")
    create_project(client, admin, code="LMRY")
    assert ids(ok(client.get(url("/projects"), query_string={"code": "TYTP"}, headers=admin))) == [wanted["id"]]
    assert ok(client.get(url("/projects"), query_string={"code": "NONE"}, headers=admin))["items"] == []
    assert len(ok(client.get(url("/projects"), headers=admin))["items"]) == 2


@pytest.mark.parametrize("role", ["caseworker", "manager"])
def test_only_admins_write_projects_and_cohorts(client, tenant, role):
    admin, headers = tenant.headers["admin"], tenant.headers[role]
    project = create_project(client, admin)
    problem(client.post(url("/projects"), json=factories.project_body(), headers=headers), 403)
    problem(client.patch(url(f"/projects/{project['id']}"), json={"name": "Hijacked"}, headers=headers), 403)
    problem(client.post(url(f"/projects/{project['id']}/cohorts"), json=factories.cohort_body(), headers=headers),
            403)
    assert ok(client.get(url("/projects"), headers=headers))["items"] == [project]
    assert ok(client.get(url(f"/projects/{project['id']}/cohorts"), headers=headers))["items"] == []


def test_unknown_project_is_not_found(client, tenant):
    admin = tenant.headers["admin"]
    problem(client.get(url(f"/projects/{random_id()}"), headers=admin), 404)
    problem(client.patch(url(f"/projects/{random_id()}"), json={"name": "x"}, headers=admin), 404)
    problem(client.get(url("/projects/not-a-uuid"), headers=admin), 404)


# --- cohorts -------------------------------------------------------------------------------------------------


def test_create_read_and_list_cohorts_per_project(client, tenant):
    admin, manager = tenant.headers["admin"], tenant.headers["manager"]
    first, second = create_project(client, admin), create_project(client, admin)
    cooks = create_cohort(client, admin, first["id"], name="Cooks", capacity=12)
    welders = create_cohort(client, admin, first["id"], name="Welders", occupation="7212", capacity=None)
    elsewhere = create_cohort(client, admin, second["id"], name="Carers", occupation="5322")

    assert cooks["project_id"] == first["id"]
    assert (cooks["name"], cooks["occupation"], cooks["capacity"]) == ("Cooks", "5120", 12)
    assert (cooks["starts_on"], cooks["ends_on"], cooks["district"]) == ("2026-03-01", "2026-06-30", "Karşıyaka")
    assert welders["capacity"] is None

    assert set(ids(ok(client.get(url(f"/projects/{first['id']}/cohorts"), headers=manager)))) == {
        cooks["id"], welders["id"]}
    assert ids(ok(client.get(url(f"/projects/{second['id']}/cohorts"), headers=manager))) == [elsewhere["id"]]
    assert ok(client.get(url(f"/projects/{first['id']}/cohorts/{cooks['id']}"), headers=manager)) == cooks


def test_a_cohort_read_under_another_project_is_not_found(client, tenant):
    admin = tenant.headers["admin"]
    first, second = create_project(client, admin), create_project(client, admin)
    cohort = create_cohort(client, admin, first["id"])
    wrong_parent = problem(client.get(url(f"/projects/{second['id']}/cohorts/{cohort['id']}"), headers=admin), 404)
    missing = problem(client.get(url(f"/projects/{second['id']}/cohorts/{random_id()}"), headers=admin), 404)
    assert wrong_parent == missing


def test_cohorts_of_an_unknown_project(client, tenant):
    admin = tenant.headers["admin"]
    problem(client.get(url(f"/projects/{random_id()}/cohorts"), headers=admin), 404)
    problem(client.post(url(f"/projects/{random_id()}/cohorts"), json=factories.cohort_body(), headers=admin), 404)


@pytest.mark.parametrize("overrides, field", [
    ({"starts_on": "2026-06-01", "ends_on": "2026-05-01"}, "ends_on"),
    ({"occupation": "chef"}, "occupation"),
    ({"occupation": "51200"}, "occupation"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": "20"}, "capacity"),
    ({"name": "  "}, "name"),
])
def test_invalid_cohorts_are_refused(client, tenant, overrides, field):
    admin = tenant.headers["admin"]
    project = create_project(client, admin)
    body = problem(client.post(url(f"/projects/{project['id']}/cohorts"), json=factories.cohort_body(**overrides),
                               headers=admin), 422)
    assert field in body["errors"]
    assert ok(client.get(url(f"/projects/{project['id']}/cohorts"), headers=admin))["items"] == []
