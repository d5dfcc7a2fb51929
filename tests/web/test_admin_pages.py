"""The admin's pages: users (role, deactivation, password reset, last sign-in), the organisation's settings and
groups, and the audit trail; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from service import clock
from service.domain.errors import Conflict, ValidationFailed
from service.domain.roles import Principal, Role
from service.services import invitations, sign_in as signing_in, users
from tests.api.helpers import create_employer, ok, url

PASSWORD = "a long enough password"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="error-{re.escape(name)}">([^<]*)</p>', page)
    return found.group(1) if found else ""


def _admin(tenant) -> Principal:
    return Principal(user_id=uuid.UUID(tenant.user_ids[Role.ADMIN]), organisation_id=uuid.UUID(tenant.organisation_id),
                     role=Role.ADMIN)


def test_the_users_list_shows_each_role_and_last_sign_in(sign_in, tenant):
    sign_in(Role.CASEWORKER)  # opens a session: the caseworker's last sign-in
    admin = sign_in(Role.ADMIN, language="en")
    page = _text(admin.get("/admin/users"))
    row = re.search(r"<tr>\s*<td><a href=\"/admin/users/[^\"]+\">caseworker1@example.org</a>.*?</tr>", page, re.S)
    assert row and "Caseworker" in row.group(0) and "Never" not in row.group(0)
    manager_row = re.search(r"manager1@example.org</a>.*?</tr>", page, re.S).group(0)
    assert "Never" in manager_row
    assert "Last sign-in" in page and admin.get("/admin/users?sort=-last_signed_in_at").status_code == 200
    assert "caseworker1@example.org" not in _text(admin.get("/admin/users?status=deactivated"))


def test_a_role_change_holds_from_the_users_next_request(sign_in, tenant, client):
    caseworker = sign_in(Role.CASEWORKER)
    assert caseworker.get("/people/new").status_code == 200
    admin = sign_in(Role.ADMIN, language="en")
    user_id = tenant.user_ids[Role.CASEWORKER]
    answer = admin.post_form(f"/admin/users/{user_id}/role", {"role": "manager"})
    assert answer.status_code == 302 and answer.headers["Location"] == f"/admin/users/{user_id}"
    assert "Manager" in _text(admin.get(answer.headers["Location"]))
    assert caseworker.get("/people/new").status_code == 403  # the same open session, now a manager's
    token = tenant.headers[Role.CASEWORKER]
    assert client.post("/api/v1/trainees", json={}, headers=token).status_code == 403
    assert client.get("/api/v1/trainees", headers=token).status_code == 200
    # An employer user needs its employer; a role nobody has is refused beside the field.
    refused = admin.post_form(f"/admin/users/{user_id}/role", {"role": "employer"})
    assert refused.status_code == 422 and _field_error(_text(refused), "employer_id")
    refused = admin.post_form(f"/admin/users/{user_id}/role", {"role": "owner"})
    assert refused.status_code == 422 and _field_error(_text(refused), "role")


def test_deactivation_ends_the_users_session_and_token_at_once(sign_in, tenant, client):
    caseworker = sign_in(Role.CASEWORKER)
    token = tenant.headers[Role.CASEWORKER]
    assert client.get("/api/v1/trainees", headers=token).status_code == 200
    admin = sign_in(Role.ADMIN, language="en")
    user_id = tenant.user_ids[Role.CASEWORKER]
    unconfirmed = admin.post_form(f"/admin/users/{user_id}/deactivate", {})
    assert unconfirmed.status_code == 422 and _field_error(_text(unconfirmed), "confirm")
    assert caseworker.get("/people").status_code == 200
    answer = admin.post_form(f"/admin/users/{user_id}/deactivate", {"confirm": "yes"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/users"
    assert caseworker.get("/people").status_code == 302  # back to signing in
    assert client.get("/api/v1/trainees", headers=token).status_code == 401
    assert "caseworker1@example.org" in _text(admin.get("/admin/users?status=deactivated"))
    assert admin.get(f"/admin/users/{user_id}").status_code == 404


def test_the_last_admin_can_neither_lose_the_role_nor_be_deactivated(sign_in, tenant):
    admin = sign_in(Role.ADMIN, language="sv")
    admin_id = tenant.user_ids[Role.ADMIN]
    demoted = admin.post_form(f"/admin/users/{admin_id}/role", {"role": "caseworker"})
    assert demoted.status_code == 409 and "admin" in _field_error(_text(demoted), "role").lower()
    removed = admin.post_form(f"/admin/users/{admin_id}/deactivate", {"confirm": "yes"})
    assert removed.status_code == 409 and _field_error(_text(removed), "confirm")
    assert admin.get("/admin/users").status_code == 200  # still the admin
    # With a second admin the first may step down, and leaves the admin pages at once.
    admin.post_form(f"/admin/users/{tenant.user_ids[Role.MANAGER]}/role", {"role": "admin"})
    stepped_down = admin.post_form(f"/admin/users/{admin_id}/role", {"role": "caseworker"})
    assert stepped_down.status_code == 302 and stepped_down.headers["Location"] == "/"
    assert admin.get("/admin/users").status_code == 403


def test_change_role_rules(pathways, tenant):
    admin = _admin(tenant)
    manager_id = uuid.UUID(tenant.user_ids[Role.MANAGER])
    with pytest.raises(ValidationFailed):
        users.change_role(pathways.uow(), admin, manager_id, Role.EMPLOYER)
    with pytest.raises(Conflict):
        users.change_role(pathways.uow(), admin, admin.user_id, Role.MANAGER)
    assert users.change_role(pathways.uow(), admin, manager_id, Role.CASEWORKER).role == Role.CASEWORKER


def test_a_password_reset_link_is_shown_once_and_sets_a_new_password(sign_in, tenant, client, pathways):
    admin = sign_in(Role.ADMIN, language="en")
    user_id = tenant.user_ids[Role.MANAGER]
    page = _text(admin.post_form(f"/admin/users/{user_id}/reset", {}))
    link = re.search(r'id="invitation-link" type="text" readonly value="http://localhost(/invitations/[^"]+)"',
                     page).group(1)
    accepted = invitations.accept(pathways.uow(), link.rsplit("/", 1)[1], PASSWORD)
    assert str(accepted.id) == user_id
    assert signing_in.sign_in(pathways.uow(), "manager1@example.org", PASSWORD).id == accepted.id
    assert client.get(link).status_code == 410  # used


def test_settings_are_saved_and_the_pages_follow_the_organisation_language(sign_in, tenant):
    admin = sign_in(Role.ADMIN)  # neither the user nor this browser chose a language
    caseworker = sign_in(Role.CASEWORKER)
    saved = admin.post_form("/admin/organisation", {"locale": "sv", "time_zone": "America/Guatemala",
                                                   "min_cell_size": "7"})
    assert saved.status_code == 302
    page = _text(admin.get("/admin/organisation"))
    assert 'lang="sv"' in page and "Organisationens inställningar" in page
    assert '<option value="America/Guatemala" selected>' in page and 'value="7"' in page
    assert 'lang="sv"' in _text(caseworker.get("/people"))
    # A user with a language of their own keeps it.
    assert 'lang="tr"' in _text(sign_in(Role.MANAGER, language="tr").get("/people"))


@pytest.mark.parametrize("language, words", [("tr", "arasında"), ("sv", "heltal")])
def test_minimum_cell_size_warns_below_five_and_refuses_outside_its_range(sign_in, language, words):
    admin = sign_in(Role.ADMIN, language=language)
    for typed in ("0", "101", "five", "4.5"):
        refused = admin.post_form("/admin/organisation", {"locale": "en", "time_zone": "Europe/Istanbul",
                                                          "min_cell_size": typed})
        assert refused.status_code == 422
        assert words in _field_error(_text(refused), "min_cell_size")
        assert f'value="{typed}"' in _text(refused)
    assert 'id="cell-size-warning"' not in _text(admin.get("/admin/organisation"))
    saved = admin.post_form("/admin/organisation", {"locale": "en", "time_zone": "Europe/Istanbul",
                                                    "min_cell_size": "3", "min_cell_size_reason": "Funder's rule"},
                            follow_redirects=True)
    assert 'notice-warning' in _text(saved) and 'id="cell-size-warning"' in _text(saved)


def test_a_group_added_with_four_labels_is_offered_on_the_person_form_until_retired(sign_in, programme):
    admin = sign_in(Role.ADMIN, language="es")
    labels = {"labels-en": "Care leavers", "labels-tr": "Koruma altından çıkan gençler",
              "labels-sv": "Unga som lämnat samhällsvård", "labels-es": "Jóvenes egresados de protección"}
    added = admin.post_form("/admin/organisation/groups", labels)
    assert added.status_code == 302
    assert "care_leavers" in _text(admin.get("/admin/organisation"))
    edit = f"/people/{programme['trainee']['id']}/edit"
    assert 'value="care_leavers"' in _text(admin.get(edit)) and "Jóvenes egresados de protección" in _text(
        admin.get(edit))
    assert "Unga som lämnat samhällsvård" in _text(sign_in(Role.CASEWORKER, language="sv").get(edit))
    again = admin.post_form("/admin/organisation/groups", labels)
    assert again.status_code == 409 and _field_error(_text(again), "key")
    nameless = admin.post_form("/admin/organisation/groups", {"labels-tr": "Yalnız Türkçe"})
    assert nameless.status_code == 422 and _field_error(_text(nameless), "labels-en")
    assert 'value="Yalnız Türkçe"' in _text(nameless)
    assert admin.post_form("/admin/organisation/groups/care_leavers/retire", {}).status_code == 302
    assert 'value="care_leavers"' not in _text(admin.get(edit))
    assert admin.post_form("/admin/organisation/groups/care_leavers/reactivate", {}).status_code == 302
    assert 'value="care_leavers"' in _text(admin.get(edit))
    assert admin.post_form("/admin/organisation/groups/nothing_such/retire", {}).status_code == 404


def test_the_audit_trail_filters_by_user_person_and_day(sign_in, tenant, programme):
    admin = sign_in(Role.ADMIN, language="en")
    admin_id, manager_id = tenant.user_ids[Role.ADMIN], tenant.user_ids[Role.MANAGER]
    admin.post_form(f"/admin/users/{manager_id}/role", {"role": "caseworker"})
    everything = _text(admin.get("/admin/audit"))
    assert "Changed: User" in everything and "Created: Person" in everything
    by_admin = _text(admin.get(f"/admin/audit?user={admin_id}"))
    assert "Changed: User" in by_admin and "Manager → Caseworker" in by_admin and "<dt>Role</dt>" in by_admin
    assert "Changed: User" not in _text(admin.get(f"/admin/audit?user={manager_id}"))
    trainee = programme["trainee"]
    person = _text(admin.get(f"/admin/audit?person={trainee['id']}"))
    assert "Created: Person" in person and "Changed: User" not in person
    by_name = _text(admin.get(f"/admin/audit?person={trainee['family_name']}"))
    assert "Created: Person" in by_name
    today = clock.today(tenant_zone := "Europe/Istanbul")
    assert "Changed: User" in _text(admin.get(f"/admin/audit?from={today}&to={today}"))
    earlier = today - timedelta(days=3)
    assert "No change matches the filters." in _text(admin.get(f"/admin/audit?from={earlier}&to={earlier}"))
    assert tenant_zone
    bad = admin.get("/admin/audit?from=2026-13-45&to=yesterday&user=nobody&record=secrets")
    page = _text(bad)
    assert bad.status_code == 422
    assert all(_field_error(page, name) for name in ("from", "to", "user", "record"))
    unknown = admin.get("/admin/audit?person=Nobody%20Such")
    assert unknown.status_code == 422 and "Nobody Such" in _field_error(_text(unknown), "person")


def test_admin_pages_are_for_admins_of_the_organisation_only(sign_in, tenant, other_tenant):
    for role in (Role.CASEWORKER, Role.MANAGER):
        client = sign_in(role)
        for path in ("/admin/users", f"/admin/users/{tenant.user_ids[Role.MANAGER]}", "/admin/organisation",
                     "/admin/audit"):
            assert client.get(path).status_code == 403, path
        assert client.post_form("/admin/organisation", {"min_cell_size": "1"}).status_code == 403
        assert client.post_form(f"/admin/users/{tenant.user_ids[Role.MANAGER]}/deactivate",
                                {"confirm": "yes"}).status_code == 403
    admin = sign_in(Role.ADMIN)
    foreign = other_tenant.user_ids[Role.CASEWORKER]
    for path in (f"/admin/users/{foreign}", f"/admin/users/{uuid.uuid4()}"):
        assert admin.get(path).status_code == 404
    for step in ("role", "reset", "deactivate"):
        assert admin.post_form(f"/admin/users/{foreign}/{step}", {"role": "manager", "confirm": "yes"}
                               ).status_code == 404
    assert sign_in(Role.ADMIN, of=other_tenant).get(f"/admin/users/{foreign}").status_code == 200


def test_garbage_never_gives_a_server_error(sign_in, tenant):
    admin = sign_in(Role.ADMIN)
    user_id = tenant.user_ids[Role.MANAGER]
    junk = {"role": "\x00" * 3, "employer_id": "'; drop table users; --", "locale": "xx" * 500,
            "time_zone": "Mars/Olympus", "min_cell_size": "9" * 400, "labels-en": "x" * 5000, "key": "Ä" * 50,
            "feeds": "everything", "confirm": "maybe"}
    answers = [admin.post_form(f"/admin/users/{user_id}/role", junk), admin.post_form("/admin/organisation", junk),
               admin.post_form("/admin/organisation/groups", junk),
               admin.post_form(f"/admin/users/{user_id}/deactivate", junk),
               admin.post_form(f"/admin/users/{user_id}/role", {"role": "employer", "employer_id": "not-an-id"}),
               admin.post_form(f"/admin/users/{user_id}/role", {"role": "employer",
                                                                "employer_id": str(uuid.uuid4())}),
               admin.get("/admin/users?page=-1&sort=password_hash&status=%00"),
               admin.get("/admin/audit?cursor=%%%&person=" + "x" * 300 + "&from=99999-01-01&to=0001-01-01"),
               admin.get("/admin/audit?cursor=AAAA&user=" + str(uuid.uuid4())),
               admin.get("/admin/users/not-a-uuid")]
    assert all(answer.status_code < 500 for answer in answers), [answer.status_code for answer in answers]


def test_an_emptied_minimum_cell_size_is_refused_beside_the_field(sign_in):
    admin = sign_in(Role.ADMIN, language="es")
    refused = admin.post_form("/admin/organisation", {"locale": "en", "time_zone": "Europe/Istanbul",
                                                      "min_cell_size": " "})
    assert refused.status_code == 422
    assert "Indique el tamaño mínimo de celda" in _field_error(_text(refused), "min_cell_size")


def test_time_zones_are_named_by_country_and_city_in_the_readers_language(sign_in):
    page = _text(sign_in(Role.ADMIN, language="tr").get("/admin/organisation"))
    assert re.search(r'<option value="Europe/Istanbul"[^>]*>Türkiye – İstanbul</option>', page)
    assert re.search(r'<option value="Europe/Stockholm"[^>]*>İsveç – Stokholm</option>', page)
    assert "Africa/Abidjan</option>" not in page


def test_the_audit_trail_reads_in_turkish_with_labels_and_names(sign_in, tenant, programme, client):
    admin_token, caseworker = tenant.headers[Role.ADMIN], tenant.headers[Role.CASEWORKER]
    employer = create_employer(client, admin_token)
    vacancy = ok(client.post(url("/vacancies"), headers=admin_token, json={
        "employer_id": employer["id"], "title": "Kaynakçı yardımcısı", "occupation": "7212", "positions": 1,
        "wage_monthly": "32500.50", "currency": "TRY", "contract_type": "permanent", "district": "Çiğli",
        "closes_on": (clock.today("Europe/Istanbul") + timedelta(days=30)).isoformat()}), 201)
    trainee = programme["trainee"]
    referral = ok(client.post(url(f"/vacancies/{vacancy['id']}/referrals"), headers=caseworker,
                              json={"trainee_id": trainee["id"]}), 201)
    ok(client.post(url(f"/referrals/{referral['id']}/interview"), headers=caseworker, json={}))
    admin = sign_in(Role.ADMIN, language="tr")
    admin.post_form(f"/admin/users/{tenant.user_ids[Role.MANAGER]}/role", {"role": "caseworker"})
    page = _text(admin.get("/admin/audit"))
    assert "<dt>Rol</dt><dd>Program yöneticisi → Danışman</dd>" in page and "manager → caseworker" not in page
    assert "<dt>Durum</dt><dd>Yönlendirildi → Mülakat aşamasında</dd>" in page
    assert "referred → interviewing" not in page and "<dt>status</dt>" not in page
    assert "<dt>Aylık ücret</dt><dd>32.500,50</dd>" in page and "<dd>Süresiz</dd>" in page
    name = f"{trainee['given_name']} {trainee['family_name']}"
    assert name in page and vacancy["title"] in page and employer["name"] in page
    assert vacancy["id"] not in re.sub(r'<code class="audit-id">[^<]*</code>|href="[^"]*"', "", page)


def test_the_audit_trail_names_unknown_fields_and_removed_records_without_failing(app):
    from types import SimpleNamespace

    from service.web import audit_pages
    entry = SimpleNamespace(entity_type="placements", action="update", changes={
        "vacancy_id": [str(uuid.uuid4()), "not an id"], "end_reason": [None, "dismissed"],
        "wage_monthly": "32500.5", "currency": "TRY", "some_new_field": {"a": 1}})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        shown, more = audit_pages._changes(entry, {}, {})
        assert more == 0 and dict((name, parts) for name, parts in shown) == {
            "Vacancy": [("(removed)", None), ("(removed)", None)],
            "Reason for ending": [("–", None), ("Dismissed", None)],
            "Monthly wage": [("32,500.50", None)], "Currency": [("TRY", None)], "Some new field": [("a: 1", None)]}
