"""Query options and answer of `GET /metrics/funnel` (SPEC section 7): the metrics options, with the
funnel's own `by=` dimensions (the person's record, the age band on entry, the project)."""

from __future__ import annotations

from marshmallow import fields

from schemas.base import BaseSchema, one_of
from schemas.metrics import DimensionList, MetricsArgsSchema, ReportHeaderSchema
from service.domain.people import SEXES

#: The funnel's `by=` options (service.metrics.funnel.DIMENSIONS; schemas may not import the engine).
DIMENSIONS = ("sex", "age_band", "vulnerable_group", "settlement_type", "labour_status", "education_level",
              "project", "district")
STAGES = ("registered", "enrolled", "completed", "dropped_out", "referred", "interviewing", "hired",
          "employed_6m", "employed_12m")
PERIOD_BASES = ("entry",)

class FunnelArgsSchema(MetricsArgsSchema):
    by = DimensionList(DIMENSIONS, " for the funnel", load_default=tuple)
    period_basis = fields.String(
        load_default="entry", validate=one_of(PERIOD_BASES),
        metadata={"description": "entry only: `registered` by the day of registration, every later stage by "
                                 "the enrolled_on of the enrolments in scope."})


def _per_sex(field) -> dict[str, fields.Field]:
    return {sex: field(allow_none=True) for sex in (*SEXES, "total")}


#: The stage's people over the enrolled people, per sex and in total; null when either is hidden.
StageShareSchema = type("StageShareSchema", (BaseSchema,), {"__module__": __name__, **_per_sex(fields.Float)})

StageSchema = type("StageSchema", (BaseSchema,), {
    "__module__": __name__,
    "stage": fields.String(metadata={"enum": list(STAGES)}),
    "exit_reason": fields.String(allow_none=True, metadata={"description": "Set on a drop-out reason's row."}),
    **_per_sex(fields.Integer),
    "share_of_enrolled": fields.Nested(StageShareSchema),
    "suppressed": fields.Boolean(),
})


class FunnelReportSchema(ReportHeaderSchema):
    as_of = fields.String(metadata={"description": "When the records were read: the funnel reads them, not the "
                                                   "metrics read model, so it is current."})
    period_basis = fields.String()
    pending_events = fields.Integer(metadata={"description": "Always 0: the funnel reads the records."})
    stages = fields.List(fields.Nested(StageSchema))
    breakdown = fields.List(fields.Dict(), metadata={
        "description": "One cell per combination of `by`: its values (keys named as in `by`), `stages` and "
                       "`suppressed`."})
