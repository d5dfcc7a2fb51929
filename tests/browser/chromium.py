"""Debian's chromium and chromium-driver for the browser tests: found on the PATH, or installed with apt-get.

`make test` runs `python -m tests.browser.chromium` first, as `make bench` installs wrk: nothing is
downloaded from anywhere but Debian's archive (Selenium Manager never runs; the tests name both
executables). Where apt-get cannot install them (not root, no archive), it says so and the browser
tests skip, or fail when REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = ("chromium", "chromium-driver")
#: Debian installs the browser as `chromium` and its driver as `chromedriver` in /usr/bin.
BROWSER_NAMES = ("chromium", "chromium-browser")
DRIVER_NAMES = ("chromedriver",)


def find() -> tuple[str, str] | None:
    """(browser, driver) paths, or None when either is missing. PATHWAYS_CHROMIUM / PATHWAYS_CHROMEDRIVER
    name them where they are not on the PATH."""
    browser = _which((os.environ["PATHWAYS_CHROMIUM"],) if "PATHWAYS_CHROMIUM" in os.environ else BROWSER_NAMES)
    driver = _which((os.environ["PATHWAYS_CHROMEDRIVER"],) if "PATHWAYS_CHROMEDRIVER" in os.environ
                    else DRIVER_NAMES)
    return (browser, driver) if browser and driver else None


def _which(names: tuple[str, ...]) -> str | None:
    """The first of `names` that is an executable (a name on the PATH, or a path)."""
    return next((path for path in map(shutil.which, names) if path), None)


def ensure() -> tuple[str, str] | None:
    """Install the packages with apt-get when either executable is missing; the paths, or None."""
    found = find()
    if found or not shutil.which("apt-get"):
        return found
    apt = {"env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, "stdout": subprocess.DEVNULL}
    install = ["apt-get", "install", "-y", "-q", *PACKAGES]
    if subprocess.run(install, **apt).returncode != 0:
        # No package lists yet (a fresh image): read them once, then try again.
        if subprocess.run(["apt-get", "update", "-q"], **apt).returncode == 0:
            subprocess.run(install, **apt)
    return find()


def main() -> int:
    found = ensure()
    if found:
        print(f"browser tests: {found[0]} driven by {found[1]}")
        return 0
    print("browser tests: Debian's chromium and chromium-driver are missing and apt-get could not install them "
          "(run as root, or `apt-get install chromium chromium-driver`); the browser tests will skip, "
          "or fail with REQUIRE_SERVICES=1", file=sys.stderr)
    # Not an error here: the suite decides (a skip, or a failure under REQUIRE_SERVICES=1).
    return 0


if __name__ == "__main__":
    sys.exit(main())
