"""`/organisation/groups` (issue 15, item 2): each organisation's vocabulary of groups, from its country's
profile; people's groups checked against it; the ESF+ figures count the categories the groups fed at entry,
so that changing the vocabulary never rewrites a closed participation (a correction may). SQLite and
PostgreSQL (the `pathways` fixture)."""

from __future__ import annotations

import csv
import io

import pytest

from tests import factories
from tests.api.helpers import create_employer_user, create_project, enrol, ok, problem, register_trainee, url

GROUPS = url("/organisation/groups")


def vocabulary(client, headers) -> dict[str, dict]:
    return {group["key"]: group for group in ok(client.get(GROUPS, headers=headers))["items"]}


def register(client, headers, groups: list[str], **overrides):
    """A person without a document (any country), in `groups`."""
    body = factories.trainee_body(vulnerable_groups=groups, no_document_reason="none_held", **overrides)
    body.pop("national_id")
    return client.post(url("/trainees"), json=body, headers=headers)


def minorities(client, headers, **params) -> int:
    body = ok(client.get(url("/metrics/indicators"), query_string={"suppress": "false", **params}, headers=headers))
    return {row["indicator"]: row["total"] for row in body["indicators"]}["minorities_incl_roma"]


def indicators(client, headers) -> dict[str, int]:
    body = ok(client.get(url("/metrics/indicators"), query_string={"suppress": "false"}, headers=headers))
    return {row["indicator"]: row["total"] for row in body["indicators"]}


# -- defaults ------------------------------------------------------------------------------------------

def test_a_turkish_organisation_has_todays_seven_groups_in_english_and_turkish(client, tenant):
    found = vocabulary(client, tenant.headers["caseworker"])
    assert list(found) == ["roma", "disability", "refugee", "single_parent", "neet", "migrant", "housing_exclusion"]
    assert found["roma"] == {"key": "roma", "labels": {"en": "Roma", "tr": "Roman"}, "feeds": "minorities",
                             "active": True}
    assert {key: group["feeds"] for key, group in found.items()} == {
        "roma": "minorities", "disability": "disability", "refugee": "foreign_background", "single_parent": None,
        "neet": None, "migrant": "foreign_background", "housing_exclusion": "housing_exclusion"}


@pytest.mark.parametrize(("country", "expected"), [
    ("GT", {"maya": ("minorities", "Maya"), "garifuna": ("minorities", "Garífuna"), "xinka": ("minorities", "Xinka"),
            "afro_descendant": ("minorities", "Afrodescendiente, creole o afromestizo"),
            "conflict_victim": (None, "Víctima del conflicto armado interno")}),
    ("CO", {"indigenous": ("minorities", "Indígena"),
            "narp": ("minorities", "Negro, afrocolombiano, raizal o palenquero (NARP)"),
            "rrom": ("minorities", "Gitano o Rrom"),
            "conflict_victim": (None, "Víctima del conflicto armado (Ley 1448 de 2011)"),
            "migrant": ("foreign_background", "Migrante (p. ej. venezolano)"),
            "refugee": ("foreign_background", "Refugiado")}),
    ("SE", {"roma": ("minorities", "Rom"), "sami": ("minorities", "Same"),
            "disability": ("disability", "Person med funktionsnedsättning"),
            "migrant": ("foreign_background", "Utrikes född"), "refugee": ("foreign_background", "Flykting"),
            "housing_exclusion": ("housing_exclusion", "Hemlös eller utestängd från bostadsmarknaden"),
            "neet": (None, "Varken arbetar eller studerar (UVAS)")}),
])
def test_each_country_starts_from_its_profiles_vocabulary(client, make_tenant, country, expected):
    tenant = make_tenant(country=country)
    language = {"GT": "es", "CO": "es", "SE": "sv"}[country]
    found = vocabulary(client, tenant.headers["manager"])
    for key, (feeds, local) in expected.items():
        assert found[key]["feeds"] == feeds, key
        assert found[key]["labels"][language] == local, key
        assert found[key]["labels"]["en"] and found[key]["active"], key
    if country != "SE":
        assert "single_parent" not in found and "roma" not in found


def test_everyone_in_the_organisation_reads_it_and_only_its_own(client, tenant, make_tenant):
    guatemala = make_tenant(country="GT")
    ok(client.post(GROUPS, json={"key": "street_vendor", "labels": {"en": "Street vendor"}}, headers=guatemala.headers[
        "admin"]), 201)
    assert "street_vendor" not in vocabulary(client, tenant.headers["admin"])
    assert "street_vendor" in vocabulary(client, create_employer_user(client, guatemala, "GT"))
    problem(client.get(GROUPS), 401)


# -- admin edits ---------------------------------------------------------------------------------------

def test_an_admin_adds_relabels_remaps_and_retires_groups(client, tenant):
    admin = tenant.headers["admin"]
    added = ok(client.post(GROUPS, json={"key": "kurdish_speaker", "labels": {"en": "Kurdish speaker", "tr": "Kürtçe "
                                                                             "konuşan"}, "feeds": "minorities"},
                           headers=admin), 201)
    assert added == {"key": "kurdish_speaker", "labels": {"en": "Kurdish speaker", "tr": "Kürtçe konuşan"},
                     "feeds": "minorities", "active": True}
    changed = ok(client.patch(f"{GROUPS}/single_parent", json={"labels": {"tr": "Yalnız ebeveyn"},
                                                                "feeds": "housing_exclusion"}, headers=admin))
    assert changed == {"key": "single_parent", "labels": {"en": "Single parent", "tr": "Yalnız ebeveyn"},
                       "feeds": "housing_exclusion", "active": True}
    retired = ok(client.patch(f"{GROUPS}/neet", json={"active": False}, headers=admin))
    assert retired["active"] is False
    found = vocabulary(client, tenant.headers["caseworker"])
    assert list(found)[-1] == "kurdish_speaker" and len(found) == 8  # the retired one is still listed
    assert found["single_parent"]["feeds"] == "housing_exclusion" and found["neet"]["active"] is False
    assert ok(client.patch(f"{GROUPS}/neet", json={"active": True}, headers=admin))["active"] is True
    assert ok(client.patch(f"{GROUPS}/roma", json={"feeds": None}, headers=admin))["feeds"] is None


@pytest.mark.parametrize("role", ["caseworker", "manager"])
def test_only_admins_change_the_vocabulary(client, tenant, role):
    headers = tenant.headers[role]
    problem(client.post(GROUPS, json={"key": "x_group", "labels": {"en": "X"}}, headers=headers), 403)
    problem(client.patch(f"{GROUPS}/roma", json={"active": False}, headers=headers), 403)
    problem(client.patch(f"{GROUPS}/roma", json={"active": False}, headers=create_employer_user(client, tenant)), 403)
    assert vocabulary(client, tenant.headers["admin"])["roma"]["active"] is True


@pytest.mark.parametrize(("body", "field"), [
    ({"key": "Street-Vendor", "labels": {"en": "Street vendor"}}, "key"),
    ({"key": "9lives", "labels": {"en": "Nine"}}, "key"),
    ({"key": "x" * 33, "labels": {"en": "Long"}}, "key"),
    ({"labels": {"en": "No key"}}, "key"),
    ({"key": "street_vendor"}, "labels"),
    ({"key": "street_vendor", "labels": {}}, "labels"),
    ({"key": "street_vendor", "labels": {"tr": "Seyyar satıcı"}}, "labels"),
    ({"key": "street_vendor", "labels": {"english": "Street vendor"}}, "labels"),
    ({"key": "street_vendor", "labels": {"en": "x" * 201}}, "labels"),
    ({"key": "street_vendor", "labels": {"en": "Street vendor"}, "feeds": "pirates"}, "feeds"),
    ({"key": "street_vendor", "labels": {"en": "Street vendor"}, "active": "yes"}, "active"),
])
def test_a_bad_group_is_a_422_beside_its_field(client, tenant, body, field):
    answer = problem(client.post(GROUPS, json=body, headers=tenant.headers["admin"]), 422)
    assert list(answer["errors"]) == [field]
    assert "street_vendor" not in vocabulary(client, tenant.headers["admin"])


def test_bad_changes_are_refused_and_change_nothing(client, tenant):
    admin = tenant.headers["admin"]
    assert list(problem(client.patch(f"{GROUPS}/roma", json={"feeds": "ethnicity"}, headers=admin), 422)["errors"]) \
        == ["feeds"]
    assert list(problem(client.patch(f"{GROUPS}/roma", json={"labels": {"en": ""}}, headers=admin), 422)["errors"]) \
        == ["labels"]
    problem(client.patch(f"{GROUPS}/pirates", json={"active": False}, headers=admin), 404)
    problem(client.post(GROUPS, json={"key": "roma", "labels": {"en": "Roma again"}}, headers=admin), 409)
    roma = vocabulary(client, admin)["roma"]
    assert roma == {"key": "roma", "labels": {"en": "Roma", "tr": "Roman"}, "feeds": "minorities", "active": True}


# -- people's groups -----------------------------------------------------------------------------------

def test_people_are_given_groups_of_their_organisations_vocabulary_only(client, make_tenant):
    guatemala = make_tenant(country="GT")
    caseworker = guatemala.headers["caseworker"]
    person = ok(register(client, caseworker, ["maya", "conflict_victim"]), 201)
    assert person["vulnerable_groups"] == ["maya", "conflict_victim"]
    refused = problem(register(client, caseworker, ["maya", "single_parent"], given_name="Otra"), 422)
    assert list(refused["errors"]) == ["vulnerable_groups"]
    assert refused["errors"]["vulnerable_groups"].keys() == {"1"}  # beside the item, as marshmallow puts it
    problem(client.patch(url(f"/trainees/{person['id']}"), json={"vulnerable_groups": ["roma"]}, headers=caseworker),
            422)
    assert list(problem(register(client, caseworker, ["Maya"], given_name="Otra"), 422)["errors"]) == [
        "vulnerable_groups"]
    assert problem(client.get(url("/trainees"), query_string={"vulnerable_group": "roma"}, headers=caseworker),
                   422)["errors"].keys() == {"vulnerable_group"}
    listed = ok(client.get(url("/trainees"), query_string={"vulnerable_group": "maya"}, headers=caseworker))
    assert [p["id"] for p in listed["items"]] == [person["id"]]


def test_a_retired_group_stays_on_the_people_who_have_it_but_is_given_to_no_one_new(client, tenant):
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    person = register_trainee(client, caseworker, vulnerable_groups=["neet", "roma"])
    ok(client.patch(f"{GROUPS}/neet", json={"active": False}, headers=admin))
    refused = problem(client.post(url("/trainees"), json=factories.trainee_body(vulnerable_groups=["neet"]),
                                  headers=caseworker), 422)
    assert "retired" in str(refused["errors"]["vulnerable_groups"])
    kept = ok(client.patch(url(f"/trainees/{person['id']}"), json={"vulnerable_groups": ["neet"]},
                           headers=caseworker))
    assert kept["vulnerable_groups"] == ["neet"]
    ok(client.patch(url(f"/trainees/{person['id']}"), json={"vulnerable_groups": []}, headers=caseworker))
    problem(client.patch(url(f"/trainees/{person['id']}"), json={"vulnerable_groups": ["neet"]},
                         headers=caseworker), 422)  # once given up, it is not given again
    listed = ok(client.get(url("/trainees"), query_string={"vulnerable_group": "neet"}, headers=caseworker))
    assert listed["items"] == []  # a filter by a retired group is still allowed


# -- figures -------------------------------------------------------------------------------------------

def test_a_guatemalan_maya_participant_counts_among_minorities(client, make_tenant):
    guatemala = make_tenant(country="GT")
    admin, caseworker = guatemala.headers["admin"], guatemala.headers["caseworker"]
    project = create_project(client, admin)
    people = [ok(register(client, caseworker, groups, given_name=name, birth_date=born), 201)
              for name, groups, born in (("Ixchel", ["maya"], "2000-01-01"), ("Rosa", ["garifuna", "disability"],
                                                                                   "2001-02-02"),
                                         ("Ana", ["conflict_victim"], "2002-03-03"), ("Luis", [], "2003-04-04"))]
    for person in people:
        enrol(client, caseworker, person["id"], project["id"], enrolled_on="2026-03-02")
    figures = indicators(client, admin)
    assert (figures["participants"], figures["minorities_incl_roma"], figures["with_disabilities"]) == (4, 2, 1)
    assert figures["foreign_background"] == 0 and figures["homeless_or_housing_exclusion"] == 0
    by_group = ok(client.get(url("/metrics/reach"), query_string={"by": "vulnerable_group", "suppress": "false"},
                             headers=admin))
    cells = {cell["vulnerable_group"]: cell["reached"] for cell in by_group["breakdown"]}
    assert list(cells)[:5] == ["maya", "garifuna", "xinka", "afro_descendant", "conflict_victim"]
    assert list(cells)[-1] == "none"
    assert (cells["maya"], cells["garifuna"], cells["disability"], cells["conflict_victim"], cells["xinka"],
            cells["none"]) == (1, 1, 1, 1, 0, 1)


def test_changing_the_vocabulary_never_rewrites_a_closed_participation_but_a_correction_may(client, tenant):
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    project = create_project(client, admin)
    closed = register_trainee(client, caseworker, given_name="Closed", vulnerable_groups=["single_parent", "roma"])
    closed_enrolment = enrol(client, caseworker, closed["id"], project["id"], enrolled_on="2026-03-02")
    ok(client.post(url(f"/enrolments/{closed_enrolment['id']}/complete"), headers=caseworker,
                   json={"exited_on": "2026-06-30", "qualification_gained": True}))
    open_ = register_trainee(client, caseworker, given_name="Open", family_name="Kaya", birth_date="1999-09-09",
                             vulnerable_groups=["single_parent"])
    enrol(client, caseworker, open_["id"], project["id"], enrolled_on="2026-03-02")
    before = indicators(client, admin)
    assert (before["minorities_incl_roma"], before["homeless_or_housing_exclusion"]) == (1, 0)

    # Re-mapped and retired: nothing counted changes, for the closed participation nor the open one.
    ok(client.patch(f"{GROUPS}/single_parent", json={"feeds": "housing_exclusion"}, headers=admin))
    ok(client.patch(f"{GROUPS}/roma", json={"active": False, "feeds": None}, headers=admin))
    assert indicators(client, admin) == before

    # The open participation follows its person: its groups now feed by today's vocabulary.
    ok(client.patch(url(f"/trainees/{open_['id']}"), json={"vulnerable_groups": ["single_parent", "migrant"]},
                    headers=caseworker))
    after_edit = indicators(client, admin)
    assert (after_edit["homeless_or_housing_exclusion"], after_edit["foreign_background"],
            after_edit["minorities_incl_roma"]) == (1, 1, 1)

    # The closed one keeps roma (retired) and its count until an audited correction, read by today's vocabulary.
    ok(client.patch(url(f"/trainees/{closed['id']}"), json={"vulnerable_groups": ["single_parent", "roma"],
                                                            "district": "Konak"}, headers=caseworker))
    assert indicators(client, admin) == after_edit
    # The same groups again are no correction (refused): a new vocabulary alone re-reads nothing.
    problem(client.post(url(f"/enrolments/{closed_enrolment['id']}/correct-entry"), headers=admin,
                        json={"vulnerable_groups": ["single_parent", "roma"], "reason": "Re-read."}), 422)
    assert indicators(client, admin) == after_edit
    ok(client.post(url(f"/enrolments/{closed_enrolment['id']}/correct-entry"), headers=admin,
                   json={"vulnerable_groups": ["single_parent"], "reason": "Not Roma: a typing slip."}))
    corrected = indicators(client, admin)
    assert (corrected["minorities_incl_roma"], corrected["homeless_or_housing_exclusion"]) == (0, 2)


def test_a_correction_gives_only_groups_of_the_vocabulary_or_those_held_at_entry(client, tenant):
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    project = create_project(client, admin)
    person = register_trainee(client, caseworker, vulnerable_groups=["neet"])
    enrolment = enrol(client, caseworker, person["id"], project["id"], enrolled_on="2026-03-02")
    ok(client.patch(f"{GROUPS}/neet", json={"active": False}, headers=admin))
    ok(client.patch(f"{GROUPS}/migrant", json={"active": False}, headers=admin))
    refused = problem(client.post(url(f"/enrolments/{enrolment['id']}/correct-entry"), headers=admin,
                                  json={"vulnerable_groups": ["neet", "migrant"], "reason": "Typed wrong."}), 422)
    assert list(refused["errors"]) == ["vulnerable_groups"]
    ok(client.post(url(f"/enrolments/{enrolment['id']}/correct-entry"), headers=admin,
                   json={"vulnerable_groups": ["neet", "refugee"], "reason": "Typed wrong."}))
    assert indicators(client, admin)["foreign_background"] == 1


def test_exports_label_groups_with_the_organisations_own_labels(client, make_tenant, pathways):
    guatemala = make_tenant(country="GT")
    admin, caseworker = guatemala.headers["admin"], guatemala.headers["caseworker"]
    ok(client.patch(url("/organisation"), json={"locale": "es"}, headers=admin))
    project = create_project(client, admin)
    person = ok(register(client, caseworker, ["maya"]), 201)
    enrol(client, caseworker, person["id"], project["id"], enrolled_on="2026-03-02")
    response = client.get(url("/metrics/reach"), headers=admin,
                          query_string={"by": "vulnerable_group", "suppress": "false", "format": "csv"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    cells = {cell for row in csv.reader(io.StringIO(text), delimiter=",") for cell in row}
    assert {"Maya", "Afrodescendiente, creole o afromestizo", "Víctima del conflicto armado interno"} <= cells
    assert "afro_descendant" not in cells
    ok(client.patch(url("/organisation"), json={"locale": "tr"}, headers=admin))
    text = client.get(url("/metrics/reach"), headers=admin, query_string={
        "by": "vulnerable_group", "suppress": "false", "format": "csv"}).get_data(as_text=True)
    assert "Maya (Yerli halk)" in text  # no Turkish label of its own: the English msgid, translated


def test_share_targets_name_the_organisations_own_groups(client, make_tenant):
    guatemala = make_tenant(country="GT")
    admin = guatemala.headers["admin"]
    maya = [{"dimension": "vulnerable_group", "value": ["maya", "xinka"], "min_share": 0.4}]
    project = create_project(client, admin, share_targets=maya)
    assert project["share_targets"][0]["value"] == ["maya", "xinka"]
    roma = [{"dimension": "vulnerable_group", "value": "roma", "min_share": 0.1}]
    assert list(problem(client.post(url("/projects"), json=factories.project_body(share_targets=roma),
                                    headers=admin), 422)["errors"]) == ["share_targets"]
    assert list(problem(client.patch(url(f"/projects/{project['id']}"), json={"share_targets": roma},
                                     headers=admin), 422)["errors"]) == ["share_targets"]
    assert list(problem(client.patch(url("/organisation"), json={"share_targets": roma}, headers=admin),
                        422)["errors"]) == ["share_targets"]
    ok(client.patch(url("/organisation"), json={"share_targets": maya}, headers=admin))
    reach = ok(client.get(url("/metrics/reach"), query_string={"project_id": project["id"], "suppress": "false"},
                          headers=admin))
    assert reach["share_targets"][0]["value"] == ["maya", "xinka"]
