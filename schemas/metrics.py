"""Query options and answers of the metrics endpoints (SPEC section 5); their figures are the catalogue's."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from schemas.base import BaseSchema, PlanDate, one_of, rule_broken
from service.domain import metrics as catalogue
from service.domain.metrics import CURRENCY, MONEY, OUTCOMES, PARTICIPATIONS, PEOPLE, RATE, REACH

FORMATS = ("json", "csv", "xlsx")
FRAMEWORKS = ("esf_plus",)
DIMENSIONS = tuple(dimension.name for dimension in catalogue.DIMENSIONS)

_DIMENSION = "(?:" + "|".join(DIMENSIONS) + ")"
#: Known dimensions, comma-separated, spaces around them allowed.
DIMENSIONS_PATTERN = rf"^\s*{_DIMENSION}\s*(?:,\s*{_DIMENSION}\s*)*$"


class DimensionList(fields.String):
    """`by=sex,age_band`: known dimensions, comma-separated; repeats are dropped, order is kept."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("pattern", DIMENSIONS_PATTERN)

    def _deserialize(self, value, attr, data, **kwargs) -> tuple[str, ...]:
        names = [name.strip() for name in super()._deserialize(value, attr, data, **kwargs).split(",")]
        unknown = [name for name in names if name not in DIMENSIONS]
        if unknown:
            raise ma.ValidationError(f"Unknown dimension(s): {', '.join(unknown)}; "
                                     f"expected any of {', '.join(DIMENSIONS)}.")
        return tuple(dict.fromkeys(names))


class MetricsArgsSchema(BaseSchema):
    project_id = fields.UUID()
    period_start = PlanDate()
    period_end = PlanDate()
    by = DimensionList(load_default=tuple)
    suppress = fields.Boolean(truthy={"true"}, falsy={"false"}, load_default=True,
                              metadata={"description": "false (admins only) shows small cells."})
    format = fields.String(load_default="json", validate=one_of(FORMATS))

    @ma.validates_schema
    def _period_in_order(self, data, **_kwargs):
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            rule_broken({"period_end": ["Must not be before period_start."]})


class IndicatorArgsSchema(MetricsArgsSchema):
    framework = fields.String(load_default="esf_plus", validate=one_of(FRAMEWORKS))


# --- answers (JSON; format=csv and xlsx give the same figures as files) ---------------------------------------


class ReportHeaderSchema(BaseSchema):
    """What every report says of itself; figures follow per report. Suppressed figures are null."""

    as_of = fields.String(allow_none=True, metadata={"description": "When the read model was last updated."})
    organisation_id = fields.UUID()
    project_id = fields.UUID(allow_none=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    by = fields.List(fields.String())
    min_cell_size = fields.Integer()
    suppression = fields.Boolean()


def _count():
    return fields.Integer(allow_none=True)


def _rate():
    return fields.Float(allow_none=True)


def _text():
    return fields.String(allow_none=True)


#: How an answer carries a figure of each unit (money as a decimal string).
_FIELDS = {PEOPLE: _count, PARTICIPATIONS: _count, RATE: _rate, MONEY: _text, CURRENCY: _text}


def _report_schema(name: str, report: str, **rest: fields.Field) -> type[ReportHeaderSchema]:
    """The header, then the report's figures as the catalogue lists them, then `rest`."""
    figures = {metric.name: _FIELDS[metric.unit]() for metric in catalogue.answered(report)}
    return type(name, (ReportHeaderSchema,), {"__module__": __name__, **figures, **rest})


ReachReportSchema = _report_schema(
    "ReachReportSchema", REACH,
    share_targets=fields.List(fields.Dict()),
    breakdown=fields.List(fields.Dict(), metadata={"description": "One cell per combination of `by`."}))

OutcomesReportSchema = _report_schema(
    "OutcomesReportSchema", OUTCOMES,
    gaps=fields.Dict(metadata={"description": "Per rate and median wage: female, male, difference, ratio."}),
    breakdown=fields.List(fields.Dict()))


class IndicatorsReportSchema(ReportHeaderSchema):
    framework = fields.String()
    indicators = fields.List(fields.Dict())
    breakdown = fields.List(fields.Dict())
