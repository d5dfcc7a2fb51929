"""A caseworker opens a person's consent page from the person's page, withdraws follow-up contact, and sees it
withdrawn; in each of the four languages, with screenshots (var/test-output/screenshots/<lang>/consent-*.png)."""

from __future__ import annotations

import pytest

from service.domain.roles import Role
from tests.browser import world
from tests.browser.support import check_page, follow, open_session, screenshot, submit
from tests.api.helpers import ok, url

#: The withdrawn row's words: "Withdrawn on <day>".
WITHDRAWN = {"en": "Withdrawn on", "tr": "tarihinde geri çekildi", "sv": "Återkallat", "es": "Retirado el"}


@pytest.mark.parametrize("lang", ["en", "tr", "sv", "es"])
def test_a_caseworker_withdraws_follow_up_contact(server, driver, make_web_tenant, lang):
    tenant = make_web_tenant(lang)
    words = world.WORDS[lang]
    client = server.app.test_client()
    person = ok(client.post(url("/trainees"), headers=tenant.headers[Role.CASEWORKER], json=world.person_body(
        words, words.known, tenant.country, no_document_reason="lost_or_stolen")), 201)
    open_session(driver, server, tenant.user_ids[Role.CASEWORKER])
    driver.get(f"{server.url}/people/{person['id']}")
    follow(driver, driver.find_element("css selector", f"a[href='/people/{person['id']}/consent']"))
    check_page(driver, lang, "consent-person")
    driver.find_element("css selector", "input[name=purposes][value=follow_up_contact]").click()
    submit(driver, "form[action$='/consent/withdraw']")
    check_page(driver, lang, "consent-withdrawn")
    assert WITHDRAWN[lang] in driver.find_element("tag name", "main").text
    screenshot(driver, lang, "consent-withdrawn")
