"""`/organisation`: every role reads its own organisation; only admins change the settings."""

import pytest

from tests import factories
from tests.api.helpers import STAFF_ROLES, create_employer_user, ok, problem, register_trainee, url

SETTINGS = {
    "reach_target": 1400,
    "share_targets": [
        {"dimension": "sex", "value": "female", "min_share": 0.5},
        {"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.3, "max_share": 0.8},
    ],
    "min_cell_size": 10,
    "locale": "tr",
    "national_id_scheme": "generic",
}


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_role_reads_its_own_organisation(client, tenant, other_tenant, role):
    organisation = ok(client.get(url("/organisation"), headers=tenant.headers[role]))
    assert organisation["id"] == tenant.organisation_id != other_tenant.organisation_id
    assert organisation["country"] == "TR"
    assert organisation["national_id_scheme"] == "tr_tckn"
    assert organisation["min_cell_size"] == 5
    assert organisation["locale"] == "en"
    assert organisation["share_targets"] == []
    assert organisation["reach_target"] is None
    assert organisation["slug"].startswith("org-") and organisation["name"].startswith("Organisation ")


def test_an_employer_user_reads_its_organisation_too(client, tenant):
    organisation = ok(client.get(url("/organisation"), headers=create_employer_user(client, tenant)))
    assert organisation["id"] == tenant.organisation_id


def test_the_default_national_id_scheme_follows_the_country(client, make_tenant):
    swedish = make_tenant(country="SE")
    organisation = ok(client.get(url("/organisation"), headers=swedish.headers["admin"]))
    assert organisation["country"] == "SE"
    assert organisation["national_id_scheme"] == "se_personnummer"


def test_admin_changes_settings_and_everyone_sees_them(client, tenant):
    changed = ok(client.patch(url("/organisation"), json=SETTINGS, headers=tenant.headers["admin"]))
    for key, value in SETTINGS.items():
        assert changed[key] == value, key
    for role in STAFF_ROLES:
        seen = ok(client.get(url("/organisation"), headers=tenant.headers[role]))
        assert {key: seen[key] for key in SETTINGS} == SETTINGS
        assert seen["country"] == "TR"  # untouched


def test_a_partial_patch_keeps_the_other_settings(client, tenant):
    admin = tenant.headers["admin"]
    ok(client.patch(url("/organisation"), json=SETTINGS, headers=admin))
    ok(client.patch(url("/organisation"), json={"name": "Metropolitan Vocational Centre"}, headers=admin))
    seen = ok(client.get(url("/organisation"), headers=admin))
    assert seen["name"] == "Metropolitan Vocational Centre"
    assert {key: seen[key] for key in SETTINGS} == SETTINGS


def test_reach_target_can_be_cleared(client, tenant):
    admin = tenant.headers["admin"]
    ok(client.patch(url("/organisation"), json={"reach_target": 1400}, headers=admin))
    assert ok(client.patch(url("/organisation"), json={"reach_target": None}, headers=admin))["reach_target"] is None
    assert ok(client.get(url("/organisation"), headers=admin))["reach_target"] is None


def test_the_scheme_decides_which_national_ids_are_accepted(client, tenant):
    admin = tenant.headers["admin"]
    problem(client.post(url("/trainees"), json=factories.trainee_body(national_id="AB-123"), headers=admin), 422)
    ok(client.patch(url("/organisation"), json={"national_id_scheme": "generic"}, headers=admin))
    register_trainee(client, admin, national_id="AB-123")


@pytest.mark.parametrize("changes, field", [
    ({"share_targets": [{"dimension": "shoe_size", "value": "42", "min_share": 0.1}]}, "share_targets"),
    ({"share_targets": [{"dimension": "sex", "value": "unicorn", "min_share": 0.1}]}, "share_targets"),
    ({"share_targets": [{"dimension": "age_band", "value": ["15-17", "12-14"], "min_share": 0.1}]},
     "share_targets"),
    ({"share_targets": [{"dimension": "sex", "value": "female"}]}, "share_targets"),
    ({"share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.6, "max_share": 0.4}]},
     "share_targets"),
    ({"share_targets": [{"dimension": "sex", "value": "female", "min_share": 1.5}]}, "share_targets"),
    ({"min_cell_size": 0}, "min_cell_size"),
    ({"min_cell_size": "5"}, "min_cell_size"),
    ({"reach_target": 0}, "reach_target"),
    ({"reach_target": 12.5}, "reach_target"),
    ({"locale": "xx"}, "locale"),
    ({"national_id_scheme": "passport"}, "national_id_scheme"),
    ({"name": ""}, "name"),
    ({"slug": "renamed"}, "slug"),
    ({"country": "SE"}, "country"),
])
def test_invalid_settings_are_refused_and_change_nothing(client, tenant, changes, field):
    admin = tenant.headers["admin"]
    before = ok(client.get(url("/organisation"), headers=admin))
    body = problem(client.patch(url("/organisation"), json=changes, headers=admin), 422)
    assert field in body["errors"], body
    assert ok(client.get(url("/organisation"), headers=admin)) == before


@pytest.mark.parametrize("role", ["caseworker", "manager"])
def test_only_admins_change_settings(client, tenant, role):
    before = ok(client.get(url("/organisation"), headers=tenant.headers["admin"]))
    problem(client.patch(url("/organisation"), json=SETTINGS, headers=tenant.headers[role]), 403)
    assert ok(client.get(url("/organisation"), headers=tenant.headers["admin"])) == before


def test_an_employer_user_cannot_change_settings(client, tenant):
    problem(client.patch(url("/organisation"), json={"locale": "sv"}, headers=create_employer_user(client, tenant)),
            403)
    assert ok(client.get(url("/organisation"), headers=tenant.headers["admin"]))["locale"] == "en"


def test_a_patch_changes_only_the_callers_organisation(client, tenant, other_tenant):
    ok(client.patch(url("/organisation"), json=SETTINGS, headers=tenant.headers["admin"]))
    other = ok(client.get(url("/organisation"), headers=other_tenant.headers["admin"]))
    assert other["reach_target"] is None and other["share_targets"] == [] and other["min_cell_size"] == 5
