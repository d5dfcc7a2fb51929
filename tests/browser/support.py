"""What a browser test does on a page: screenshots, axe-core checks, signing in, filling and sending forms."""

from __future__ import annotations

import os
from base64 import b64decode
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Where screenshots (and a failed test's pages) go: var/test-output (gitignored) unless PATHWAYS_TEST_OUTPUT.
OUTPUT = Path(os.environ.get("PATHWAYS_TEST_OUTPUT") or REPO / "var" / "test-output")
LANGUAGES = ("en", "tr", "sv", "es")
#: axe-core itself, Deque's package from the npm registry, pinned in tests/browser/package-lock.json and
#: installed by `make test` (npm ci): axe-selenium-python injects it instead of the one it bundles, axe-core
#: 3.1.1 of 2018, which calls the usual visually hidden label a critical "hidden-explicit-label" (fixed in
#: 3.2) and knows fewer of the WCAG 2.1 rules.
AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
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
    """axe-core's violations on the current page, every rule it has (axe-selenium-python injects and
    runs AXE_SCRIPT)."""
    from axe_selenium_python import Axe

    axe = Axe(driver, script_url=str(AXE_SCRIPT))
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
            related = [related["html"][:160] for check in node.get("any", []) + node.get("all", [])
                       for related in check.get("relatedNodes", [])]
            lines.extend(f"      related: {html}" for html in related[:3])
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
    try:
        assert_accessible(driver)
    finally:  # axe-core first, on the page as it loaded; the picture is kept either way
        screenshot(driver, lang, page)
    problems = console_problems(driver)
    assert not problems, f"the browser's console on {driver.current_url}:\n" + "\n".join(problems)


def control_id(name: str, prefix: str = "field") -> str:
    """The id of a form control: the shared macros use field-<name>; forms that share a page prefix their
    own (a person's page: enrol-<name>, complete-<enrolment id>-<name>; the worklist: fu-<id>-<name>)."""
    return f"{prefix}-{name}"


def error_id(name: str, prefix: str = "field") -> str:
    return f"error-{name}" if prefix == "field" else f"{prefix}-{name}-error"


def field(driver, name: str, prefix: str = "field"):
    return driver.find_element("id", control_id(name, prefix))


def fill(driver, values: dict, prefix: str = "field") -> None:
    """Type into text fields (replacing what is there), choose options of selects by value, tick or
    untick checkboxes (True/False), set dates (date objects)."""
    from selenium.webdriver.support.select import Select

    for name, value in values.items():
        element = field(driver, name, prefix)
        if element.tag_name == "select":
            Select(element).select_by_value(str(value))
        elif element.get_attribute("type") in ("checkbox", "radio"):
            if element.is_selected() != bool(value):
                element.click()
        elif element.get_attribute("type") == "date":
            set_date(driver, element, value)
        else:
            element.clear()
            element.send_keys(str(value))


def value_of(driver, name: str, prefix: str = "field") -> str:
    return field(driver, name, prefix).get_attribute("value")


def field_error(driver, name: str, prefix: str = "field") -> str:
    """The message shown beside field `name`, checked to be tied to its control for a screen reader."""
    message = driver.find_element("id", error_id(name, prefix))
    described = (field(driver, name, prefix).get_attribute("aria-describedby") or "").split()
    assert error_id(name, prefix) in described, f"the message beside {name} is not tied to it (aria-describedby)"
    assert message.text.strip(), f"the message beside {name} is empty"
    return message.text


def open_session(driver, server, user_id) -> None:
    """Sign the browser in as `user_id` without the form (the day's test signs in through it): a web
    session opened as the sign-in page would, its cookie set on the live server's origin."""
    from service.services import web_sessions
    from service.web.auth import COOKIE

    cookie = web_sessions.open_session(server.pathways.uow(), user_id)
    driver.get(f"{server.url}/healthz")  # a cookie is set on the origin the browser is at
    driver.delete_all_cookies()
    driver.add_cookie({"name": COOKIE, "value": cookie, "path": "/", "httpOnly": True, "sameSite": "Lax"})


def status_of(server, path: str) -> int:
    """The status the live server last answered for `path` (a redirect's target is a request of its own)."""
    for method, full_path, status in reversed(server.responses):
        if method == "GET" and full_path.split("?", 1)[0] == path.split("?", 1)[0]:
            return status
    raise AssertionError(f"the server answered no GET {path}")


def set_date(driver, element, day) -> None:
    """Put an ISO date into a date input. Chromium's date input takes typed digits in the order of the
    browser's own locale, so the value is set as a date picker would leave it."""
    driver.execute_script("arguments[0].value = arguments[1]", element, day.isoformat())


def follow(driver, element) -> None:
    """Click a link or a button that loads a page, and wait until the new page has replaced this one."""
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.wait import WebDriverWait

    page = driver.find_element("tag name", "html")
    element.click()
    WebDriverWait(driver, 20).until(staleness_of(page))
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def submit(driver, form: str) -> None:
    """Send the form matched by CSS selector `form` with its main button (the first submit button without a
    name of its own) and wait for the page that answers. Found by selector just before the click, and once
    more if Chromium's driver lost track of the element meanwhile (it reported the node gone from its
    document once in a few hundred runs, with no navigation in between)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    for attempt in (1, 2):
        try:
            element = driver.find_element("css selector", form)
            buttons = [button for button in element.find_elements(
                "css selector", "button[type=submit], button:not([type])") if not button.get_attribute("name")]
            assert buttons, f"form {form} has no submit button"
            follow(driver, buttons[0])
            return
        except (StaleElementReferenceException, WebDriverException) as error:
            lost = isinstance(error, StaleElementReferenceException) or "does not belong to the document" in str(error)
            if attempt == 2 or not lost:
                raise


def open_details(driver, form_id: str) -> str:
    """Open the <details> holding form `form_id` (a person's page keeps its actions folded); the form's selector."""
    summary = driver.find_element("css selector", f"details:has(#{form_id}) > summary")
    if summary.find_element("xpath", "..").get_attribute("open") is None:
        summary.click()
    return f"#{form_id}"


def sign_in(driver, server, email: str, password: str) -> None:
    """Fill in and send the sign-in form the browser is on."""
    fill(driver, {"email": email, "password": password})
    submit(driver, "form[action='/sign-in']")
