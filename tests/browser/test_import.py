"""An admin imports a file in a real browser: a Turkish-headed CSV with one bad row is uploaded, its columns are
found by their Turkish headers, the preview tells the bad row's error in Turkish with its value, the import
is started and its page refreshes itself (no script) until it is done; screenshots in en, tr, sv and es."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from service.domain.roles import Role
from service.imports import jobs
from service.translations import translate
from tests import factories
from tests.browser.support import check_page, follow, open_session, submit

pytestmark = pytest.mark.browser
HEADER = "Ad;Soyad;TC Kimlik No;Cinsiyet;Doğum Tarihi;Yerleşim;Eğitim Durumu;Çalışma Durumu;Onay\n"


def _in(driver, lang: str) -> None:
    follow(driver, driver.find_element("css selector", f"footer a[hreflang={lang}]"))


def test_an_admin_imports_a_turkish_file(server, driver, make_web_tenant, tmp_path):
    tenant = make_web_tenant("tr")
    rows = "".join(f"{given};{family};{factories.tckn()};female;{birth};urban;upper_secondary;unemployed;evet\n"
                   for given, family, birth in (("Ayşe", "Kaya", "2001-04-02"), ("Elif", "Demir", "31.02.1998"),
                                                ("Zehra", "Şahin", "1999-12-01")))
    upload = tmp_path / "kursiyerler.csv"
    upload.write_text(HEADER + rows, encoding="utf-8")
    open_session(driver, server, tenant.user_ids[Role.ADMIN])
    driver.get(server.url + "/admin/import")
    check_page(driver, "tr", "import-upload")
    driver.find_element("id", "field-file").send_keys(str(upload))
    submit(driver, "form[enctype='multipart/form-data']")

    # The columns, found by their Turkish headers.
    assert "/columns" in driver.current_url
    chosen = [select.get_attribute("value") for select in driver.find_elements("css selector", "main select")]
    assert chosen == ["given_name", "family_name", "national_id", "sex", "birth_date", "settlement_type",
                      "education_level", "labour_status", "consent"]
    check_page(driver, "tr", "import-columns")
    submit(driver, "main form")

    # The preview: the bad row's value and its error in Turkish.
    problems = driver.find_element("css selector", "table.import-problems").text
    assert "31.02.1998" in problems and translate("tr", "Not a valid date.") in problems
    for lang in ("tr", "en", "sv", "es"):
        _in(driver, lang)
        check_page(driver, lang, "import-preview")
    _in(driver, "tr")
    submit(driver, "form[action$='/start']")
    assert translate("tr", "Waiting to start") in driver.find_element("tag name", "main").text

    # The worker's part (workers/imports.py does the same), then the page refreshes itself to the outcome.
    assert jobs.run_next(server.pathways) is not None
    WebDriverWait(driver, 20).until(
        lambda d: translate("tr", "Done") in d.find_element("css selector", ".import-status").text)
    outcome = driver.find_element("css selector", "table.import-outcome").text
    assert "2" in outcome and "1" in outcome
    for lang in ("tr", "en", "sv", "es"):
        _in(driver, lang)
        check_page(driver, lang, "import-done")
