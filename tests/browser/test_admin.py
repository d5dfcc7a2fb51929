"""An admin runs the organisation in a real browser, in each of the four languages: makes the manager a
caseworker and issues a password reset link, tries a minimum cell size outside its range (refused beside the
field) and one below five (saved, with a warning), adds a group with its four labels, and reads who changed
what in the audit trail. Each page is checked with axe-core and kept as a screenshot."""

from __future__ import annotations

import pytest

from service.domain.roles import Role
from service.translations import translate
from service.translations.labels import label
from tests.browser.support import LANGUAGES, check_page, field_error, fill, follow, open_session, submit

pytestmark = pytest.mark.browser


def test_an_admin_manages_users_settings_groups_and_reads_the_audit_trail(server, make_driver, make_web_tenant):
    for lang in LANGUAGES:
        tenant = make_web_tenant(lang)
        admin = make_driver(accept_language=lang)
        open_session(admin, server, tenant.user_ids[Role.ADMIN])

        admin.get(server.url + "/admin/users")
        check_page(admin, lang, "admin-users")
        follow(admin, admin.find_element("link text", tenant.emails[Role.MANAGER]))
        fill(admin, {"role": "caseworker"})
        submit(admin, "form[action$='/role']")
        assert translate(lang, "The role is changed. It holds from the user's next page or API request.") in (
            admin.find_element("css selector", ".notice").text)
        submit(admin, "form[action$='/reset']")
        assert "/invitations/" in admin.find_element("id", "invitation-link").get_attribute("value")
        check_page(admin, lang, "admin-user")

        admin.get(server.url + "/admin/organisation")
        fill(admin, {"min_cell_size": "0"})
        submit(admin, "form[action='/admin/organisation']")
        assert field_error(admin, "min_cell_size") == translate(lang, "A whole number from %(low)s to %(high)s.") % {
            "low": 3, "high": 100}
        check_page(admin, lang, "admin-organisation-refused")
        fill(admin, {"min_cell_size": "3", "min_cell_size_reason": "Funder's rule on small groups"})
        submit(admin, "form[action='/admin/organisation']")
        assert admin.find_element("id", "cell-size-warning").is_displayed()
        fill(admin, {"labels-en": "Care leavers", "labels-tr": "Koruma altından çıkan gençler",
                     "labels-sv": "Unga som lämnat samhällsvård", "labels-es": "Jóvenes egresados de protección"})
        submit(admin, "form[action='/admin/organisation/groups']")
        assert "care_leavers" in admin.find_element("css selector", "#groups-heading + p + table").text
        check_page(admin, lang, "admin-organisation")

        admin.get(server.url + f"/admin/audit?user={tenant.user_ids[Role.ADMIN]}")
        changes = admin.find_element("css selector", "table.audit").text
        assert f"{label('role', 'manager', lang)} → {label('role', 'caseworker', lang)}" in changes
        assert label("role", "manager", lang) == "Manager" or "manager → caseworker" not in changes
        check_page(admin, lang, "admin-audit")
