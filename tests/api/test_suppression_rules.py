"""Suppression that cannot be walked around (issue 14, item 9; SPEC section 7), through the API.

- A share target's `met` and `share` are null when its count is hidden: `met` beside a hidden count
  tells which side of the bound that count lies on (one Roma person in a one-day period was found so).
- A table whose total is 1 to min_cell_size - 1 hides every cell, zeros too; the total stays exact.
- Gaps: every pair of sexes, null when either figure is hidden.

The world: one project (share targets: roma >= 10 %, female >= 50 %), six people enrolled on 2026-03-02
(four women, two men, one of the women Roma, in Konak but for one man in Buca; all left on 2026-06-30,
the second woman dropping out) and one woman on 2026-03-03; min_cell_size 5.
"""

from __future__ import annotations

import csv
import io
from itertools import combinations

import pytest
from openpyxl import load_workbook

from tests.api.helpers import create_project, enrol, ok, register_trainee, url

DAY, NEXT_DAY = "2026-03-02", "2026-03-03"


@pytest.fixture
def world(client, tenant):
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    project = create_project(client, admin, share_targets=[
        {"dimension": "vulnerable_group", "value": "roma", "min_share": 0.1},
        {"dimension": "sex", "value": "female", "min_share": 0.5}])
    people = [("female", ["roma"], "Konak"), ("female", [], "Konak"), ("female", [], "Konak"),
              ("female", [], "Konak"), ("male", [], "Konak"), ("male", [], "Buca")]
    for number, (sex, groups, district) in enumerate(people):
        trainee = register_trainee(client, caseworker, sex=sex, vulnerable_groups=groups, district=district)
        enrolment = enrol(client, caseworker, trainee["id"], project["id"], enrolled_on=DAY)
        leaving = (("drop-out", {"reason": "moved_away"}) if number == 1
                   else ("complete", {"qualification_gained": True}))
        ok(client.post(url(f"/enrolments/{enrolment['id']}/{leaving[0]}"), headers=caseworker,
                       json={"exited_on": "2026-06-30", **leaving[1]}))
    late = register_trainee(client, caseworker, sex="female", district="Konak")
    enrol(client, caseworker, late["id"], project["id"], enrolled_on=NEXT_DAY)
    return tenant, project


def report(client, kind: str, headers, **params) -> dict:
    return ok(client.get(url(f"/metrics/{kind}"), query_string=params, headers=headers))


def target(body: dict, dimension: str) -> dict:
    return next(t for t in body["share_targets"] if t["dimension"] == dimension)


def test_a_share_target_shows_neither_met_nor_share_beside_a_hidden_count(client, world):
    tenant, project = world
    body = report(client, "reach", tenant.headers["manager"], project_id=project["id"],
                  period_start=DAY, period_end=DAY)
    assert body["reached"] == 6
    roma = target(body, "vulnerable_group")
    # Before: {"reached": None, "share": None, "met": True}: met, so at least one Roma person that day.
    assert roma == {"dimension": "vulnerable_group", "value": "roma", "min_share": 0.1, "max_share": None,
                    "reached": None, "share": None, "met": None, "suppressed": True}
    # Unsuppressed (admins), the same target is there in full: the count was 1.
    shown = target(report(client, "reach", tenant.headers["admin"], project_id=project["id"],
                          period_start=DAY, period_end=DAY, suppress="false"), "vulnerable_group")
    assert (shown["reached"], shown["share"], shown["met"], shown["suppressed"]) == (1, 0.1667, True, False)


def test_a_share_target_over_a_shown_count_is_met_or_not(client, world):
    tenant, project = world
    body = report(client, "reach", tenant.headers["manager"], project_id=project["id"], by="sex")
    female = target(body, "sex")
    assert body["reached"] == 7
    # 5 women and 2 men: the 2 is hidden, so is the 5 (it gives the 2 away): so is the target.
    assert (female["reached"], female["share"], female["met"], female["suppressed"]) == (None, None, None, True)


def test_a_breakdown_whose_total_is_below_min_cell_size_shows_no_cell(client, world):
    tenant, _project = world
    one = report(client, "reach", tenant.headers["manager"], period_start=NEXT_DAY, by="sex")
    assert one["reached"] == 1  # the total is exact
    # Before: the 1 and one zero hidden, the other zeros shown beside a total of 1.
    assert all(cell["reached"] is None and cell["suppressed"] for cell in one["breakdown"])
    outcomes = report(client, "outcomes", tenant.headers["manager"], period_start=NEXT_DAY, by="sex",
                      period_basis="entry")
    assert outcomes["enrolled"] == 1
    assert all(cell["enrolled"] is None and cell["suppressed"] for cell in outcomes["breakdown"])


def test_each_split_by_sex_below_min_cell_size_shows_no_cell(client, world):
    """An indicator's row is a table split by sex; so is each cell's row in a breakdown."""
    tenant, _project = world
    body = report(client, "indicators", tenant.headers["manager"])
    small = [row for row in body["indicators"] if 1 <= (row["total"] or 0) < 5]
    assert small, "the world has an indicator of 1 to 4 people (the Roma person, the two men, ...)"
    for row in small:
        sexes = {key: value for key, value in row.items()
                 if key not in ("indicator", "total", "suppressed", "currency", "unit")}
        assert set(sexes.values()) == {None}, row
        assert row["suppressed"]
    # By district: Buca holds one man, so its split by sex shows nothing, not "0 women".
    by_district = report(client, "indicators", tenant.headers["manager"], by="district")
    buca = next(cell for cell in by_district["breakdown"] if cell["district"] == "Buca")
    for row in buca["indicators"]:
        values = [value for key, value in row.items()
                  if key not in ("indicator", "total", "suppressed", "currency", "unit")]
        assert set(values) <= {None, 0} and (row["total"] in (None, 0) or set(values) == {None}), row


def test_every_pair_of_sexes_has_a_gap_and_a_hidden_figure_gives_null_gaps(client, world):
    tenant, _project = world
    admin = tenant.headers["admin"]
    sexes = [cell["sex"] for cell in report(client, "reach", admin, by="sex", suppress="false")["breakdown"]]
    pairs = {f"{first}_{second}" for first, second in combinations(sexes, 2)}
    shown = report(client, "outcomes", admin, suppress="false")
    assert shown["gaps"]["completion_rate"]["pairs"]["female_male"] == {"difference": -0.25, "ratio": 0.75}
    for name, gap in shown["gaps"].items():
        assert set(gap["pairs"]) == pairs, name
        assert (gap["pairs"]["female_male"]["difference"], gap["pairs"]["female_male"]["ratio"]) == (
            gap["difference"], gap["ratio"])
    hidden = report(client, "outcomes", tenant.headers["manager"])
    for name, gap in hidden["gaps"].items():
        # Two men: every male figure is hidden, and with it every gap that involves it.
        assert gap["male"] is None and gap["difference"] is None and gap["ratio"] is None, name
        for pair, values in gap["pairs"].items():
            if "male" in pair.split("_"):
                assert values == {"difference": None, "ratio": None}, (name, pair)


@pytest.mark.parametrize("locale, marker", [("en", "[c]"), ("tr", "[g]"), ("sv", "[c]")])
def test_exports_mark_every_hidden_cell_on_every_sheet_and_say_why(client, world, locale, marker):
    tenant, project = world
    ok(client.patch(url("/organisation"), headers=tenant.headers["admin"], json={"locale": locale}))
    params = {"project_id": project["id"], "by": "sex", "period_start": DAY, "period_end": DAY}
    body = report(client, "reach", tenant.headers["manager"], **params)
    hidden_cells = sum(cell["reached"] is None for cell in body["breakdown"])
    hidden_targets = sum(value is None for t in body["share_targets"] for value in (t["reached"], t["share"], t["met"]))
    assert hidden_cells and hidden_targets

    response = client.get(url("/metrics/reach"), headers=tenant.headers["manager"], query_string={**params,
                                                                                                    "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    notes = [row for row in rows if len(row) == 1 and row[0].startswith(marker + " = ")]
    assert sum(row.count(marker) for row in rows) == hidden_cells + hidden_targets
    assert len(notes) == 2  # under the share targets and under the breakdown, not under the summary

    response = client.get(url("/metrics/reach"), headers=tenant.headers["manager"], query_string={**params,
                                                                                                    "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.get_data()))
    marked = {name: sum(cell.value == marker for row in book[name].iter_rows() for cell in row)
              for name in book.sheetnames}
    noted = {name: any(str(cell.value).startswith(marker + " = ") for row in book[name].iter_rows() for cell in row)
             for name in book.sheetnames}
    assert list(marked.values()) == [0, hidden_targets, hidden_cells]
    assert list(noted.values()) == [False, True, True]
