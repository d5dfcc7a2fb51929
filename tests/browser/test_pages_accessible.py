"""Every page, as every role, in a real browser: the page or its 403 answered as the page's own role check
says, in the organisation's language, with no serious or critical axe-core violation; another organisation's
records answer 404; a visitor who is not signed in is sent to the sign-in page.

The pages are found in the application's URL map (every view under `page_requires`), so a page added later
is walked without editing this file; a page whose URL takes an argument this file cannot fill fails, naming it.
Each role walks in another language, so every page is seen in all four; screenshots go to
<output>/screenshots/<lang>/<page>-as-<role>.png.
"""

from __future__ import annotations

import pytest

from service.domain.roles import Role
from tests.browser import world
from tests.browser.support import check_page, open_session, status_of

pytestmark = pytest.mark.browser

#: The language each role walks in: every page is seen in each language by one role at least.
ROLE_LANGUAGES = {Role.CASEWORKER: "tr", Role.ADMIN: "en", Role.MANAGER: "sv", Role.EMPLOYER: "es"}
#: Pages reached without signing in (GET), by endpoint; others redirect to the sign-in page.
PUBLIC_PAGES = ("account.sign_in",)


def page_rules(app):
    """(rule, roles) of every page: a GET route whose view checks roles with `page_requires`."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        roles = getattr(app.view_functions[rule.endpoint], "_pathways_page_roles", None)
        if roles is not None and "GET" in rule.methods:
            yield rule, roles


def arguments(rule, records: world.World, user_id=None) -> dict:
    """Values for a page's URL arguments from the walk's records (a person, a project, ...) and a user of the
    organisation (an admin's page of one user; elsewhere any id: another organisation's, or a visitor's)."""
    by_name = {"user_id": user_id or "01a24700-0000-7000-8000-000000000000",
               "trainee_id": records.known["id"], "person_id": records.known["id"],
               "project_id": records.project["id"], "cohort_id": records.cohort["id"],
               "vacancy_id": records.vacancy["id"], "employer_id": records.employer["id"],
               "job_id": records.import_job, "slug": "esf"}
    # An `id` is the blueprint's own record.
    own = {"person": records.known["id"], "people": records.known["id"], "projects": records.project["id"]}
    values = {}
    for name in rule.arguments:
        blueprint = rule.endpoint.split(".", 1)[0]
        value = by_name.get(name) or (own.get(blueprint) if name == "id" else None)
        assert value is not None, f"{rule.endpoint} ({rule.rule}): no value for <{name}>; add one to arguments()"
        values[name] = value
    return values


def page_name(rule) -> str:
    return rule.endpoint.replace(".", "-")


@pytest.fixture(scope="module")
def walk_world(live_server, make_web_tenant):
    """One organisation per language, each with the day's records (the walk only reads)."""
    tenants = {lang: make_web_tenant(lang) for lang in sorted(set(ROLE_LANGUAGES.values()))}
    return {lang: (tenant, world.build(live_server, tenant)) for lang, tenant in tenants.items()}


@pytest.mark.parametrize("role", list(ROLE_LANGUAGES), ids=str)
def test_every_page_as_each_role(server, driver, walk_world, role):
    lang = ROLE_LANGUAGES[role]
    tenant, records = walk_world[lang]
    open_session(driver, server, tenant.user_ids[role])
    walked = []
    with server.app.test_request_context():
        pages = [(rule, roles, rule.build(arguments(rule, records, tenant.user_ids[Role.MANAGER]),
                                          append_unknown=False)[1])
                 for rule, roles in page_rules(server.app)]
    assert pages, "no page found in the URL map"
    for rule, roles, path in pages:
        driver.get(server.url + path)
        expected = 200 if role in roles else 403
        assert status_of(server, path) == expected, f"{path} as {role}: expected {expected}"
        check_page(driver, lang, f"{page_name(rule)}-as-{role}")
        walked.append(path)
    print(f"{role} ({lang}) walked {len(walked)} pages: {', '.join(walked)}")


def test_another_organisations_records_are_not_found(server, driver, walk_world):
    """A caseworker of the Swedish organisation asks for the Turkish one's person, project, ...: 404 each."""
    own_tenant, _own = walk_world["sv"]
    _other_tenant, others = walk_world["tr"]
    open_session(driver, server, own_tenant.user_ids[Role.CASEWORKER])
    with server.app.test_request_context():
        pages = [(rule, rule.build(arguments(rule, others), append_unknown=False)[1])
                 for rule, roles in page_rules(server.app) if rule.arguments and Role.CASEWORKER in roles]
    for rule, path in pages:
        driver.get(server.url + path)
        assert status_of(server, path) == 404, f"{path} of another organisation answered {status_of(server, path)}"
        check_page(driver, "sv", f"{page_name(rule)}-other-organisation")


def test_pages_send_a_visitor_to_sign_in(server, driver, walk_world):
    _tenant, records = walk_world["en"]
    with server.app.test_request_context():
        pages = [rule.build(arguments(rule, records), append_unknown=False)[1] for rule, _ in page_rules(server.app)]
    for path in pages:
        driver.get(server.url + path)
        assert status_of(server, path) == 302, path
        assert "/sign-in" in driver.current_url, f"{path} did not lead to the sign-in page"
    check_page(driver, "en", "sign-in")
