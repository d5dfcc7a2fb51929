"""What a browser test does on a page: screenshots, axe-core checks, signing in, filling and sending forms."""

from __future__ import annotations

import os
from base64 import b64decode
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Where screenshots (and a failed test's pages) go: var/test-output (gitignored) unless PATHWAYS_TEST_OUTPUT.
OUTPUT = Path(os.environ.get("PATHWAYS_TEST_OUTPUT") or REPO / "var" / "test-output")
LANGUAGES = ("en", "tr", "sv", "es")
#: axe-core impacts that fail a page (WCAG 2.1 AA: issue 16 allows none of them).
FAILING_IMPACTS = ("serious", "critical")


def screenshot(driver, lang: str, page: str) -> Path:
    """Save the whole page (not only the window) as <output>/screenshots/<lang>/<page>.png."""
    directory = OUTPUT / "screenshots" / lang
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{page}.png"
    try:
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.write_bytes(b64decode(shot["data"]))
    except Exception:  # noqa: BLE001 - without the DevTools protocol the window is still a fair picture
        driver.save_screenshot(str(path))
    return path


def axe_violations(driver) -> list[dict]:
    """axe-core's violations on the current page, every rule it has (axe-selenium-python ships axe-core)."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    return axe.run()["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:10]:
            target = " ".join(map(str, node["target"]))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}: {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def assert_accessible(driver) -> None:
    """Fail on any serious or critical axe-core violation of the current page, listing each with its elements."""
    failing = [violation for violation in axe_violations(driver) if violation["impact"] in FAILING_IMPACTS]
    lang = driver.execute_script("return document.documentElement.lang")
    assert not failing, (f"axe-core: {len(failing)} serious or critical violation(s) on {driver.current_url} "
                         f"(html lang={lang!r}):\n" + describe_violations(failing))


def console_problems(driver) -> list[str]:
    """What the browser's console reported as severe, other than a resource answered 4xx (a form sent
    back with its errors is a 422, a favicon a 404): a script error, or a style or image the page's
    Content-Security-Policy refused, which would make the page look otherwise than it was built."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and not (entry.get("source") == "network" and " 4" in entry["message"])]


def check_page(driver, lang: str, page: str) -> None:
    """Every page the tests visit: its language attribute, a screenshot, axe-core, and a quiet console."""
    assert driver.execute_script("return document.documentElement.lang") == lang, (
        f"{driver.current_url} is not in {lang!r}")
    screenshot(driver, lang, page)
    assert_accessible(driver)
    problems = console_problems(driver)
    assert not problems, f"the browser's console on {driver.current_url}:\n" + "\n".join(problems)


def field(driver, name: str):
    """The form control of field `name` (the macros give every one the id field-<name>)."""
    return driver.find_element("id", f"field-{name}")


def fill(driver, values: dict[str, str | bool]) -> None:
    """Type into text fields (replacing what is there), choose options of selects by value, tick or
    untick checkboxes (True/False)."""
    from selenium.webdriver.support.select import Select

    for name, value in values.items():
        element = field(driver, name)
        if element.tag_name == "select":
            Select(element).select_by_value(str(value))
        elif element.get_attribute("type") in ("checkbox", "radio"):
            if element.is_selected() != bool(value):
                element.click()
        elif element.get_attribute("type") == "date":
            # Chromium's date input takes typed digits in the browser's own order; set the value instead.
            driver.execute_script("arguments[0].value = arguments[1]", element, value)
        else:
            element.clear()
            element.send_keys(str(value))


def field_error(driver, name: str) -> str:
    """The message shown beside field `name`, checked to be tied to the field for a screen reader."""
    message = driver.find_element("id", f"error-{name}")
    control = field(driver, name)
    described = (control.get_attribute("aria-describedby") or "").split()
    assert f"error-{name}" in described, f"the message beside {name} is not tied to it (aria-describedby)"
    return message.text
