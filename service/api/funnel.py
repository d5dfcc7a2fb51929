"""`/metrics/funnel`: how many people reached each stage, from registration to work a year after leaving.

JSON by default; `format=csv` and `format=xlsx` give the same figures as a labelled file in the
organisation's locale. What each stage counts: service.metrics.funnel.
"""

from __future__ import annotations

from flask import Response, jsonify

from schemas.funnel import FunnelArgsSchema, FunnelReportSchema
from service.api import context
from service.api.auth import requires
from service.api.metrics import FILES
from service.api.openapi import Blueprint
from service.domain.roles import PROGRAMME_READERS
from service.metrics import labels
from service.metrics.tables import tables
from service.services import funnel, groups

blp = Blueprint("funnel", __name__, url_prefix="/metrics",
                description="The funnel from registration to employment a year after leaving, by sex; small cells "
                            "suppressed.")


@blp.route("/funnel", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.arguments(FunnelArgsSchema, location="query")
@blp.response(200, FunnelReportSchema,
              description="Distinct people at each stage (registered, enrolled, completed, dropped out and why, "
                          "referred, interviewed, hired, employed 6 and 12 months after leaving), split by sex, "
                          "each with its share of the enrolled; `breakdown` with by=.")
@blp.doc(responses={"200": {"content": {  # JSON, and format=csv and format=xlsx as the other metrics document them
    "application/json": {"schema": FunnelReportSchema},
    **{mimetype: {"schema": {"type": "string", **({"format": "binary"} if kind == "xlsx" else {})}}
       for kind, (mimetype, _) in FILES.items()}}}})
def funnel_report(args):
    report, organisation, project_codes = funnel.report(context.uow(), context.principal(), args)
    if args["format"] == "json":
        return jsonify(report)
    mimetype, write = FILES[args["format"]]
    names = labels.group_names(groups.list_(context.uow(), context.principal()), organisation.locale)
    body = write(tables("funnel", report, project_codes, names), organisation.locale)
    filename = f"pathways-{organisation.slug}-funnel.{args['format']}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
