"""The managers' dashboard (/dashboard, /dashboard/projects/<id>) through the Flask test client.

The world is the metrics API tests' (tests/api/test_metrics.py, `build_world`: 6 women and 2 men in P1, one
woman also in P2, exits and placements), with an organisation target of 10 people (so milestones 25, 50 and
75 % are reached) and a minimum cell size of 2, so that some figures are shown and some hidden. The page must
show exactly the API's figures, the marker for a hidden one, and never draw a hidden one.
"""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace

import pytest
from babel.numbers import format_percent

from sqlalchemy import update

from service.db.models import Organisation
from service.domain.roles import Role
from tests.api.helpers import create_employer, create_project, ok, url
from tests.api.test_metrics import build_world

MARKER = "[c]"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _svg(html: str, chart: str) -> str:
    """The SVG of one chart (by its id), from its opening tag to its end."""
    found = re.search(rf'<svg[^>]*aria-labelledby="{chart}-title".*?</svg>', html, re.S)
    assert found, f"no chart {chart}"
    return found.group(0)


def _rate(value, missing: str = MARKER) -> str:
    """A rate as the page writes it in English; a null one as `missing` (the marker, or a dash for nobody)."""
    return missing if value is None else format_percent(value, "#,##0.0%", locale="en")


@pytest.fixture
def world(client, drain, tenant, pathways):
    admin = tenant.headers[Role.ADMIN]
    ok(client.patch(url("/organisation"), headers=admin, json={
        "reach_target": 10, "share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.5}]}))
    _cell_size(pathways, tenant, 2)
    built = build_world(client, tenant)
    drain()
    return built


def _cell_size(pathways, tenant, size: int) -> None:
    """A minimum cell size below the API's rail (3), as an organisation set before the rail keeps it."""
    with pathways.session_factory() as session:
        session.execute(update(Organisation).where(Organisation.id == uuid.UUID(tenant.organisation_id))
                        .values(min_cell_size=size))
        session.commit()


def _api(client, tenant, kind: str, **params) -> dict:
    return ok(client.get(url(f"/metrics/{kind}"), query_string=params, headers=tenant.headers[Role.MANAGER]))


def test_the_organisations_dashboard_shows_the_apis_figures(sign_in, client, tenant, world, pathways):
    # A minimum cell size of 1 hides nothing: every figure is compared, every one drawn.
    _cell_size(pathways, tenant, 1)
    reach, outcomes, funnel = (_api(client, tenant, kind) for kind in ("reach", "outcomes", "funnel"))
    page = sign_in(Role.MANAGER).get("/dashboard")
    assert page.status_code == 200
    html = _text(page)
    assert f"{reach['reached']} of 10 people reached ({_rate(reach['progress'])} of the target)" in html
    # Milestones 25, 50 and 75 % of 10 people were reached (3, 5 and 8 people), 100 % not yet.
    milestones = re.findall(r'<tr><th scope="row">(\d+)%</th><td class="number">(\d+)</td>\s*<td>([^<]+)</td>',
                            html)
    assert [(p, n, day == "Not yet") for p, n, day in milestones] == [
        ("25", "3", False), ("50", "5", False), ("75", "8", False), ("100", "10", True)]
    target = reach["share_targets"][0]
    assert f"<td class=\"number\">{_rate(target['share'])}</td>" in html
    # Outcomes by sex and the gaps, as the API gives them (nothing is hidden: a null rate has nobody to count).
    rates = []
    for name in ("completion_rate", "placement_rate", "employment_rate_6m"):
        gap = outcomes["gaps"][name]
        rates += [gap["female"], gap["male"]]
        assert re.search(rf'<td class="number">{re.escape(_rate(gap["female"], "–"))}</td><td class="number">'
                         rf'{re.escape(_rate(gap["male"], "–"))}</td>', html), name
    # The funnel's totals.
    for row in funnel["stages"]:
        if row["exit_reason"] is None and row["total"] is not None:
            assert f'<td class="number">{row["total"]}</td>' in html
    assert "Figures complete up to" in html and "No events are pending." in html
    assert '<title id="outcomes-chart-title">Outcome rates of women and men</title>' in html
    assert len(re.findall(r"<rect x=", _svg(html, "outcomes-chart"))) == sum(rate is not None for rate in rates) > 2
    assert MARKER not in html.split("hidden-note")[0]


def test_a_hidden_figure_is_marked_and_never_drawn(sign_in, client, tenant, world):
    outcomes = _api(client, tenant, "outcomes")
    html = _text(sign_in(Role.MANAGER).get("/dashboard"))
    rates = [outcomes["gaps"][name][sex] for name in ("completion_rate", "placement_rate", "employment_rate_6m")
             for sex in ("female", "male")]
    # Every rate by sex rests on a hidden count here: the table shows markers, and there is no chart to draw.
    assert rates == [None] * 6
    assert 'aria-labelledby="outcomes-chart-title"' not in html
    assert re.search(rf'<td class="number">{re.escape(MARKER)}</td><td class="number">{re.escape(MARKER)}</td>',
                     html)
    funnel = _api(client, tenant, "funnel")
    drawn = [row[sex] for row in funnel["stages"] if row["exit_reason"] is None for sex in ("female", "male")]
    assert None in drawn and any(drawn)  # some hidden, some shown
    funnel_chart = _svg(html, "funnel-chart")
    assert len(re.findall(r"<rect x=", funnel_chart)) == sum(value is not None for value in drawn)
    assert funnel_chart.count(MARKER) == drawn.count(None)
    assert "hidden to protect the people counted" in html
    # Without charts: the same tables, no SVG.
    plain = _text(sign_in(Role.MANAGER).get("/dashboard", query_string={"charts": "0"}))
    assert "<svg" not in plain.split('<main', 1)[1] and "Outcomes of women and men" in plain


def test_a_projects_dashboard_and_the_projects_of_others(sign_in, client, tenant, other_tenant, world):
    reach = _api(client, tenant, "reach", project_id=world.p1["id"])
    manager = sign_in(Role.MANAGER)
    html = _text(manager.get(f"/dashboard/projects/{world.p1['id']}"))
    assert f"{reach['reached']} of {reach['target']} people reached" in html
    assert world.p1["name"] in html
    foreign = create_project(client, other_tenant.headers[Role.ADMIN])
    assert manager.get(f"/dashboard/projects/{foreign['id']}").status_code == 404
    assert manager.get("/dashboard/projects/00000000-0000-0000-0000-000000000000").status_code == 404


def test_who_may_see_the_dashboard(sign_in, client, tenant):
    for role in (Role.MANAGER, Role.ADMIN, Role.CASEWORKER):
        assert sign_in(role).get("/dashboard").status_code == 200, role
    employer = create_employer(client, tenant.headers[Role.ADMIN])
    user = ok(client.post(url("/users"), headers=tenant.headers[Role.ADMIN], json={
        "email": "hr@employer.example", "role": "employer", "employer_id": employer["id"]}), 201)
    hr = sign_in(Role.EMPLOYER, of=SimpleNamespace(user_ids={Role.EMPLOYER: user["id"]}))
    assert hr.get("/dashboard").status_code == 403
    assert hr.get("/dashboard/projects/00000000-0000-0000-0000-000000000000").status_code == 403
    menu = _text(sign_in(Role.MANAGER).get("/"))
    assert 'href="/dashboard"' in menu
    # Signed out: to the sign-in page.
    assert client.get("/dashboard").status_code == 302


def test_a_bad_period_is_refused_beside_its_field(sign_in, tenant, world):
    manager = sign_in(Role.MANAGER)
    bad = manager.get("/dashboard", query_string={"period_start": "2026-13-01"})
    assert bad.status_code == 422
    html = _text(bad)
    assert 'id="error-period_start"' in html and 'value="2026-13-01"' in html
    backwards = manager.get("/dashboard", query_string={"period_start": "2026-06-01", "period_end": "2026-01-01"})
    assert backwards.status_code == 422 and "The end of the period must not be before its start." in _text(backwards)
    turkish = sign_in(Role.MANAGER, language="tr").get("/dashboard", query_string={"period_start": "x"})
    assert turkish.status_code == 422 and 'id="error-period_start"' in _text(turkish)
    # A good period narrows the figures: 4 people enrolled from April on.
    april = manager.get("/dashboard", query_string={"period_start": "2026-04-01"})
    assert april.status_code == 200 and "4 of 10 people reached" in _text(april)


def test_each_block_says_what_it_counts_and_links_its_figures_page(sign_in):
    page = _text(sign_in(Role.MANAGER, language="sv").get("/dashboard"))
    assert page.count('class="hint figure-basis"') == 5
    assert "Räknar unika personer med minst en inskrivning" in page
    for slug in ("reach", "outcomes", "funnel"):
        assert f'href="/figures/{slug}"' in page, slug
    assert 'href="/figures/' not in _text(sign_in(Role.CASEWORKER).get("/dashboard"))  # not their pages


@pytest.mark.parametrize("lang, pattern", [("sv", r"\d+,\d\u00a0%"), ("tr", r"%\d+,\d")])
def test_a_phone_reads_the_dashboard_in_regions_with_the_readers_percentages_and_day(sign_in, world, lang, pattern):
    html = _text(sign_in(Role.MANAGER, language=lang).get("/dashboard"))
    regions = re.findall(r'<div class="table-scroll" role="region" tabindex="0" aria-label="[^"]+">\s*<table>', html)
    assert len(regions) == html.count("<table>")  # every table scrolls on its own on a narrow screen
    assert html.count('<figure class="chart-figure chart-scroll" role="region" tabindex="0"') >= 3
    assert re.search(pattern, html) and not re.search(r"\d,\d%", html.replace("%(", ""))
    freshness = re.search(r'<p class="freshness">(.*?)</p>', html, re.S).group(1)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", freshness)  # "5 dec. 2026 21:04", as other pages write days
