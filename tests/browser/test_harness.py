"""The browser harness itself: the live server answers a real browser, axe-core catches what it should,
screenshots hold the whole page."""

from __future__ import annotations

import struct
from urllib.parse import quote

import pytest

from tests.browser import support
from tests.browser.support import assert_accessible, screenshot

pytestmark = pytest.mark.browser

CLEAN = ("<!doctype html><html lang='en'><head><title>Clean</title></head><body><main><h1>Clean</h1>"
         "<label for='q'>Name</label><input id='q' name='q'></main></body></html>")
#: An image without a text alternative and an input without a label: both critical to axe-core.
BROKEN = ("<!doctype html><html lang='en'><head><title>Broken</title></head><body><main><h1>Broken</h1>"
          "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' width='20' height='20'>"
          "<input name='q'></main></body></html>")


def _data_url(html: str) -> str:
    return "data:text/html;charset=utf-8," + quote(html)


def test_the_live_server_answers_a_browser(server, driver):
    driver.get(f"{server.url}/healthz")
    assert "ok" in driver.page_source.lower()
    assert ("GET", "/healthz", 200) in server.responses


def test_axe_passes_a_clean_page_and_lists_what_breaks_a_bad_one(driver):
    driver.get(_data_url(CLEAN))
    assert_accessible(driver)
    driver.get(_data_url(BROKEN))
    with pytest.raises(AssertionError) as failure:
        assert_accessible(driver)
    message = str(failure.value)
    assert "image-alt (critical)" in message and "label (critical)" in message
    assert "img" in message and "input" in message  # the elements are named


def test_a_screenshot_holds_the_whole_page(driver, tmp_path, monkeypatch):
    monkeypatch.setattr(support, "OUTPUT", tmp_path)
    driver.get(_data_url("<!doctype html><html lang='en'><title>Tall</title>"
                         "<body style='margin:0'><div style='height:3000px'>tall</div></body></html>"))
    path = screenshot(driver, "tr", "tall")
    assert path == tmp_path / "screenshots" / "tr" / "tall.png"
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width == 1280 and height >= 3000
