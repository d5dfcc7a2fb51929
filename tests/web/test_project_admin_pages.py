"""The admin's pages for projects, cohorts, reach and share targets (service/web/project_admin.py): each form
read with the API's schema, refused beside its field in the reader's language (422, 409 for a taken code),
saved through the same use case as the API (so GET /projects/{id} tells the same), and closed to other
roles (403) and to other organisations' projects (404)."""

from __future__ import annotations

import html
import re

import pytest

from service.domain.roles import Role
from tests.api.helpers import create_project, ok, url


def text_of(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(body).split())


def field_error(response, name: str) -> str:
    """The message shown beside the field `name` (empty when there is none)."""
    found = re.search(rf'<p class="field-error" id="error-{name}">(.*?)</p>', response.get_data(as_text=True), re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def api_project(client, tenant, project_id: str) -> dict:
    return ok(client.get(url(f"/projects/{project_id}"), headers=tenant.headers[Role.MANAGER]))


@pytest.fixture
def project(client, tenant):
    return create_project(client, tenant.headers[Role.ADMIN], code="ROMA-26", name="Roma youth employment",
                          share_targets=[])


def _created_id(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_an_admin_creates_a_project_and_finds_it_in_the_api(sign_in, client, tenant):
    browser = sign_in(Role.ADMIN)
    assert browser.get("/projects/new").status_code == 200
    created = browser.post_form("/projects/new", {
        "code": "LM-2026", "name": "A Local Model", "description": "Bakers and cooks in Izmir.",
        "starts_on": "2026-01-01", "ends_on": "2027-06-30", "priority_groups": ["women", "roma"]})
    project_id = _created_id(created)
    page = browser.get(f"/projects/{project_id}")
    assert "The project is created." in text_of(page) and "A Local Model" in text_of(page)
    seen = api_project(client, tenant, project_id)
    assert (seen["code"], seen["ends_on"], seen["priority_groups"]) == ("LM-2026", "2027-06-30", ["women", "roma"])


def test_an_admin_edits_a_project_and_may_empty_its_dates_and_description(sign_in, client, tenant, project):
    browser = sign_in(Role.ADMIN)
    form = browser.get(f"/projects/{project['id']}/edit")
    assert form.status_code == 200 and 'value="ROMA-26"' in form.get_data(as_text=True)
    saved = browser.post_form(f"/projects/{project['id']}/edit", {
        "code": "ROMA-26", "name": "Roma youth, second round", "description": "", "starts_on": "", "ends_on": ""})
    assert saved.status_code == 302
    seen = api_project(client, tenant, project["id"])
    assert (seen["name"], seen["starts_on"], seen["ends_on"], seen["description"]) == (
        "Roma youth, second round", None, None, "")


def test_a_code_in_use_answers_409_beside_the_code_with_what_was_typed_kept(sign_in, client, tenant, project):
    create_project(client, tenant.headers[Role.ADMIN], code="TAKEN")
    browser = sign_in(Role.ADMIN)
    for path in ("/projects/new", f"/projects/{project['id']}/edit"):
        refused = browser.post_form(path, {"code": "TAKEN", "name": "Typed name"})
        assert refused.status_code == 409, path
        assert "TAKEN" in field_error(refused, "code") and "exists already" in field_error(refused, "code")
        assert 'value="Typed name"' in refused.get_data(as_text=True)
    assert api_project(client, tenant, project["id"])["code"] == "ROMA-26"


def test_a_project_without_code_or_ending_before_it_starts_is_refused_beside_the_fields(sign_in):
    browser = sign_in(Role.ADMIN, language="es")
    refused = browser.post_form("/projects/new", {"code": "", "name": "Sin código"})
    assert refused.status_code == 422 and field_error(refused, "code")
    refused = browser.post_form("/projects/new", {"code": "ES-1", "name": "Sin código", "starts_on": "2026-05-01",
                                                  "ends_on": "2026-04-01"})
    assert refused.status_code == 422
    assert field_error(refused, "ends_on") == "La fecha de fin no puede ser anterior a la de inicio."


def test_a_cohort_is_added_and_one_ending_before_it_starts_is_refused_in_turkish(sign_in, client, tenant, project):
    browser = sign_in(Role.ADMIN, language="tr")
    path = f"/projects/{project['id']}/cohorts/new"
    refused = browser.post_form(path, {"name": "Aşçılar, bahar", "occupation": "5120",
                                       "starts_on": "2026-06-01", "ends_on": "2026-03-01", "capacity": "20"})
    assert refused.status_code == 422
    assert field_error(refused, "ends_on") == "Bitiş tarihi başlangıç tarihinden önce olamaz."
    assert 'value="Aşçılar, bahar"' in refused.get_data(as_text=True)
    added = browser.post_form(path, {"name": "Aşçılar, bahar", "occupation": "5120", "starts_on": "2026-03-01",
                                     "ends_on": "2026-06-30", "capacity": "1.200", "district": "Konak"})
    assert added.status_code == 302
    cohorts = ok(client.get(url(f"/projects/{project['id']}/cohorts"), headers=tenant.headers[Role.ADMIN]))["items"]
    assert [(c["name"], c["capacity"], c["district"]) for c in cohorts] == [("Aşçılar, bahar", 1200, "Konak")]
    assert "Aşçılar, bahar" in text_of(browser.get(f"/projects/{project['id']}"))


def test_reach_and_share_targets_are_saved_shown_and_the_same_in_the_api(sign_in, client, tenant, project):
    browser = sign_in(Role.ADMIN, language="tr")
    base = f"/projects/{project['id']}/targets"
    assert browser.get(base).status_code == 200
    assert browser.post_form(f"{base}/reach", {"reach_target": "1.400"}).status_code == 302
    assert browser.post_form(f"{base}/shares", {"category": "sex:female", "min_share": "40"}).status_code == 302
    assert browser.post_form(f"{base}/shares", {"category": ["age_band:15-17", "age_band:18-24"],
                                                "min_share": "30", "max_share": "62,5"}).status_code == 302
    assert browser.post_form(f"{base}/shares", {"district": " Konak ", "max_share": "25"}).status_code == 302
    seen = api_project(client, tenant, project["id"])
    assert seen["reach_target"] == 1400
    assert seen["share_targets"] == [
        {"dimension": "sex", "value": "female", "min_share": 0.4},
        {"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.3, "max_share": 0.625},
        {"dimension": "district", "value": "Konak", "max_share": 0.25}]
    page = text_of(browser.get(f"/projects/{project['id']}"))
    assert "1.400" in page and "Cinsiyet: Kadın — en az %40" in page and "15-17, 18-24 — %30 ile %62,5 arası" in page
    assert "İlçe: Konak — en çok %25" in page
    # removed again, named by its content
    sex_target = '{"dimension": "sex", "min_share": 0.4, "value": "female"}'
    unconfirmed = browser.post_form(f"{base}/shares/0/remove", {"target": sex_target})  # one click is not enough
    assert unconfirmed.status_code == 422 and 'id="share-0-confirm-error"' in unconfirmed.get_data(as_text=True)
    assert len(api_project(client, tenant, project["id"])["share_targets"]) == 3
    removed = browser.post_form(f"{base}/shares/0/remove", {"target": sex_target, "confirm": "yes"})
    assert removed.status_code == 302
    assert [t["dimension"] for t in api_project(client, tenant, project["id"])["share_targets"]] == [
        "age_band", "district"]
    stale = browser.post_form(f"{base}/shares/0/remove", {"target": "{}"})
    assert stale.status_code == 409
    assert len(api_project(client, tenant, project["id"])["share_targets"]) == 2


@pytest.mark.parametrize(("typed", "field", "expected"), [
    ({"category": "sex:female", "min_share": "120"}, "min_share", "per cent"),
    ({"category": "sex:female", "min_share": "60", "max_share": "40"}, "max_share", "must not be below"),
    ({"category": "sex:female"}, "min_share", "lowest share"),
    ({"category": ["sex:female", "age_band:18-24"], "min_share": "40"}, "category", "one kind only"),
    ({"category": "sex:female", "district": "Konak", "min_share": "40"}, "category", "one kind only"),
    ({"category": "vulnerable_group:unheard_of", "min_share": "40"}, "category", "unheard_of"),
])
def test_a_share_over_100_percent_or_otherwise_wrong_is_refused_beside_its_field(sign_in, client, tenant, project,
                                                                                typed, field, expected):
    refused = sign_in(Role.ADMIN).post_form(f"/projects/{project['id']}/targets/shares", typed)
    assert refused.status_code == 422
    assert expected in field_error(refused, field)
    assert api_project(client, tenant, project["id"])["share_targets"] == []


def test_a_reach_target_that_is_no_whole_number_is_refused(sign_in, client, tenant, project):
    browser = sign_in(Role.ADMIN, language="sv")
    for typed in ("tusen", "12,5", "0", "-3"):
        refused = browser.post_form(f"/projects/{project['id']}/targets/reach", {"reach_target": typed})
        assert refused.status_code == 422, typed
        assert field_error(refused, "reach_target"), typed
        assert f'value="{typed}"' in refused.get_data(as_text=True)
    assert browser.post_form(f"/projects/{project['id']}/targets/reach", {"reach_target": "1 400"}).status_code == 302
    assert api_project(client, tenant, project["id"])["reach_target"] == 1400
    assert browser.post_form(f"/projects/{project['id']}/targets/reach", {"reach_target": ""}).status_code == 302
    assert api_project(client, tenant, project["id"])["reach_target"] is None


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CASEWORKER])
def test_managers_and_caseworkers_see_no_edit_controls_and_may_not_write(sign_in, client, tenant, project, role):
    browser = sign_in(role)
    for page in (browser.get("/projects"), browser.get(f"/projects/{project['id']}")):
        body = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "/projects/new" not in body and "/edit" not in body and "/targets" not in body
    pid = project["id"]
    for path in ("/projects/new", f"/projects/{pid}/edit", f"/projects/{pid}/cohorts/new", f"/projects/{pid}/targets"):
        assert browser.get(path).status_code == 403, path
    for path, data in (("/projects/new", {"code": "X", "name": "X"}), (f"/projects/{pid}/edit", {"name": "X"}),
                       (f"/projects/{pid}/cohorts/new", {"name": "X", "occupation": "5120"}),
                       (f"/projects/{pid}/targets/reach", {"reach_target": "5"}),
                       (f"/projects/{pid}/targets/shares", {"category": "sex:male", "min_share": "5"}),
                       (f"/projects/{pid}/targets/shares/0/remove", {"target": "{}"})):
        assert browser.post_form(path, data).status_code == 403, path
    seen = api_project(client, tenant, pid)
    assert (seen["name"], seen["reach_target"], seen["share_targets"]) == (project["name"], project["reach_target"], [])


def test_the_admin_sees_the_edit_controls(sign_in, project):
    body = sign_in(Role.ADMIN).get(f"/projects/{project['id']}").get_data(as_text=True)
    for path in (f"/projects/{project['id']}/edit", f"/projects/{project['id']}/targets",
                 f"/projects/{project['id']}/cohorts/new"):
        assert f'href="{path}"' in body


def test_another_organisations_project_is_not_found(sign_in, client, other_tenant):
    theirs = create_project(client, other_tenant.headers[Role.ADMIN])["id"]
    browser = sign_in(Role.ADMIN)
    for path in (f"/projects/{theirs}/edit", f"/projects/{theirs}/cohorts/new", f"/projects/{theirs}/targets"):
        assert browser.get(path).status_code == 404, path
    for path, data in ((f"/projects/{theirs}/edit", {"code": "MINE", "name": "Mine"}),
                       (f"/projects/{theirs}/cohorts/new", {"name": "X", "occupation": "5120"}),
                       (f"/projects/{theirs}/targets/reach", {"reach_target": "5"}),
                       (f"/projects/{theirs}/targets/shares", {"category": "sex:male", "min_share": "5"}),
                       (f"/projects/{theirs}/targets/shares/0/remove", {"target": "{}"})):
        assert browser.post_form(path, data).status_code == 404, path
    assert api_project(client, other_tenant, theirs)["code"] != "MINE"


GARBAGE = ["", " ", "\x00", "‮", "9" * 400, "-1", "1e309", "NaN", "0x10", "2026-02-30", "99999-01-01", "%", "1.5.5",
           "sex:", ":", "age_band:15-17:x", "{}", "[]", "<script>"]


def test_garbage_in_every_field_never_answers_5xx(sign_in, project):
    browser = sign_in(Role.ADMIN, language="tr")
    pid = project["id"]
    forms = {"/projects/new": ("code", "name", "description", "starts_on", "ends_on", "priority_groups"),
             f"/projects/{pid}/edit": ("code", "name", "description", "starts_on", "ends_on", "priority_groups"),
             f"/projects/{pid}/cohorts/new": ("name", "occupation", "starts_on", "ends_on", "capacity", "district"),
             f"/projects/{pid}/targets/reach": ("reach_target",),
             f"/projects/{pid}/targets/shares": ("category", "district", "min_share", "max_share"),
             f"/projects/{pid}/targets/shares/0/remove": ("target",),
             f"/projects/{pid}/targets/shares/99999999999999999999/remove": ("target",)}
    for path, names in forms.items():
        for value in GARBAGE:
            answered = browser.post_form(path, {name: value for name in names})
            assert answered.status_code < 500, (path, value, answered.status_code)
    assert browser.post(f"/projects/{pid}/targets/reach", data={"reach_target": "5"}).status_code == 400  # no CSRF


def test_backwards_cohort_dates_show_with_the_other_messages_in_turkish(sign_in, project):
    browser = sign_in(Role.ADMIN, language="tr")
    refused = browser.post_form(f"/projects/{project['id']}/cohorts/new", {
        "name": "", "occupation": "5120", "starts_on": "2026-06-01", "ends_on": "2026-03-01", "capacity": "sıfır"})
    assert refused.status_code == 422
    assert field_error(refused, "name") and field_error(refused, "capacity")
    assert field_error(refused, "ends_on") == "Bitiş tarihi başlangıç tarihinden önce olamaz."
    # the occupation is chosen by name, from the list the employers' vacancy form offers
    page = browser.get(f"/projects/{project['id']}/cohorts/new").get_data(as_text=True)
    assert '<select id="field-occupation" name="occupation"' in page and '<optgroup label="' in page
    assert 'value="51"' in page
