"""The indicator packs and tables as pages (/figures, /figures/<pack>) and their downloads.

The world is the metrics API tests' (tests/api/test_metrics.py, `build_world`: 6 women and 2 men in P1, one
woman also in P2, exits and placements) with the default minimum cell size of 5, so the men's cells are
hidden. A page must show exactly the API's figures for the same request, the marker where the API hides
one, and refuse what the API refuses (422, beside the field, in the reader's language).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from service.domain.roles import Role
from tests.api.helpers import create_employer, create_project, ok, url
from tests.api.test_metrics import build_world

MARKERS = {"en": "[c]", "tr": "[g]"}
SEXES = ("female", "male", "non_binary", "undisclosed", "total")


@pytest.fixture
def world(client, drain, tenant):
    built = build_world(client, tenant)
    drain()
    return built


class Cells(HTMLParser):
    """{table key: [[(text, data-value or None, hidden), ...], ...]} of a figures page."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[tuple]]] = {}
        self.table = None
        self.cell: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table = self.tables.setdefault(attrs.get("data-table"), [])
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None and self.table:
            self.cell = ["", attrs.get("data-value"), "hidden-cell" in (attrs.get("class") or "")]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.table:
            self.table[-1].append((self.cell[0].strip(), self.cell[1], self.cell[2]))
            self.cell = None
        elif tag == "table":
            self.table = None


def cells_of(response) -> dict[str, list[list[tuple]]]:
    parser = Cells()
    parser.feed(response.get_data(as_text=True))
    return {key: [row for row in rows if row] for key, rows in parser.tables.items()}


def api(client, tenant, kind: str, **params) -> dict:
    return ok(client.get(url(f"/metrics/{kind}"), query_string=params, headers=tenant.headers[Role.MANAGER]))


def assert_rows_equal_the_api(rows: list[list[tuple]], items: list[dict], marker: str = "[c]") -> None:
    """Each row of the page's indicators table holds the API's figure (data-value) or the marker."""
    assert len(rows) == len(items)
    for row, item in zip(rows, items):
        values = dict(zip(SEXES, row[-len(SEXES) - 1:-1]))  # the sexes and the total, before "Suppressed"
        for sex in SEXES:
            text, raw, hidden = values[sex]
            expected = item[sex]
            if expected is None and item["suppressed"]:
                assert hidden and text == marker, (item, sex, text)
            elif expected is None:
                assert raw is None
            else:
                assert raw == str(expected), (item["indicator"], sex, raw, expected)


def test_the_index_lists_the_packs_and_tables_for_managers_and_admins(sign_in, world):
    for role in (Role.MANAGER, Role.ADMIN):
        page = sign_in(role).get("/figures")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert 'href="/figures"' in html  # the menu
        for slug in ("esf", "wioa", "ilo", "reach", "funnel", "outcomes"):
            assert f'href="/figures/{slug}"' in html


def test_each_pack_page_shows_the_apis_figures_and_marks_hidden_cells(sign_in, client, tenant, world):
    manager = sign_in(Role.MANAGER)
    for slug, framework in (("esf", "esf_plus"), ("wioa", "wioa"), ("ilo", "ilo")):
        body = api(client, tenant, "indicators", framework=framework)
        page = manager.get(f"/figures/{slug}")
        assert page.status_code == 200, slug
        assert_rows_equal_the_api(cells_of(page)["indicators"][1:], body["indicators"])
    html = manager.get("/figures/esf").get_data(as_text=True)
    assert 'class="number hidden-cell"' in html and "hidden to protect the people counted" in html
    # An admin may show the small cells, as the API's suppress=false; a manager may not (403, as the API).
    shown = ok(client.get(url("/metrics/indicators"), query_string={"suppress": "false"},
                          headers=tenant.headers[Role.ADMIN]))
    page = sign_in(Role.ADMIN).get("/figures/esf", query_string={"suppress": "false"})
    assert page.status_code == 200, page.get_data(as_text=True)[-3000:]
    assert "hidden-cell" not in page.get_data(as_text=True)
    assert_rows_equal_the_api(cells_of(page)["indicators"][1:], shown["indicators"])
    workbook = _workbook(sign_in(Role.ADMIN).get("/figures/esf", query_string={"suppress": "false",
                                                                              "format": "xlsx"}))
    assert "Small cells" in [row[0].value for row in workbook.worksheets[0].iter_rows(max_row=12)]
    assert manager.get("/figures/esf", query_string={"suppress": "false"}).status_code == 403


def test_the_period_basis_project_and_breakdown_are_the_apis(sign_in, client, tenant, world):
    manager = sign_in(Role.MANAGER)
    params = {"project_id": world.p1["id"], "period_start": "2026-01-01", "period_end": "2026-06-30",
              "period_basis": "exit", "by": "age_band"}
    body = api(client, tenant, "indicators", framework="esf_plus", **params)
    page = manager.get("/figures/esf", query_string=params)
    assert page.status_code == 200
    found = cells_of(page)
    assert_rows_equal_the_api(found["indicators"][1:], body["indicators"])
    breakdown = [row for cell in body["breakdown"] for row in cell["indicators"]]
    assert len(found["breakdown"]) - 1 == len(breakdown)
    outcomes = api(client, tenant, "outcomes", by="sex")
    rows = cells_of(manager.get("/figures/outcomes", query_string={"by": "sex"}))["summary"]
    completed = next(row for row in rows if row[0][0] == "Completed")
    assert completed[1][1] == str(outcomes["completed"])
    stages = api(client, tenant, "funnel", project_id=world.p1["id"])["stages"]
    rows = cells_of(manager.get("/figures/funnel", query_string={"project_id": world.p1["id"]}))["stages"][1:]
    assert len(rows) == len(stages)
    for row, stage in zip(rows, stages):  # stage, exit reason, then the sexes and the total
        shown = [raw if not hidden else None for _text, raw, hidden in row[2:7]]
        assert shown == [None if stage[sex] is None else str(stage[sex]) for sex in SEXES], stage["stage"]


def test_every_row_of_a_pack_links_to_its_definition_and_source(sign_in, world):
    manager = sign_in(Role.MANAGER)
    for slug, source in (("esf", "Regulation (EU) 2021/1057"), ("wioa", "TEGL 10-16"), ("ilo", "Decent Work")):
        html = manager.get(f"/figures/{slug}").get_data(as_text=True)
        assert source in html
        links = set(re.findall(r'<a href="#(def-[a-z0-9_]+)">', html))
        anchors = set(re.findall(r'<dt id="(def-[a-z0-9_]+)"', html))
        assert links and links <= anchors, (slug, links - anchors)
    html = sign_in(Role.MANAGER, language="sv").get("/figures/esf").get_data(as_text=True)
    assert "Definitioner" in html and "Deltagare" in html


@pytest.mark.parametrize("language", ["en", "tr", "sv", "es"])
def test_a_bad_period_or_breakdown_is_422_beside_the_field_in_the_readers_language(sign_in, world, language):
    manager = sign_in(Role.MANAGER, language=language)
    english = sign_in(Role.MANAGER, language="en")
    for slug, params, field in (
            ("esf", {"period_start": "2026-13-01"}, "period_start"),
            ("esf", {"period_start": "2026-06-30", "period_end": "2026-01-01"}, "period_end"),
            ("esf", {"by": "shoe_size"}, "by"),
            ("reach", {"project_id": "not-a-uuid"}, "project_id"),
            ("wioa", {"by": "sex"}, "by"),
            ("esf", {"period_basis": "sideways"}, "period_basis")):
        page = manager.get(f"/figures/{slug}", query_string=params)
        assert page.status_code == 422, (slug, params)
        html = page.get_data(as_text=True)
        message = re.search(rf'<li><a href="#field-{field}">([^<]+)</a></li>', html)
        assert message, (slug, params, html[:3000])
        if language != "en":
            theirs = re.search(rf'<li><a href="#field-{field}">([^<]+)</a></li>',
                               english.get(f"/figures/{slug}", query_string=params).get_data(as_text=True))
            assert message.group(1) != theirs.group(1), (language, message.group(1))
        if field != "by" or slug != "wioa":  # the WIOA page offers no breakdown: the message is in the summary
            assert f'id="error-{field}"' in html
        assert manager.get(f"/figures/{slug}", query_string={**params, "format": "xlsx"}).status_code == 422


def test_employers_and_caseworkers_may_not_and_another_organisations_project_is_404(sign_in, other_tenant, client,
                                                                                       tenant, world):
    employer = create_employer(client, tenant.headers[Role.ADMIN])
    user = ok(client.post(url("/users"), headers=tenant.headers[Role.ADMIN], json={
        "email": "hr@employer.example", "role": "employer", "employer_id": employer["id"]}), 201)
    tenant.user_ids[Role.EMPLOYER] = user["id"]
    for role in (Role.EMPLOYER, Role.CASEWORKER):
        assert sign_in(role).get("/figures/esf").status_code == 403
        assert sign_in(role).get("/figures").status_code == 403
    theirs = create_project(client, other_tenant.headers[Role.ADMIN], code="THEIRS")
    manager = sign_in(Role.MANAGER)
    for query in ({}, {"format": "csv"}, {"format": "xlsx"}):
        assert manager.get("/figures/wioa", query_string={"project_id": theirs["id"], **query}).status_code == 404
    assert manager.get("/figures/nonsense").status_code == 404


def _workbook(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.get_data()))


def test_the_workbook_has_the_header_block_number_formats_and_date_cells(sign_in, world):
    manager = sign_in(Role.MANAGER)
    params = {"project_id": world.p1["id"], "period_start": "2026-01-01", "period_end": "2026-12-31", "format": "xlsx"}
    response = manager.get("/figures/outcomes", query_string=params)
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="pathways-outcomes-{world.p1["code"].strip("=")}-2026-01-01_2026-12-31.xlsx"'
    workbook = _workbook(response)
    sheet = workbook["Summary"]
    header = {row[0].value: row[1] for row in sheet.iter_rows(max_row=11) if row[0].value}
    assert header["Organisation"].value
    assert header["Project"].value.startswith(world.p1["code"])
    assert header["Period start"].value == datetime(2026, 1, 1) and header["Period start"].is_date
    assert header["Period end"].value == datetime(2026, 12, 31)
    assert header["Period basis"].value == "Exit date"
    assert header["Minimum cell size"].value == 5
    assert "[c]" in header["Hidden cells are marked"].value
    lines = {row[0].value: row[1] for row in sheet.iter_rows() if row[0].value}
    assert lines["Completion rate"].number_format == "0.0%"
    assert lines["Period start"].is_date and lines["Figures as of (UTC)"].is_date
    ilo = _workbook(sign_in(Role.ADMIN).get("/figures/ilo", query_string={"format": "xlsx"}))
    rows = {row[0].value: row for row in ilo["Indicators"].iter_rows() if row[0].value}
    assert rows["Formal employment share"][7].number_format == "0.0%"  # the total, after the four sexes
    assert rows["Placements started"][7].number_format == "#,##0"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if text.split("\r\n")[0].count(";") else ","))


@pytest.mark.parametrize("language, separator, decimal", [("en", ",", "."), ("tr", ";", ","), ("sv", ";", ","),
                                                           ("es", ";", ",")])
def test_the_csv_follows_the_readers_convention_and_names_the_period(sign_in, client, tenant, world, language,
                                                                     separator, decimal):
    manager = sign_in(Role.MANAGER, language=language)
    response = manager.get("/figures/wioa", query_string={"period_start": "2025-01-01", "format": "csv"})
    today = ok(client.get(url("/metrics/indicators"), query_string={"framework": "wioa"},
                          headers=tenant.headers[Role.MANAGER]))["reference_date"]
    assert response.headers["Content-Disposition"] == f'attachment; filename="pathways-wioa-2025-01-01_{today}.csv"'
    first = response.get_data().decode("utf-8-sig").split("\r\n")[0]
    assert first.count(separator) == 1 and (separator == "," or "," not in first.replace(separator, ""))
    rows = _csv(sign_in(Role.ADMIN, language=language).get(
        "/figures/outcomes", query_string={"format": "csv"}))
    rate = next(row for row in rows if len(row) == 2 and row[1] and re.fullmatch(r"0[.,]\d+", row[1]))
    assert rate[1][1] == decimal
    marker = MARKERS.get(language)
    if marker:  # a hidden cell reads the language's marker in the file too
        suppressed = _csv(manager.get("/figures/esf", query_string={"format": "csv"}))
        assert any(marker in row for row in suppressed)
        assert not {"esf_plus", "entry", "exit"} & {row[1] for row in suppressed if len(row) == 2}
        moment = next(row[1] for row in suppressed if len(row) == 2 and row[1].endswith(" UTC"))
        assert not re.search(r"\dT\d|\+00:00", moment)  # the reader's way, not ISO
        workbook = _workbook(manager.get("/figures/esf", query_string={"format": "xlsx"}))
        assert any(cell.value == marker for sheet in workbook.worksheets for row in sheet.iter_rows()
                   for cell in row)


def test_the_day_of_the_figures_ends_an_open_period_in_the_file_name(sign_in, world):
    response = sign_in(Role.MANAGER).get("/figures/esf", query_string={"format": "xlsx"})
    name = re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)
    assert re.fullmatch(r"pathways-esf-all_\d{4}-\d{2}-\d{2}\.xlsx", name)
    date.fromisoformat(name[len("pathways-esf-all_"):-len(".xlsx")])
