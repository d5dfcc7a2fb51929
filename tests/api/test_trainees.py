"""`/trainees`: registration with a validated, write-only national id; reads, patches and filters."""

from datetime import date, timedelta
from unittest.mock import ANY

import pytest
from stdnum.tr import tckimlik

from tests import factories
from tests.api.helpers import create_project, enrol, ids, ok, problem, random_id, register_trainee, url

#: Luhn-valid Swedish personnummer (the last digit is the check digit).
PERSONNUMMER = "880320-0016"


def _register(client, headers, **overrides):
    return client.post(url("/trainees"), json=factories.trainee_body(**overrides), headers=headers)


def _count(client, headers) -> int:
    return len(ok(client.get(url("/trainees"), query_string={"limit": 200}, headers=headers))["items"])


@pytest.mark.parametrize("sex", ["female", "male", "non_binary", "undisclosed"])
def test_the_four_sexes(client, tenant, sex):
    created = register_trainee(client, tenant.headers["caseworker"], sex=sex)
    assert created["sex"] == sex


def test_sex_other_is_refused_with_a_message_naming_the_new_values(client, tenant):
    """`other` mixed a non-binary identity with "not said": a client must choose, and is told how."""
    caseworker = tenant.headers["caseworker"]
    body = problem(_register(client, caseworker, sex="other"), 422)
    [message] = body["errors"]["sex"]
    assert "non_binary" in message and "undisclosed" in message and "female" in message
    assert _count(client, caseworker) == 0
    assert problem(client.get(url("/trainees"), query_string={"sex": "other"}, headers=caseworker), 422)["errors"][
        "sex"] == [message]


def test_citizenship_is_an_iso_code_kept_in_upper_case(client, tenant):
    caseworker = tenant.headers["caseworker"]
    assert register_trainee(client, caseworker)["citizenship"] is None  # optional
    assert register_trainee(client, caseworker, citizenship="sy")["citizenship"] == "SY"
    assert register_trainee(client, caseworker, citizenship=None)["citizenship"] is None
    assert register_trainee(client, caseworker, citizenship="XK")["citizenship"] == "XK"  # Kosovo, as the EU has it
    trainee = register_trainee(client, caseworker, citizenship="SY", vulnerable_groups=["housing_exclusion"])
    assert trainee["vulnerable_groups"] == ["housing_exclusion"]
    patched = ok(client.patch(url(f"/trainees/{trainee['id']}"), json={"citizenship": "TR"}, headers=caseworker))
    assert patched["citizenship"] == "TR"
    cleared = ok(client.patch(url(f"/trainees/{trainee['id']}"), json={"citizenship": None}, headers=caseworker))
    assert cleared["citizenship"] is None
    message = problem(_register(client, caseworker, citizenship="XX"), 422)["errors"]["citizenship"]
    assert message == ["XX is not an ISO 3166-1 country code."]


@pytest.mark.parametrize("role", ["admin", "caseworker"])
def test_register_returns_the_record_without_the_national_id(client, tenant, role):
    body = factories.trainee_body(vulnerable_groups=["roma", "neet"], district="Buca", settlement_type="rural")
    response = client.post(url("/trainees"), json=body, headers=tenant.headers[role])
    created = ok(response, 201)
    assert "national_id" not in created
    assert body["national_id"] not in response.get_data(as_text=True)
    expected = {k: v for k, v in body.items() if k != "national_id"}
    assert {k: created[k] for k in expected} == expected
    assert created["id"] and created["created_at"]

    for reader in ("admin", "caseworker", "manager"):
        single = client.get(url(f"/trainees/{created['id']}"), headers=tenant.headers[reader])
        assert ok(single) == created
        listing = client.get(url("/trainees"), headers=tenant.headers[reader])
        assert ok(listing)["items"] == [created]
        for response in (single, listing):
            assert body["national_id"] not in response.get_data(as_text=True)
            assert "national_id" not in response.get_data(as_text=True)


def test_a_known_national_id_is_a_conflict_naming_the_existing_trainee(client, tenant):
    caseworker = tenant.headers["caseworker"]
    national_id = factories.tckn()
    first = register_trainee(client, caseworker, national_id=national_id)
    again = problem(_register(client, caseworker, national_id=national_id, given_name="Other"), 409)
    assert again["existing_trainee_id"] == first["id"]
    assert national_id not in str(again)
    spaced = problem(_register(client, tenant.headers["admin"], national_id=f" {national_id[:5]} {national_id[5:]} "),
                     409)
    assert spaced["existing_trainee_id"] == first["id"]
    assert _count(client, caseworker) == 1


def test_the_same_national_id_may_be_registered_in_another_organisation(client, tenant, other_tenant):
    national_id = factories.tckn()
    mine = register_trainee(client, tenant.headers["caseworker"], national_id=national_id)
    theirs = register_trainee(client, other_tenant.headers["caseworker"], national_id=national_id)
    assert mine["id"] != theirs["id"]


def test_an_invalid_checksum_is_refused_without_echoing_the_number(client, tenant):
    valid = factories.tckn()
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert not tckimlik.is_valid(wrong)
    body = problem(_register(client, tenant.headers["caseworker"], national_id=wrong), 422)
    assert "national_id" in body["errors"]
    assert wrong not in str(body)
    assert _count(client, tenant.headers["caseworker"]) == 0


@pytest.mark.parametrize("consent", [False, None, "yes", 1, "missing"])
def test_registration_needs_explicit_consent(client, tenant, consent):
    body = factories.trainee_body()
    if consent == "missing":
        del body["consent"]
    else:
        body["consent"] = consent
    refused = problem(client.post(url("/trainees"), json=body, headers=tenant.headers["caseworker"]), 422)
    assert "consent" in refused["errors"]
    assert _count(client, tenant.headers["caseworker"]) == 0


def test_a_future_birth_date_is_refused(client, tenant):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    body = problem(_register(client, tenant.headers["caseworker"], birth_date=tomorrow), 422)
    assert "birth_date" in body["errors"]
    assert _count(client, tenant.headers["caseworker"]) == 0


@pytest.mark.parametrize("overrides, field", [
    ({"sex": "unknown"}, "sex"),
    ({"settlement_type": "suburban"}, "settlement_type"),
    ({"education_level": "phd"}, "education_level"),
    ({"labour_status": "retired"}, "labour_status"),
    ({"vulnerable_groups": ["pirates"]}, "vulnerable_groups"),
    ({"birth_date": "02/04/2001"}, "birth_date"),
    ({"given_name": ""}, "given_name"),
    ({"email": "not-an-email"}, "email"),
    ({"phone": "call me"}, "phone"),
    ({"national_id_hash": "x"}, "national_id_hash"),
    ({"citizenship": "XX"}, "citizenship"),
    ({"citizenship": "TUR"}, "citizenship"),
    ({"citizenship": ""}, "citizenship"),
    ({"citizenship": 90}, "citizenship"),
    ({"vulnerable_groups": ["homeless"]}, "vulnerable_groups"),
])
def test_invalid_registrations_are_refused(client, tenant, overrides, field):
    assert field in problem(_register(client, tenant.headers["caseworker"], **overrides), 422)["errors"]


def test_missing_required_fields_are_named(client, tenant):
    body = problem(client.post(url("/trainees"), json={"consent": True}, headers=tenant.headers["caseworker"]), 422)
    for field in ("given_name", "family_name", "sex", "birth_date", "settlement_type",
                  "education_level", "labour_status"):
        assert field in body["errors"], field
    # A national id is no longer required: a person without any document gives a reason instead.
    without_id = {key: value for key, value in factories.trainee_body().items() if key != "national_id"}
    assert problem(client.post(url("/trainees"), json=without_id, headers=tenant.headers["caseworker"]),
                   422)["errors"] == {"no_document_reason": [ANY]}


def test_patch_updates_contact_and_situation(client, tenant):
    caseworker = tenant.headers["caseworker"]
    trainee = register_trainee(client, caseworker)
    changes = {"phone": "+90 555 111 22 33", "email": "new@example.org", "district": "Konak",
               "settlement_type": "rural", "education_level": "tertiary", "vulnerable_groups": ["single_parent"],
               "family_name": "Kaya", "labour_status": "employed", "citizenship": "AF", "sex": "undisclosed"}
    patched = ok(client.patch(url(f"/trainees/{trainee['id']}"), json=changes, headers=caseworker))
    assert {k: patched[k] for k in changes} == changes
    assert (patched["given_name"], patched["birth_date"]) == (trainee["given_name"], trainee["birth_date"])
    assert ok(client.get(url(f"/trainees/{trainee['id']}"), headers=tenant.headers["manager"])) == patched


@pytest.mark.parametrize("changes, field", [
    ({"national_id": "10000000146"}, "national_id"),
    ({"birth_date": "1990-01-01"}, "birth_date"),
    ({"consent": "no"}, "consent"),  # false withdraws the consent (tests/api/test_consent.py)
    ({"sex": "unknown"}, "sex"),
    ({"sex": "other"}, "sex"),
    ({"citizenship": "EL"}, "citizenship"),  # the EU's code for Greece; ISO's is GR
    ({"labour_status": "retired"}, "labour_status"),
])
def test_identity_is_fixed_and_invalid_patches_change_nothing(client, tenant, changes, field):
    caseworker = tenant.headers["caseworker"]
    trainee = register_trainee(client, caseworker)
    body = problem(client.patch(url(f"/trainees/{trainee['id']}"), json=changes, headers=caseworker), 422)
    assert field in body["errors"]
    assert ok(client.get(url(f"/trainees/{trainee['id']}"), headers=caseworker)) == trainee


def test_managers_read_but_do_not_write_trainees(client, tenant):
    manager = tenant.headers["manager"]
    trainee = register_trainee(client, tenant.headers["caseworker"])
    problem(_register(client, manager), 403)
    problem(client.patch(url(f"/trainees/{trainee['id']}"), json={"district": "Konak"}, headers=manager), 403)
    assert ok(client.get(url("/trainees"), headers=manager))["items"] == [trainee]


def test_unknown_trainee_is_not_found(client, tenant):
    caseworker = tenant.headers["caseworker"]
    problem(client.get(url(f"/trainees/{random_id()}"), headers=caseworker), 404)
    problem(client.patch(url(f"/trainees/{random_id()}"), json={"district": "Konak"}, headers=caseworker), 404)


def test_list_filters(client, tenant):
    admin = tenant.headers["admin"]
    ayse = register_trainee(client, admin, sex="female", district="Buca", settlement_type="urban",
                            vulnerable_groups=["roma"])
    mehmet = register_trainee(client, admin, given_name="Mehmet", sex="male", district="Buca",
                              settlement_type="rural", vulnerable_groups=["disability", "neet"])
    deniz = register_trainee(client, admin, given_name="Deniz", sex="non_binary", district="Konak",
                             settlement_type="rural", vulnerable_groups=[])
    project, other_project = create_project(client, admin), create_project(client, admin)
    enrol(client, admin, ayse["id"], project["id"])
    enrol(client, admin, deniz["id"], project["id"])
    enrol(client, admin, mehmet["id"], other_project["id"])

    def listed(**params) -> set[str]:
        return set(ids(ok(client.get(url("/trainees"), query_string=params, headers=tenant.headers["manager"]))))

    assert listed() == {ayse["id"], mehmet["id"], deniz["id"]}
    assert listed(sex="female") == {ayse["id"]}
    assert listed(sex="male") == {mehmet["id"]}
    assert listed(sex="non_binary") == {deniz["id"]}
    assert listed(sex="undisclosed") == set()
    assert listed(district="Buca") == {ayse["id"], mehmet["id"]}
    assert listed(settlement_type="rural") == {mehmet["id"], deniz["id"]}
    assert listed(vulnerable_group="neet") == {mehmet["id"]}
    assert listed(vulnerable_group="roma") == {ayse["id"]}
    assert listed(vulnerable_group="refugee") == set()
    assert listed(project_id=project["id"]) == {ayse["id"], deniz["id"]}
    assert listed(project_id=other_project["id"]) == {mehmet["id"]}
    assert listed(project_id=project["id"], settlement_type="rural") == {deniz["id"]}
    assert listed(project_id=random_id()) == set()


@pytest.mark.parametrize("params", [{"sex": "woman"}, {"vulnerable_group": "pirates"}, {"project_id": "nope"},
                                    {"colour": "red"}])
def test_invalid_list_filters_are_refused(client, tenant, params):
    problem(client.get(url("/trainees"), query_string=params, headers=tenant.headers["caseworker"]), 422)


def test_a_swedish_organisation_validates_personnummer(client, make_tenant):
    swedish = make_tenant(country="SE")
    caseworker = swedish.headers["caseworker"]
    person = {"birth_date": "1988-03-20", "sex": "male"}  # as the number has them (issue 15: checked)
    created = register_trainee(client, caseworker, national_id=PERSONNUMMER, **person)
    assert "national_id" not in created

    wrong_luhn = PERSONNUMMER[:-1] + "7"
    assert "national_id" in problem(_register(client, caseworker, national_id=wrong_luhn), 422)["errors"]
    turkish = factories.tckn()
    assert "national_id" in problem(_register(client, caseworker, national_id=turkish), 422)["errors"]

    # the same person written with the century or without the hyphen is still the same person
    for spelling in ("19880320-0016", "8803200016", "198803200016"):
        assert problem(_register(client, caseworker, national_id=spelling, **person),
                       409)["existing_trainee_id"] == created["id"]
    assert _count(client, caseworker) == 1


def test_a_turkish_organisation_refuses_a_personnummer(client, tenant):
    assert "national_id" in problem(_register(client, tenant.headers["caseworker"], national_id=PERSONNUMMER),
                                    422)["errors"]
