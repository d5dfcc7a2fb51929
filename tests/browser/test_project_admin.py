"""An admin sets up a project in a real browser, once in each language: a new project (a code left out refused
beside its field), a cohort (an end before its start refused beside the field, then corrected), the reach
target typed in the language's own notation, a share target over 100 % refused, then one of 40 % women; the
project's page shows them all. Every page on the way is checked (language, axe-core, a quiet console) and kept
as a screenshot in <output>/screenshots/<lang>/project-admin-*.png."""

from __future__ import annotations

import secrets
from datetime import date

import pytest
from babel.numbers import format_decimal, format_percent

from service.domain.roles import Role
from service.translations import labels, translate
from tests.browser.support import check_page, field_error, fill, follow, open_session, submit, value_of

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "tr", "sv", "es"])
def test_an_admin_sets_up_a_project_with_a_cohort_and_targets(server, driver, make_web_tenant, lang):
    tenant = make_web_tenant(lang)
    open_session(driver, server, tenant.user_ids[Role.ADMIN])

    def says(msgid: str, **values) -> str:
        return translate(lang, msgid) % values if values else translate(lang, msgid)

    def body() -> str:
        return driver.find_element("tag name", "body").text

    driver.get(server.url + "/projects")
    follow(driver, driver.find_element("css selector", "a[href='/projects/new']"))
    check_page(driver, lang, "project-admin-new")
    code = f"P-{secrets.token_hex(3).upper()}"
    fill(driver, {"name": "Roma youth employment", "description": "Cooks and bakers.", "starts_on": date(2026, 1, 1),
                  "ends_on": date(2027, 12, 31)})
    driver.find_element("css selector", "input[name=priority_groups][value=women]").click()
    submit(driver, "form[action='/projects/new']")
    assert field_error(driver, "code")
    assert value_of(driver, "name") == "Roma youth employment"
    check_page(driver, lang, "project-admin-new-refused")
    fill(driver, {"code": code})
    submit(driver, "form[action='/projects/new']")
    assert says("The project is created. Add its cohorts and its targets.") in body()
    project_url = driver.current_url
    check_page(driver, lang, "project-admin-created")

    follow(driver, driver.find_element("css selector", "a[href$='/cohorts/new']"))
    fill(driver, {"name": "Cooks, spring", "occupation": "51", "starts_on": date(2026, 6, 1),
                  "ends_on": date(2026, 3, 1), "capacity": "20", "district": "Konak"})
    submit(driver, "form[action$='/cohorts/new']")
    assert field_error(driver, "ends_on") == says("The end date must not be before the start date.")
    check_page(driver, lang, "project-admin-cohort-refused")
    fill(driver, {"ends_on": date(2026, 9, 30)})
    submit(driver, "form[action$='/cohorts/new']")
    assert says("The cohort is added.") in body() and "Cooks, spring" in body()

    driver.get(project_url)
    follow(driver, driver.find_element("css selector", "a[href$='/targets']"))
    check_page(driver, lang, "project-admin-targets")
    fill(driver, {"reach_target": format_decimal(1400, locale=lang)})
    submit(driver, "form.targets-reach")
    assert says("The reach target is saved.") in body()
    driver.find_element("css selector", "input[name=category][value='sex:female']").click()
    fill(driver, {"min_share": "140"})
    submit(driver, "form.targets-share")
    assert field_error(driver, "min_share") == says("Write a share in per cent, between 0 and 100, for example 40.")
    check_page(driver, lang, "project-admin-share-refused")
    fill(driver, {"min_share": "40"})
    submit(driver, "form.targets-share")
    assert says("The share target is added.") in body()
    check_page(driver, lang, "project-admin-targets-saved")

    driver.get(project_url)
    seen = body().replace("\xa0", " ").replace("\u202f", " ")
    female = labels.label("sex", "female", lang)
    assert format_decimal(1400, locale=lang).replace("\xa0", " ") in seen
    assert female in seen and format_percent(0.4, locale=lang).replace("\xa0", " ") in seen
    check_page(driver, lang, "project-admin-project")
