"""A manager's figures in a real browser, once in each language (issue 17, Managers 3 and 4): the figures'
index, the ESF+ pack for a period (a reversed period refused beside its field first), a row's definition
opened from the table, and the pack downloaded as XLSX and read back with openpyxl (header block, the
period, the marker of a hidden cell). Screenshots in <output>/screenshots/<lang>/figures-*.png.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from service.clock import utcnow
from service.domain.roles import Role
from service.metrics.labels import hidden_marker, value_label
from service.translations import translate
from tests import factories
from tests.browser.world import WORDS, person_body
from tests.browser.support import LANGUAGES, check_page, field_error, fill, follow, open_session, submit

pytestmark = pytest.mark.browser


def _programme(server, tenant) -> dict:
    """A project with three women and one man enrolled this year: the man's cells are hidden."""
    from tests.api.helpers import ok, url

    client = server.app.test_client()
    admin, caseworker = tenant.headers[Role.ADMIN], tenant.headers[Role.CASEWORKER]
    today = utcnow().date()
    project = ok(client.post(url("/projects"), headers=admin, json=factories.project_body(
        starts_on=(today - timedelta(days=200)).isoformat())), 201)
    for number, sex in enumerate(("female", "female", "female", "male")):
        person = ok(client.post(url("/trainees"), headers=caseworker, json=person_body(
            WORDS[tenant.locale], (f"P{number}", WORDS[tenant.locale].known[1]), tenant.country, sex=sex,
            birth_date=f"199{number}-03-0{number + 1}", no_document_reason="lost_or_stolen")), 201)
        ok(client.post(url("/enrolments"), headers=caseworker, json={
            "trainee_id": person["id"], "project_id": project["id"],
            "enrolled_on": (today - timedelta(days=30)).isoformat()}), 201)
    server.drain()
    return project


def _download(driver, link, directory: Path) -> Path:
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(directory)})
    name = link.get_attribute("href")
    link.click()
    for _attempt in range(100):
        done = [path for path in directory.glob("*.xlsx")]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing downloaded from {name}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_pack_its_definitions_and_its_download(server, make_driver, make_web_tenant, tmp_path, lang):
    tenant = make_web_tenant(lang)
    _programme(server, tenant)
    driver = make_driver(accept_language=lang)
    open_session(driver, server, tenant.user_ids[Role.MANAGER])
    driver.get(server.url + "/figures")
    check_page(driver, lang, "figures")

    follow(driver, driver.find_element("css selector", "a[href='/figures/esf']"))
    start, end = date(utcnow().year, 1, 1), date(utcnow().year, 12, 31)
    fill(driver, {"period_start": end, "period_end": start})
    submit(driver, "form.figure-form")
    assert field_error(driver, "period_end") == translate(lang, "The end of the period must not be before its start.")
    check_page(driver, lang, "figures-esf-refused")
    fill(driver, {"period_start": start, "period_end": end})
    submit(driver, "form.figure-form")
    assert not driver.find_elements("css selector", ".field-error")
    check_page(driver, lang, "figures-esf")
    marker = hidden_marker(lang)
    assert marker in [cell.text for cell in driver.find_elements("css selector", "td.hidden-cell")]

    # A row's definition, one click away.
    participants = value_label("indicator", "participants", lang)
    link = driver.find_element("css selector", "table[data-table=indicators] a[href='#def-participants']")
    assert link.text == participants
    link.click()
    assert driver.current_url.endswith("#def-participants")
    definition = driver.find_element("id", "def-participants")
    assert definition.is_displayed() and definition.text == participants
    assert driver.execute_script("return document.querySelector(':target').id") == "def-participants"
    check_page(driver, lang, "figures-esf-definition")

    # The download: the period in its name, the header block and the marker inside.
    saved = _download(driver, driver.find_element("css selector", ".figure-downloads a[href*='format=xlsx']"),
                      tmp_path)
    assert saved.name == f"pathways-esf-{start.isoformat()}_{end.isoformat()}.xlsx"
    workbook = load_workbook(saved)
    sheet = workbook.worksheets[0]
    header = {row[0].value: row[1].value for row in sheet.iter_rows(max_row=10) if row[0].value}
    assert header[translate(lang, "Period start")].date() == start
    assert header[translate(lang, "Minimum cell size")] == 5
    assert any(cell.value == marker for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row)
