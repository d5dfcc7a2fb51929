"""A user's own account in a real browser: the language menu before signing in, the organisation's language
after, the user's own choice saved with the account, and a password change (refused beside its fields
first) that signs out the user's other browser."""

from __future__ import annotations

import pytest

from service.domain.roles import Role
from service.translations import translate
from tests.browser.support import check_page, field_error, fill, follow, open_session, sign_in, submit

pytestmark = pytest.mark.browser
NEW_PASSWORD = "ett nytt och långt lösenord"


def lang_of(driver) -> str:
    return driver.execute_script("return document.documentElement.lang")


def test_languages_and_a_password_change(server, make_driver, make_web_tenant):
    tenant = make_web_tenant("sv")
    email = tenant.emails[Role.MANAGER]
    other = make_driver()  # the same user, signed in on another computer
    open_session(other, server, tenant.user_ids[Role.MANAGER])
    driver = make_driver(accept_language="en")

    # Before signing in the browser's language; the footer's menu switches it.
    driver.get(server.url + "/sign-in")
    assert lang_of(driver) == "en"
    follow(driver, driver.find_element("css selector", "footer a[hreflang=es]"))
    assert "/sign-in" in driver.current_url and lang_of(driver) == "es"
    check_page(driver, "es", "sign-in-menu")
    # Signed in, the choice made in this browser's menu still holds over the organisation's Swedish.
    sign_in(driver, server, email, tenant.password)
    assert lang_of(driver) == "es"
    driver.delete_cookie("pathways_lang")
    driver.get(server.url + "/account")
    assert lang_of(driver) == "sv"  # the organisation's language
    check_page(driver, "sv", "account")

    # The user's own choice, saved with the account: Turkish.
    fill(driver, {"locale": "tr"})
    submit(driver, "form[action='/account/language']")
    assert lang_of(driver) == "tr"
    assert translate("tr", "Your language is saved.") in driver.find_element("tag name", "main").text
    check_page(driver, "tr", "account-language")

    # A password change: the current one wrong and the new ones different, each said beside its field.
    fill(driver, {"current_password": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "."})
    submit(driver, "form[action='/account/password']")
    assert field_error(driver, "confirm") == translate("tr", "The two new passwords are not the same.")
    check_page(driver, "tr", "account-password-error")
    fill(driver, {"current_password": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    submit(driver, "form[action='/account/password']")
    assert field_error(driver, "current_password")
    fill(driver, {"current_password": tenant.password, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    submit(driver, "form[action='/account/password']")
    assert not driver.find_elements("css selector", ".field-error")
    assert driver.current_url.startswith(server.url + "/account")

    # The other computer is signed out; this one is not, and the new password signs in.
    other.get(server.url + "/")
    assert "/sign-in" in other.current_url
    driver.get(server.url + "/")
    assert driver.current_url == server.url + "/"
    follow(driver, driver.find_element("css selector", "form[action='/sign-out'] button"))
    sign_in(driver, server, email, NEW_PASSWORD)
    assert driver.current_url == server.url + "/" and lang_of(driver) == "tr"
