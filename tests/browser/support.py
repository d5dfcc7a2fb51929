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
