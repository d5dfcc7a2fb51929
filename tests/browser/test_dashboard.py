"""The managers' dashboard in a real browser, in each language (issue 17, Managers): a manager opens it from
the menu, reads reach against the target, the charts (images with a title in the page's language, each
followed by its table) and the hidden figures' marker, asks for a period that ends before it begins (refused
beside the field, what was typed kept), then reads it again in the next language.

Every page on the way is checked (its language, axe-core, a quiet console) and kept as a screenshot in
<output>/screenshots/<lang>/dashboard*.png.
"""

from __future__ import annotations

from datetime import date

import pytest

from service.domain.roles import Role
from service.metrics.labels import hidden_marker
from service.translations import translate
from tests.api.helpers import ok, url
from tests.browser import world
from tests.browser.support import LANGUAGES, check_page, field_error, fill, follow, open_session, submit, value_of

pytestmark = pytest.mark.browser
BACKWARDS = "The end of the period must not be before its start."


def test_a_managers_dashboard_in_every_language(server, make_driver, make_web_tenant):
    tenant = make_web_tenant("en")
    world.build(server, tenant)
    ok(server.app.test_client().patch(url("/organisation"), headers=tenant.headers[Role.ADMIN], json={
        "reach_target": 4, "share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.5}]}))
    server.drain()
    driver = make_driver()
    open_session(driver, server, tenant.user_ids[Role.MANAGER])
    driver.get(server.url + "/")
    follow(driver, driver.find_element("css selector", "header nav a[href='/dashboard']"))
    for lang in LANGUAGES:
        if lang != "en":
            follow(driver, driver.find_element("css selector", f"footer a[hreflang='{lang}']"))
        assert driver.find_element("tag name", "h1").text.startswith(translate(lang, "Dashboard"))
        titles = [title.get_attribute("textContent")
                  for title in driver.find_elements("css selector", "svg[role=img] > title")]
        assert translate(lang, "People at each stage, women and men") in titles, titles
        assert translate(lang, "People reached over time against the target") in titles, titles
        body = driver.find_element("tag name", "body").text
        assert hidden_marker(lang) in body  # one person left: their figures by sex are hidden
        assert translate(lang, "Milestones of the reach target") in body
        check_page(driver, lang, "dashboard")

        fill(driver, {"period_start": date(2026, 6, 1), "period_end": date(2026, 1, 1)})
        submit(driver, "form.period")
        assert field_error(driver, "period_end") == translate(lang, BACKWARDS)
        assert value_of(driver, "period_start") == "2026-06-01"
        check_page(driver, lang, "dashboard-period-refused")
        driver.get(server.url + "/dashboard")
