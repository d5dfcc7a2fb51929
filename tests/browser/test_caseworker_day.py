"""A caseworker's day in a real browser, once in each language (issue 16): sign in (a wrong password
first), find a person by a name typed without its accents, register a person (an identity number with a
wrong check digit refused beside its field, the typed values kept, then corrected), register someone
already known under another spelling (the warning names the registered person before anything is saved),
enrol, complete (or drop out), refer to an open vacancy, record the follow-up the exit scheduled (a wage
that is no number refused beside its field, then corrected), look at the projects and the account page,
sign out. Some languages do more on the person's page (see EDITED, DROP_OUT, HIRED, JOB_FOUND).

Every page on the way is checked (its language, axe-core, a quiet console) and kept as a screenshot in
<output>/screenshots/<lang>/<step>.png. Texts are compared with the catalogues the pages read, so a page
that falls back to English in Turkish fails here.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from service.clock import utcnow
from service.domain import national_ids
from service.translations import labels, translate
from tests.browser import world
from tests.browser.support import check_page, field_error, fill, follow, open_details, sign_in, submit, value_of

pytestmark = pytest.mark.browser

NEW_BIRTH = date(2001, 8, 9)
#: Each day ends the enrolment and finds work its own way, so that every action of a person's page is
#: done in one language at least: details edited in Turkish; completed elsewhere, dropped out in Swedish;
#: invited to an interview and hired through the referral in English, a job found without one (and its
#: end) in Spanish.
EDITED = ("tr",)
DROP_OUT = ("sv",)
HIRED = ("en",)
JOB_FOUND = ("es",)
WAGE = Decimal("28500.50")


def text(driver) -> str:
    return driver.find_element("tag name", "body").text


def written(number: str) -> str:
    """A number as the browser's text shows it: Selenium reads a no-break space (Swedish groups) as a space."""
    return number.replace("\xa0", " ").replace("\u202f", " ")


def local_dates(day: date, lang: str) -> set[str]:
    return {format_date(day, length, locale=lang) for length in ("short", "medium", "long")}


def shows_date(driver, day: date, lang: str) -> bool:
    body = text(driver)
    return any(written in body for written in local_dates(day, lang))


def nav(driver, server, path: str) -> None:
    """Follow the main menu's link to `path`, as a caseworker would."""
    follow(driver, driver.find_element("css selector", f"header nav a[href='{path}']"))
    assert driver.current_url.split("?", 1)[0] == server.url + path


def wrong_number(country: str, good: str) -> str:
    """The number with a wrong check digit (TCKN, personnummer), or, for a cédula, which has none, one that
    begins with 0 (the Registraduría never issues such)."""
    if country == "CO":
        return "0" + good
    return good[:-1] + str((int(good[-1]) + 1) % 10)


@pytest.mark.parametrize("lang", ["tr", "en", "sv", "es"])
def test_a_caseworkers_day(server, make_driver, make_web_tenant, lang):
    tenant = make_web_tenant(lang)
    records = world.build(server, tenant)
    words = records.words
    today = utcnow().date()
    driver = make_driver(accept_language=lang)  # before signing in, a page speaks the browser's language

    def says(msgid: str, **values) -> str:
        return translate(lang, msgid) % values if values else translate(lang, msgid)

    def label(kind: str, value: str) -> str:
        return labels.label(kind, value, lang)

    # Signing in: a page asked for before leads to the sign-in form, and back to it after.
    driver.get(server.url + "/")
    assert "/sign-in" in driver.current_url
    check_page(driver, lang, "sign-in")
    email = tenant.emails["caseworker"]
    sign_in(driver, server, email, "not the password at all")
    assert field_error(driver, "password") == says("The email address or password is wrong.")
    assert value_of(driver, "email") == email
    check_page(driver, lang, "sign-in-refused")
    sign_in(driver, server, email, tenant.password)
    assert driver.current_url == server.url + "/"
    check_page(driver, lang, "home")
    # The home page lists my overdue follow-up: the person I enrolled who left two months ago.
    assert " ".join(words.overdue) in text(driver)

    # Searching by a name typed without its letters: "gulsen kilic" finds Gülşen Kılıç.
    quick = driver.find_element("id", "quick-search")
    quick.send_keys(words.search)
    submit(driver, "form[role=search]")
    assert driver.current_url.startswith(server.url + "/people?")
    known_link = driver.find_element("css selector", f"a[href='/people/{records.known['id']}']")
    assert known_link.text == f"{words.known[1]}, {words.known[0]}"
    check_page(driver, lang, "search")
    follow(driver, known_link)
    assert driver.find_element("tag name", "h1").text == " ".join(words.known)
    assert shows_date(driver, world.KNOWN_BIRTH, lang), f"the birth date is not written in {lang}"
    check_page(driver, lang, "person")

    # Registering: the number's check digit is wrong, said beside it; what was typed stays.
    nav(driver, server, "/people/new")
    check_page(driver, lang, "register")
    scheme = national_ids.default_scheme(tenant.country)
    number = world.national_id(random.Random(), tenant.country, NEW_BIRTH, "male")
    fill(driver, {"given_name": words.new[0], "family_name": words.new[1], "sex": "male",
                  "birth_date": NEW_BIRTH, "phone": world.phone(tenant.country, "03 04"), "district": words.district,
                  "settlement_type": "urban", "education_level": "upper_secondary", "labour_status": "unemployed",
                  "documents-0-type": scheme, "documents-0-number": wrong_number(tenant.country, number),
                  "consent": True})
    submit(driver, "form[action='/people/new']")
    assert field_error(driver, "documents-0-number")
    assert driver.find_element("id", "error-summary")
    assert value_of(driver, "given_name") == words.new[0] and value_of(driver, "family_name") == words.new[1]
    assert value_of(driver, "birth_date") == NEW_BIRTH.isoformat()
    assert driver.find_element("id", "field-consent").is_selected()
    check_page(driver, lang, "register-error")
    fill(driver, {"documents-0-number": number})
    submit(driver, "form[action='/people/new']")
    new_name = " ".join(words.new)
    assert driver.find_element("tag name", "h1").text == new_name
    assert says("%(name)s is registered.", name=new_name) in text(driver)
    person_url = driver.current_url
    check_page(driver, lang, "person-registered")
    if lang in EDITED:
        # A new phone number, mistyped first.
        follow(driver, driver.find_element("css selector", "a[href$='/edit']"))
        check_page(driver, lang, "person-edit")
        fill(driver, {"phone": "05"}, prefix="edit")
        submit(driver, "form[action$='/edit']")
        assert field_error(driver, "phone", prefix="edit")
        check_page(driver, lang, "person-edit-error")
        fill(driver, {"phone": world.phone(tenant.country, "55 66")}, prefix="edit")
        submit(driver, "form[action$='/edit']")
        assert driver.current_url.split("#", 1)[0] == person_url
        assert says("The details are saved.") in text(driver) and world.phone(tenant.country, "55 66") in text(driver)

    # Registering someone known under another spelling: the registered person is named before saving.
    nav(driver, server, "/people/new")
    fill(driver, {"given_name": words.again[0], "family_name": words.again[1], "sex": "female",
                  "birth_date": world.KNOWN_BIRTH, "settlement_type": "urban", "education_level": "upper_secondary",
                  "labour_status": "unemployed", "no_document_reason": "none_held", "consent": True})
    submit(driver, "form[action='/people/new']")
    duplicates = driver.find_element("id", "duplicates")
    candidate = duplicates.find_element("css selector", f"a[href='/people/{records.known['id']}']")
    assert candidate.text == " ".join(words.known)
    check_page(driver, lang, "register-duplicate")
    follow(driver, candidate)  # it is the same person: open their page instead of registering them again
    assert driver.find_element("tag name", "h1").text == " ".join(words.known)

    # Enrolling the new person in the project's cohort.
    driver.get(person_url)
    form = open_details(driver, "enrol")
    fill(driver, {"project_id": records.project["id"], "cohort_id": records.cohort["id"]}, prefix="enrol")
    submit(driver, form)
    row = driver.find_element("css selector", "section[aria-labelledby=enrolments] tbody tr")
    assert records.project["code"] in row.text and label("enrolment_status", "enrolled") in row.text
    assert words.cohort in row.text
    check_page(driver, lang, "person-enrolled")

    if lang in DROP_OUT:
        # Leaving early: the drop-out with its reason.
        form_id = driver.find_element("css selector", "form[id^='drop-out-']").get_attribute("id")
        form = open_details(driver, form_id)
        fill(driver, {"exited_on": today, "reason": "family_care"}, prefix=form_id)
        submit(driver, form)
        row = driver.find_element("css selector", "section[aria-labelledby=enrolments] tbody tr")
        assert label("enrolment_status", "dropped_out") in row.text and label("exit_reason", "family_care") in row.text
        check_page(driver, lang, "person-dropped-out")
    else:
        # Completing the enrolment today, with a qualification.
        form_id = driver.find_element("css selector", "form[id^='complete-']").get_attribute("id")
        form = open_details(driver, form_id)
        fill(driver, {"exited_on": today, "qualification_gained-yes": True}, prefix=form_id)
        submit(driver, form)
        row = driver.find_element("css selector", "section[aria-labelledby=enrolments] tbody tr")
        assert label("enrolment_status", "completed") in row.text, row.text
        check_page(driver, lang, "person-completed")

    # Referring the person to the employer's open vacancy.
    form = open_details(driver, "refer")
    fill(driver, {"vacancy_id": records.vacancy["id"], "note": "✓"}, prefix="refer")
    submit(driver, form)
    row = driver.find_element("css selector", "section[aria-labelledby=referrals] tbody tr")
    assert words.vacancy in row.text and words.employer in row.text
    assert label("referral_status", "referred") in row.text
    check_page(driver, lang, "person-referred")

    # The exit scheduled the follow-ups (the outcomes worker, here drained in process); the exit checkpoint
    # is due today on the worklist, after the overdue one.
    server.drain()
    nav(driver, server, "/follow-ups")
    check_page(driver, lang, "worklist")
    rows = driver.find_elements("css selector", "tbody tr")
    names = [row.find_element("css selector", "td").text.split("\n")[0] for row in rows]
    assert names.index(" ".join(words.overdue)) < names.index(new_name), names
    row = rows[names.index(new_name)]
    row_id = row.get_attribute("id").removeprefix("follow-up-")
    prefix = f"fu-{row_id}"
    fill(driver, {"outcome": "employed", "wage_monthly": "twenty thousand"}, prefix=prefix)
    submit(driver, f"form:has(#{prefix}-outcome)")
    assert field_error(driver, "wage_monthly", prefix=prefix)
    assert value_of(driver, "wage_monthly", prefix=prefix) == "twenty thousand"
    check_page(driver, lang, "worklist-error")
    # The wage as the reader writes numbers: 28.500,5 in Turkish, 28 500,5 in Swedish.
    fill(driver, {"wage_monthly": format_decimal(WAGE, locale=lang)}, prefix=prefix)
    submit(driver, f"form:has(#{prefix}-outcome)")
    assert says("Recorded: %(checkpoint)s, %(outcome)s.", checkpoint=label("follow_up_checkpoint", "exit"),
                outcome=label("employment_status", "employed")) in text(driver)
    assert not driver.find_elements("id", f"follow-up-{row_id}")  # done: no longer on the list of open ones
    check_page(driver, lang, "worklist-recorded")

    # The person's page shows the whole story: enrolment, referral and the recorded follow-up.
    driver.get(person_url)
    timeline = driver.find_element("css selector", "section[aria-labelledby=follow-ups]")
    assert label("follow_up_status", "recorded") in timeline.text
    assert label("employment_status", "employed") in timeline.text
    # The wage as money is written where the person lives: ₺28.500,50; 28 500,50 kr; 28.500 COP (no centavos).
    assert written(format_currency(WAGE, records.currency, locale=lang)) in timeline.text, timeline.text
    check_page(driver, lang, "person-followed-up")

    if lang in HIRED:
        # The employer took the person on: the hire recorded on the referral, the vacancy's terms offered.
        submit(driver, "form[action$='/interview']")
        assert label("referral_status", "interviewing") in driver.find_element(
            "css selector", "section[aria-labelledby=referrals] tbody").text
        card = driver.find_element("css selector", "[id^='referral-'].card")
        form_id = card.find_element("css selector", "form[id^='hire-']").get_attribute("id")
        form = open_details(driver, form_id)
        assert value_of(driver, "currency", prefix=form_id) == records.currency
        fill(driver, {"started_on": today, "hours_per_week": "40", "formal-yes": True}, prefix=form_id)
        submit(driver, form)
        jobs = driver.find_element("css selector", "section[aria-labelledby=placements] tbody")
        assert words.employer in jobs.text and words.vacancy in jobs.text
        assert label("referral_status", "hired") in driver.find_element(
            "css selector", "section[aria-labelledby=referrals] tbody").text
        check_page(driver, lang, "person-hired")
    if lang in JOB_FOUND:
        # A job the person found without a referral, the wage written the local way.
        form = open_details(driver, "job")
        fill(driver, {"employer_id": records.employer["id"], "started_on": today,
                      "wage_monthly": format_decimal(Decimal("1450000"), locale=lang), "hours_per_week": "40",
                      "contract_type": "permanent", "formal-yes": True}, prefix="job")
        submit(driver, form)
        jobs = driver.find_element("css selector", "section[aria-labelledby=placements] tbody")
        assert words.employer in jobs.text
        assert written(format_currency(Decimal("1450000"), records.currency, locale=lang)) in jobs.text, jobs.text
        check_page(driver, lang, "person-job-found")
        # The job ended: its end recorded with the reason.
        form_id = driver.find_element("css selector", "form[id^='end-']").get_attribute("id")
        submit_end = open_details(driver, form_id)
        fill(driver, {"ended_on": today, "reason": "contract_ended"}, prefix=form_id)
        submit(driver, submit_end)
        jobs = driver.find_element("css selector", "section[aria-labelledby=placements] tbody")
        assert label("placement_end_reason", "contract_ended") in jobs.text, jobs.text

    # The projects: capacity and who is enrolled.
    nav(driver, server, "/projects")
    check_page(driver, lang, "projects")
    follow(driver, driver.find_element("css selector", f"a[href='/projects/{records.project['id']}']"))
    assert words.project in text(driver) and words.cohort in text(driver)
    check_page(driver, lang, "project")

    # The account page (language, password), then signing out.
    follow(driver, driver.find_element("css selector", "header a[href='/account']"))
    check_page(driver, lang, "account")
    follow(driver, driver.find_element("css selector", "form[action='/sign-out'] button"))
    assert "/sign-in" in driver.current_url
    assert says("You have signed out.") in text(driver)
    check_page(driver, lang, "signed-out")
