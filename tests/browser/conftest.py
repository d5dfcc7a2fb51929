"""Browser test fixtures: the app served over real HTTP on a committed PostgreSQL database, headless Chromium
driven by Selenium, organisations whose users sign in with passwords, screenshots and axe-core checks.

Why PostgreSQL: the browser and the server are different threads with their own connections, so what a
page writes must really be committed (the rolled-back transaction of `pg_pathways` cannot be shared),
and PostgreSQL is what production runs. Every organisation the server or a fixture creates is deleted at
the end of the session with everything that names it (`tests.conftest._delete_organisations`).

Chromium is Debian's (`make test` installs it, see tests/browser/chromium.py); when it is missing the
tests skip, or fail with REQUIRE_SERVICES=1, like the PostgreSQL ones. What a test does on a page
(screenshot, assert_accessible, sign_in) is in tests/browser/support.py.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
import traceback
import uuid
from dataclasses import dataclass, field

import pytest
from flask import got_request_exception, request
from sqlalchemy import event
from werkzeug.serving import WSGIRequestHandler, make_server

from service.app import create_app
from service.bootstrap import Pathways
from service.config import Config
from service.db.models import Organisation
from service.db.session import make_session_factory
from service.domain.roles import Role
from service.services import organisations, users
from service.services.pii import NationalIdVault
from tests.browser import chromium
from tests.browser.support import OUTPUT
from tests.browser.world import set_password
from tests.browser.support import AXE_SCRIPT
from tests.conftest import PG_URL, TEST_KEYS, _delete_organisations, _unavailable, draining

# Selenium Manager would download a browser or a driver when it cannot find one: never. The driver is
# always named explicitly below, and offline mode makes any attempt fail instead of fetching.
os.environ.setdefault("SE_OFFLINE", "true")

#: A language's organisation: its country (national identity numbers, currency) and its default locale.
COUNTRIES = {"en": "TR", "tr": "TR", "sv": "SE", "es": "CO"}
WINDOW = (1280, 900)
PASSWORD = "correct horse battery staple"


# ---------------------------------------------------------------- the server


@dataclass
class LiveServer:
    """The app on a real port; every response's (method, path, status) and every exception it raised."""

    url: str
    app: object
    pathways: Pathways
    responses: list[tuple[str, str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def drain(self) -> int:
        """Deliver the outbox to the consumers, as the relay and workers of `make run` would (follow-ups
        are scheduled by the outcomes consumer when an enrolment ends)."""
        return draining(self.pathways)()


class _ErrorLog(logging.Handler):
    """Errors logged while serving (an error page hides its exception from the browser)."""

    def __init__(self, errors: list[str]):
        super().__init__(logging.ERROR)
        self.errors = errors
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record):
        if threading.current_thread().name != "MainThread":
            self.errors.append(self.format(record))


class _QuietHandler(WSGIRequestHandler):
    """Requests are recorded by the app (LiveServer.responses); the per-request log line is noise."""

    def log_request(self, code="-", size="-"):
        pass


#: Organisations the browser tests committed and not yet deleted, and the engine they are in.
_CREATED: set[uuid.UUID] = set()
_ENGINES: list = []


@pytest.fixture(scope="session")
def browser_pathways(pg_engine):
    """Pathways on the session's migrated PostgreSQL database with really committing sessions. The
    organisations created are deleted after each test module (`_delete_after_module`): the rest of the
    suite shares the database and must not see them (nor drain their events)."""
    session_factory = make_session_factory(pg_engine)

    @event.listens_for(session_factory, "after_flush")
    def _remember_organisations(session, _context):
        _CREATED.update(obj.id for obj in session.new if isinstance(obj, Organisation))

    config = Config(database_url=PG_URL, **TEST_KEYS)
    _ENGINES.append(pg_engine)
    yield Pathways(config=config, engine=pg_engine, session_factory=session_factory,
                   vault=NationalIdVault(config.pii_hash_key, config.pii_encryption_key))
    _ENGINES.remove(pg_engine)


@pytest.fixture(scope="module", autouse=True)
def _delete_after_module():
    """Delete what a module's tests committed, with everything that names their organisations."""
    yield
    if _ENGINES and _CREATED:
        _delete_organisations(_ENGINES[0], set(_CREATED))
        _CREATED.clear()


@pytest.fixture(scope="session")
def live_server(browser_pathways):
    """create_app served by werkzeug on 127.0.0.1 (a free port) in a thread, for the whole session."""
    app = create_app(pathways=browser_pathways)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, pathways=browser_pathways)

    @app.after_request
    def _record(response):
        live.responses.append((request.method, request.full_path.rstrip("?"), response.status_code))
        return response

    def _exception(_sender, exception, **_extra):
        live.errors.append(f"{request.method} {request.full_path}: "
                           + "".join(traceback.format_exception(exception)))

    got_request_exception.connect(_exception, app)
    # Page errors are answered with an error page and logged (service/web/errors.py): keep what is logged.
    handler = _ErrorLog(live.errors)
    logging.getLogger().addHandler(handler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def server(live_server):
    """The live server for one test, which fails if any request raised or answered 5xx during it."""
    responses, errors = len(live_server.responses), len(live_server.errors)
    yield live_server
    new_errors = live_server.errors[errors:]
    failed = [entry for entry in live_server.responses[responses:] if entry[2] >= 500]
    assert not new_errors and not failed, (
        "the server failed during the test:\n" + "\n".join(f"{m} {p} -> {s}" for m, p, s in failed)
        + "\n" + "\n".join(new_errors))


# ---------------------------------------------------------------- organisations and users


@dataclass
class WebTenant:
    """An organisation whose users (one per role) sign in with `PASSWORD`."""

    organisation_id: uuid.UUID
    slug: str
    locale: str
    country: str
    emails: dict[Role, str]
    user_ids: dict[Role, uuid.UUID]
    #: Bearer headers per role, for preparing data through the API (never what a page test checks).
    headers: dict[Role, dict[str, str]]
    password: str = PASSWORD


@pytest.fixture(scope="session")
def make_web_tenant(browser_pathways):
    """make_web_tenant(lang): a new organisation in that language, with an admin, a caseworker and a manager
    who have passwords. Emails carry a random part: the database outlives one test."""

    def make(lang: str = "en", *, country: str | None = None) -> WebTenant:
        pathways = browser_pathways
        country = country or COUNTRIES[lang]
        tag = secrets.token_hex(4)
        slug = f"web-{lang}-{tag}"
        organisation, admin, token = organisations.bootstrap(
            pathways.uow(), slug=slug, name=f"Pathways {lang.upper()} {tag}", country=country,
            admin_email=f"admin-{tag}@{slug}.example", locale=lang)
        principal = users.authenticate(pathways.uow(), token)
        emails = {Role.ADMIN: admin.email}
        ids = {Role.ADMIN: admin.id}
        headers = {Role.ADMIN: {"Authorization": f"Bearer {token}"}}
        for role in (Role.CASEWORKER, Role.MANAGER):
            user, role_token = users.create(pathways.uow(actor_id=admin.id), principal,
                                            {"email": f"{role.value}-{tag}@{slug}.example", "role": role})
            emails[role], ids[role] = user.email, user.id
            headers[role] = {"Authorization": f"Bearer {role_token}"}
        for user_id in ids.values():
            set_password(pathways, user_id, PASSWORD)
        return WebTenant(organisation_id=organisation.id, slug=slug, locale=lang, country=country,
                         emails=emails, user_ids=ids, headers=headers)

    return make


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def chromium_paths():
    found = chromium.find()
    if not found:
        _unavailable("Debian's chromium and chromium-driver are not installed (make test installs them)")
    if not AXE_SCRIPT.is_file():
        _unavailable(f"axe-core is not installed at {AXE_SCRIPT} (make test runs npm ci in tests/browser)")
    return found


class DriverFactory:
    """make_driver(accept_language="en"): a headless Chromium at 1280x900 sending that Accept-Language."""

    def __init__(self, browser: str, driver_path: str):
        self.browser, self.driver_path = browser, driver_path
        self.drivers: list = []

    def __call__(self, accept_language: str = "en"):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = self.browser
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         f"--window-size={WINDOW[0]},{WINDOW[1]}", f"--lang={accept_language}",
                         # Nothing in the background reaches the network (updates, sync, metrics).
                         "--no-first-run", "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--disable-default-apps", "--hide-scrollbars"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": accept_language})
        try:
            driver = webdriver.Chrome(service=Service(executable_path=self.driver_path), options=options)
        except Exception as error:  # noqa: BLE001 - a browser that will not start is "unavailable"
            _unavailable(f"Chromium would not start: {error.__class__.__name__}: {error}")
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(30)
        self.drivers.append(driver)
        return driver

    def quit(self) -> None:
        for driver in self.drivers:
            driver.quit()


@pytest.fixture
def make_driver(chromium_paths):
    """A DriverFactory; every browser it starts is quit after the test."""
    factory = DriverFactory(*chromium_paths)
    yield factory
    factory.quit()


@pytest.fixture
def driver(make_driver):
    return make_driver()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep the pages it was on: a screenshot and the HTML under failures/."""
    outcome = yield
    report = outcome.get_result()
    factory = getattr(item, "funcargs", {}).get("make_driver")
    if report.when != "call" or not report.failed or factory is None:
        return
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
    directory = OUTPUT / "failures"
    directory.mkdir(parents=True, exist_ok=True)
    for n, driver in enumerate(factory.drivers):
        try:
            driver.save_screenshot(str(directory / f"{name}-{n}.png"))
            (directory / f"{name}-{n}.html").write_text(driver.page_source, encoding="utf-8")
        except Exception:  # noqa: BLE001 - a dead browser leaves nothing to keep; the failure stands
            pass
