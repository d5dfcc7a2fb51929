"""Query options of the metrics endpoints (SPEC section 5)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from schemas.base import BaseSchema, PlanDate, one_of
from service.metrics.aggregates import DIMENSIONS

FORMATS = ("json", "csv", "xlsx")
FRAMEWORKS = ("esf_plus",)


class DimensionList(fields.String):
    """`by=sex,age_band`: known dimensions, comma-separated; repeats are dropped, order is kept."""

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
            raise ma.ValidationError({"period_end": ["Must not be before period_start."]})


class IndicatorArgsSchema(MetricsArgsSchema):
    framework = fields.String(load_default="esf_plus", validate=one_of(FRAMEWORKS))
