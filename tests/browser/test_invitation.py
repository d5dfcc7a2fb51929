"""An admin invites a caseworker in a real browser; the caseworker opens the link, sets a password (two that
differ refused beside the field first) and signs in. In Spanish, each page checked and kept as a screenshot."""

from __future__ import annotations

import pytest

from service.domain.roles import Role
from service.translations import translate
from tests.browser.support import check_page, field_error, fill, open_session, sign_in, submit, value_of

pytestmark = pytest.mark.browser
LANG = "es"
NEW_PASSWORD = "una contraseña larga y mía"


def test_an_admin_invites_a_caseworker_who_sets_a_password(server, make_driver, make_web_tenant):
    tenant = make_web_tenant(LANG)
    admin = make_driver(accept_language=LANG)
    open_session(admin, server, tenant.user_ids[Role.ADMIN])
    admin.get(server.url + "/admin/users")
    check_page(admin, LANG, "users")
    email = f"nueva@{tenant.slug}.example"
    fill(admin, {"email": email, "role": "caseworker"})
    submit(admin, "form[action='/admin/users']")
    link = admin.find_element("id", "invitation-link").get_attribute("value")
    assert link.startswith(server.url + "/invitations/")
    assert email in admin.find_element("tag name", "table").text
    check_page(admin, LANG, "users-invited")

    # The invited person, in a browser of their own.
    invited = make_driver(accept_language=LANG)
    invited.get(link)
    check_page(invited, LANG, "invitation")
    fill(invited, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    submit(invited, "form[action^='/invitations/']")
    assert field_error(invited, "confirm") == translate(LANG, "The two passwords are not the same.")
    check_page(invited, LANG, "invitation-error")
    fill(invited, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    submit(invited, "form[action^='/invitations/']")
    assert "/sign-in" in invited.current_url and value_of(invited, "email") == email
    check_page(invited, LANG, "sign-in-invited")
    sign_in(invited, server, email, NEW_PASSWORD)
    assert invited.current_url == server.url + "/"
    assert email in invited.find_element("tag name", "header").text

    # The link worked once.
    invited.get(link)
    assert invited.find_element("tag name", "h1").text == translate(LANG, "This invitation has been used")
    check_page(invited, LANG, "invitation-used")
