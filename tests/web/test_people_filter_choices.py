"""The search page's cohort filter offers the latest cohorts (of the chosen project), never every cohort.

A programme of a million people has run over 100,000 cohorts: listing (and sorting) them all on every
search page made it take seconds at that size (make bench, P7_page_search). The filter offers
directory.MAXIMUM_COHORTS of them, latest first, narrowed to the chosen project, with the chosen cohort
always among them so that a link to an older cohort's people keeps its choice.
"""

from __future__ import annotations

import re

import pytest

from service.services import directory
from tests.api.helpers import create_cohort, create_project


def cohort_options(page) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the cohort select, blank 'All' left out."""
    assert page.status_code == 200, page.get_data(as_text=True)
    select = re.search(r'<select id="field-cohort".*?</select>', page.get_data(as_text=True), re.S).group(0)
    return [(value, label.strip(), bool(selected)) for value, selected, label in
            re.findall(r'<option value="([^"]*)"( selected)?>(.*?)</option>', select, re.S) if value]


@pytest.fixture
def cohorts(client, tenant, monkeypatch) -> dict[str, str]:
    monkeypatch.setattr(directory, "MAXIMUM_COHORTS", 2)
    admin = tenant.headers["admin"]
    first, second = create_project(client, admin), create_project(client, admin)
    made = {"project": first["id"], "other project": second["id"]}
    for project, name, starts_on in ((first, "January", "2026-01-05"), (first, "March", "2026-03-02"),
                                     (first, "May", "2026-05-04"), (second, "April", "2026-04-06")):
        made[name] = create_cohort(client, admin, project["id"], name=name, starts_on=starts_on,
                                   ends_on="2026-12-18")["id"]
    return made


def test_the_latest_cohorts_are_offered_latest_first(sign_in, cohorts):
    offered = cohort_options(sign_in().get("/people"))
    assert [value for value, _label, _selected in offered] == [cohorts["May"], cohorts["April"]]


def test_a_chosen_project_offers_its_own_latest_cohorts(sign_in, cohorts):
    offered = cohort_options(sign_in().get("/people", query_string={"project": cohorts["project"]}))
    assert [value for value, _label, _selected in offered] == [cohorts["May"], cohorts["March"]]


def test_an_older_chosen_cohort_stays_offered_and_chosen(sign_in, cohorts):
    offered = cohort_options(sign_in().get("/people", query_string={"cohort": cohorts["January"]}))
    assert [value for value, _label, _selected in offered] == [cohorts["May"], cohorts["April"], cohorts["January"]]
    assert [value for value, _label, selected in offered if selected] == [cohorts["January"]]
    assert "January" in offered[-1][1]
