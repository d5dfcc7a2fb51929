"""An employer's day in a real browser, once in each language (issue 17): sign in, see the home page's counts,
post a vacancy with its occupation chosen by name (a wage that is no number refused beside its field, then
corrected), find the person a caseworker referred (given name and family-name initial only: no phone, no
family name), invite them to an interview, hire them with the work terms, and end the placement with a reason.

Every page on the way is checked (its language, axe-core, a quiet console) and kept as a screenshot in
<output>/screenshots/<lang>/employer-<step>.png.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from service.clock import utcnow
from service.domain.roles import Role
from service.translations import translate
from tests.browser import world
from tests.browser.support import check_page, field_error, fill, follow, open_details, sign_in, submit

pytestmark = pytest.mark.browser


def text(driver) -> str:
    return driver.find_element("tag name", "body").text


def nav(driver, server, path: str) -> None:
    follow(driver, driver.find_element("css selector", f"header nav a[href='{path}']"))
    assert driver.current_url.split("?", 1)[0] == server.url + path


@pytest.mark.parametrize("lang", ["en", "tr", "sv", "es"])
def test_an_employers_day(server, make_driver, make_web_tenant, lang):
    from tests.api.helpers import ok, url

    tenant = make_web_tenant(lang)
    records = world.build(server, tenant)
    words, today = records.words, utcnow().date()
    caseworker, api = tenant.headers[Role.CASEWORKER], server.app.test_client()
    # The caseworker enrolled the known person in the cohort and referred them to the employer's vacancy.
    ok(api.post(url("/enrolments"), headers=caseworker, json={
        "trainee_id": records.known["id"], "project_id": records.project["id"], "cohort_id": records.cohort["id"],
        "enrolled_on": today.isoformat()}), 201)
    referral = ok(api.post(url(f"/vacancies/{records.vacancy['id']}/referrals"), headers=caseworker,
                           json={"trainee_id": records.known["id"], "note": "Punctual and careful"}), 201)
    shown_name = f"{words.known[0]} {words.known[1][0]}."

    def says(msgid: str, **values) -> str:
        return translate(lang, msgid) % values if values else translate(lang, msgid)

    driver = make_driver(accept_language=lang)
    driver.get(server.url + "/")
    sign_in(driver, server, tenant.emails[Role.EMPLOYER], tenant.password)
    assert driver.current_url == server.url + "/"
    for path in ("/employer/vacancies", "/employer/referrals", "/employer/placements"):
        assert driver.find_elements("css selector", f".employer-desk a[href='{path}']"), path
    check_page(driver, lang, "employer-home")

    # A new vacancy: the occupation chosen by its name; a wage that is no number is refused beside it.
    nav(driver, server, "/employer/vacancies")
    assert words.vacancy in text(driver)
    check_page(driver, lang, "employer-vacancies")
    follow(driver, driver.find_element("css selector", "a[href='/employer/vacancies/new']"))
    title = words.vacancy + " 2"
    fill(driver, {"title": title, "occupation": "51", "positions": "2", "wage_monthly": "abc",
                  "currency": records.currency, "contract_type": "fixed_term", "district": words.district,
                  "closes_on": today})
    submit(driver, "form[action='/employer/vacancies/new']")
    advice = translate(lang, "Write an amount as you write numbers, for example %(example)s.")
    assert field_error(driver, "wage_monthly").startswith(advice.split("%(example)s")[0])
    check_page(driver, lang, "employer-vacancy-refused")
    fill(driver, {"wage_monthly": format_decimal(Decimal("31000.50"), locale=lang)})
    submit(driver, "form[action='/employer/vacancies/new']")
    assert driver.current_url == server.url + "/employer/vacancies"
    assert says("The vacancy “%(title)s” is posted.", title=title) in text(driver)
    check_page(driver, lang, "employer-vacancy-posted")

    # The person referred: a summary only; invited to an interview, then hired.
    nav(driver, server, "/employer/referrals")
    seen = text(driver)
    assert shown_name in seen and records.words.cohort in seen
    assert words.known[1] not in seen and world.phone(tenant.country, "01 02") not in seen
    assert "Punctual" not in driver.page_source
    check_page(driver, lang, "employer-referrals")
    rid = referral["id"]
    submit(driver, f"form[action^='/employer/referrals/{rid}/interview']")
    assert says("%(name)s is invited to an interview.", name=shown_name) in text(driver)
    form = open_details(driver, f"hire-{rid}")
    fill(driver, {"started_on": today, "hours_per_week": "40", "formal-yes": True}, prefix=f"hire-{rid}")
    check_page(driver, lang, "employer-hire-form")
    submit(driver, form)
    assert says("%(name)s is hired: the job is under My placements.", name=shown_name) in text(driver)
    check_page(driver, lang, "employer-hired")

    # The placement, ended with a reason.
    nav(driver, server, "/employer/placements")
    assert shown_name in text(driver) and words.vacancy in text(driver)
    end_form = driver.find_element("css selector", "form[id^='end-']").get_attribute("id")
    form = open_details(driver, end_form)
    fill(driver, {"ended_on": today, "reason": "contract_ended"}, prefix=end_form)
    check_page(driver, lang, "employer-placements")
    submit(driver, form)
    assert says("The job of %(name)s is recorded as ended.", name=shown_name) in text(driver)
    assert not driver.find_elements("css selector", "form[id^='end-']")
    check_page(driver, lang, "employer-placement-ended")
