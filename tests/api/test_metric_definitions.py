"""The answers, exports and OpenAPI document of the metrics hold exactly the figures the catalogue
(service/domain/metrics.py) defines, in its order, with its units and labels."""

from __future__ import annotations

import csv
import io

from service.domain import metrics as catalogue
from service.domain.metrics import (
    CURRENCY, INDICATORS, MONEY, OUTCOMES, PARTICIPANTS, PARTICIPATIONS, PEOPLE, RATE, REACH,
)
from service.translations import translate
from tests.api.helpers import ok, url

HEADER = ("as_of", "pending_events", "organisation_id", "project_id", "period_start", "period_end", "by",
          "min_cell_size", "suppression")
#: What each answer holds besides the header and the catalogue's figures: the report's own shape.
STRUCTURE = {REACH: ("period_basis", "share_targets", "breakdown"),
             OUTCOMES: ("period_basis", "checkpoints", "median_wages", "wages_left_out", "non_traditional", "gaps",
                        "breakdown"),
             INDICATORS: ("framework", "period_basis", "indicators", "breakdown")}
OPENAPI_TYPES = {PEOPLE: "integer", PARTICIPATIONS: "integer", PARTICIPANTS: "integer", RATE: "number",
                 MONEY: "string", CURRENCY: "string"}


def names(metrics) -> list[str]:
    return [metric.name for metric in metrics]


def answer(client, tenant, report: str, **params) -> dict:
    return ok(client.get(url(f"/metrics/{report}"), headers=tenant.headers["admin"],
                         query_string={"by": "sex", **params}))


def test_each_answer_holds_the_defined_figures_in_order(client, tenant):
    for report in (REACH, OUTCOMES):
        body = answer(client, tenant, report)
        figures = [key for key in body if key not in HEADER and key not in STRUCTURE[report]]
        assert figures == names(catalogue.answered(report))
        assert [key for key in body if key in STRUCTURE[report]] == list(STRUCTURE[report])
        per_cell = [m.name for m in catalogue.answered(report) if catalogue.in_cells(m)]
        for cell in body["breakdown"]:
            assert list(cell) == ["sex", *per_cell, *(["checkpoints"] if report == OUTCOMES else []), "suppressed"]
    checkpoints = answer(client, tenant, OUTCOMES)["checkpoints"]
    for name, *_rest in catalogue.CHECKPOINTS:
        assert set(checkpoints[name]) == {m.figure for m in catalogue.of_report(OUTCOMES) if m.checkpoint == name}
    gaps = answer(client, tenant, OUTCOMES)["gaps"]
    assert list(gaps) == [metric.name for metric in catalogue.of_report(OUTCOMES) if metric.gap]
    body = answer(client, tenant, INDICATORS)
    assert [key for key in body if key not in HEADER] == list(STRUCTURE[INDICATORS])
    assert [row["indicator"] for row in body["indicators"]] == names(catalogue.of_report(INDICATORS))
    for cell in body["breakdown"]:
        assert [row["indicator"] for row in cell["indicators"]] == names(catalogue.of_report(INDICATORS))


def test_each_export_labels_the_defined_figures_in_order(client, tenant):
    ok(client.patch(url("/organisation"), headers=tenant.headers["admin"], json={"locale": "tr"}))
    for report in catalogue.REPORTS:
        response = client.get(url(f"/metrics/{report}"), headers=tenant.headers["admin"],
                              query_string={"format": "csv"})
        tables, table = {}, []
        for row in [*csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))), []]:
            if row:
                table.append(row)
            elif table:  # a table is its title, its header, then its rows
                tables[table[0][0]] = [line[0] for line in table[2:]]
                table = []
        if report == INDICATORS:
            shown = tables[translate("tr", "Indicators")]
            expected = [translate("tr", m.label) for m in catalogue.of_report(report)]
        else:
            shown = tables[translate("tr", "Summary")]
            expected = [translate("tr", m.label) for m in catalogue.answered(report)]  # the answer's order
        assert shown[:len(expected)] == expected


def test_the_openapi_document_lists_exactly_the_defined_figures(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    for report, component in ((REACH, "ReachReport"), (OUTCOMES, "OutcomesReport")):
        properties = schemas[component]["properties"]
        figures = {name: spec for name, spec in properties.items()
                   if name not in HEADER and name not in STRUCTURE[report]}
        assert list(figures) == names(catalogue.answered(report))
        for metric in catalogue.answered(report):
            assert figures[metric.name] == {"type": OPENAPI_TYPES[metric.unit], "nullable": True}, metric.name
