"""`/metrics/reach`, `/metrics/outcomes`, `/metrics/indicators`: figures for managers and funders.

JSON by default; `format=csv` and `format=xlsx` give the same figures as a labelled
file in the organisation's locale.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Response, jsonify

from schemas.metrics import (IndicatorArgsSchema, IndicatorsReportSchema, MetricsArgsSchema, OutcomesReportSchema,
                             ReachReportSchema)
from service.api import context
from service.api.auth import requires
from service.api.openapi import Blueprint
from service.domain.roles import PROGRAMME_READERS
from service.metrics import labels
from service.metrics.exports import to_csv, to_xlsx
from service.metrics.tables import tables
from service.services import groups, reporting

blp = Blueprint("metrics", __name__, url_prefix="/metrics",
                description="Reach against targets, outcomes, gender gaps and the ESF+ indicators, "
                            "disaggregated by sex; small cells suppressed.")

FILES = {
    "csv": ("text/csv", to_csv),  # Flask adds "; charset=utf-8" to text types
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}
@blp.route("/reach", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.arguments(MetricsArgsSchema, location="query")
@blp.response(200, ReachReportSchema,
              description="Distinct people reached, progress and share targets; `breakdown` with by=.")
def reach(args):
    return _answer("reach", args)


@blp.route("/outcomes", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.arguments(MetricsArgsSchema, location="query")
@blp.response(200, OutcomesReportSchema,
              description="Completion, placement within 90 days, employment at 6 months, median wage, and gender "
                          "gaps (female minus male, female / male).")
def outcomes(args):
    return _answer("outcomes", args)


@blp.route("/indicators", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.arguments(IndicatorArgsSchema, location="query")
@blp.response(200, IndicatorsReportSchema,
              description="The ESF+ common output and result indicators, each split by sex.")
def indicators(args):
    return _answer("indicators", args)


def _answer(kind: str, args: dict) -> Response:
    retention = timedelta(seconds=context.pathways().config.inbox_retention_seconds)
    report, organisation, project_codes = reporting.report(context.uow(), context.principal(), kind, args,
                                                           inbox_retention=retention)
    if args["format"] == "json":
        return jsonify(report)
    mimetype, write = FILES[args["format"]]
    names = labels.group_names(groups.list_(context.uow(), context.principal()), organisation.locale)
    body = write(tables(kind, report, project_codes, names), organisation.locale)
    filename = f"pathways-{organisation.slug}-{kind}.{args['format']}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
