"""Query options and answers of the metrics endpoints (SPEC section 5); their figures are the catalogue's."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from schemas.base import BaseSchema, PlanDate, one_of, rule_broken
from schemas.packs import PackFieldsSchema
from service.domain import metrics as catalogue
from service.domain.metrics import (
    CURRENCY, MONEY, OUTCOMES, PARTICIPANTS, PARTICIPATIONS, PEOPLE, PERIOD_BASES, RATE, REACH,
)
from service.domain.messages import Msg

FORMATS = ("json", "csv", "xlsx")
FRAMEWORKS = catalogue.FRAMEWORKS
DIMENSIONS = tuple(dimension.name for dimension in catalogue.DIMENSIONS)



def dimensions_pattern(names) -> str:
    """Known dimensions, comma-separated, spaces around them allowed (the `by=` of a report, as a regex)."""
    one = "(?:" + "|".join(names) + ")"
    return rf"^\s*{one}\s*(?:,\s*{one}\s*)*$"


DIMENSIONS_PATTERN = dimensions_pattern(DIMENSIONS)


class DimensionList(fields.String):
    """`by=sex,age_band`: known dimensions, comma-separated; repeats are dropped, order is kept.

    `dimensions` are the ones the report knows (the catalogue's, by default), `what` names the report in the
    message refusing others."""

    def __init__(self, dimensions: tuple[str, ...] = DIMENSIONS, what: str = "", **kwargs):
        super().__init__(**kwargs)
        self.dimensions, self.what = dimensions, what
        self.metadata.setdefault("pattern", dimensions_pattern(dimensions))

    def _deserialize(self, value, attr, data, **kwargs) -> tuple[str, ...]:
        names = [name.strip() for name in super()._deserialize(value, attr, data, **kwargs).split(",")]
        unknown = [name for name in names if name not in self.dimensions]
        if unknown:
            listed = {"unknown": ", ".join(unknown), "dimensions": ", ".join(self.dimensions)}
            raise ma.ValidationError(
                Msg("Unknown dimension(s) {what}: {unknown}; expected any of {dimensions}.",
                    what=Msg(self.what.strip()), **listed) if self.what
                else Msg("Unknown dimension(s): {unknown}; expected any of {dimensions}.", **listed))
        return tuple(dict.fromkeys(names))


class MetricsArgsSchema(BaseSchema):
    project_id = fields.UUID()
    period_start = PlanDate()
    period_end = PlanDate()
    by = DimensionList(load_default=tuple)
    period_basis = fields.String(
        validate=one_of(PERIOD_BASES),
        metadata={"description": "Which date puts a person in the period: `entry` (the enrolment, or a participant's "
                                 "first entry into the project) or `exit` (the exit, or the final exit). Default: "
                                 "entry for reach and the indicators' outputs, exit for outcomes and the "
                                 "indicators' results; the answer's `period_basis` says which was used."})
    suppress = fields.Boolean(truthy={"true"}, falsy={"false"}, load_default=True,
                              metadata={"description": "false (admins only) shows small cells."})
    format = fields.String(load_default="json", validate=one_of(FORMATS))

    @ma.validates_schema
    def _period_in_order(self, data, **_kwargs):
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            rule_broken({"period_end": ["Must not be before period_start."]})


class IndicatorArgsSchema(MetricsArgsSchema):
    framework = fields.String(load_default=catalogue.ESF_PLUS, validate=one_of(FRAMEWORKS))


# --- answers (JSON; format=csv and xlsx give the same figures as files) ---------------------------------------


class ReportHeaderSchema(BaseSchema):
    """What every report says of itself; figures follow per report. Suppressed figures are null."""

    as_of = fields.String(allow_none=True, metadata={
        "description": "Watermark: every event of the organisation committed up to this time is in the figures."})
    pending_events = fields.Integer(metadata={
        "description": "Events of the organisation the figures do not reflect yet (0 once the queues are drained)."})
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
_FIELDS = {PEOPLE: _count, PARTICIPATIONS: _count, PARTICIPANTS: _count, RATE: _rate, MONEY: _text,
           CURRENCY: _text}


def _basis():
    return fields.String(metadata={"description": "The period basis used: entry or exit."})


def _report_schema(name: str, report: str, **rest: fields.Field) -> type[ReportHeaderSchema]:
    """The header, the period basis, then the report's figures as the catalogue lists them, then `rest`."""
    figures = {metric.name: _FIELDS[metric.unit]() for metric in catalogue.answered(report)}
    return type(name, (ReportHeaderSchema,), {"__module__": __name__, "period_basis": _basis(), **figures, **rest})


ReachReportSchema = _report_schema(
    "ReachReportSchema", REACH,
    share_targets=fields.List(fields.Dict()),
    breakdown=fields.List(fields.Dict(), metadata={"description": "One cell per combination of `by`."}))

def _checkpoint_schema(name: str) -> fields.Nested:
    figures = {metric.figure: _FIELDS[metric.unit]() for metric in catalogue.of_report(OUTCOMES)
               if metric.checkpoint == name}
    schema = type(f"Checkpoint{''.join(part.title() for part in name.split('_'))}Schema", (BaseSchema,),
                  {"__module__": __name__, **figures})
    return fields.Nested(schema)


CheckpointsSchema = type("CheckpointsSchema", (BaseSchema,), {
    "__module__": __name__, **{name: _checkpoint_schema(name) for name, *_rest in catalogue.CHECKPOINTS}})

OutcomesReportSchema = _report_schema(
    "OutcomesReportSchema", OUTCOMES,
    checkpoints=fields.Nested(CheckpointsSchema, metadata={
        "description": "upon_leaving, month_6, month_12: exiters whose checkpoint is due by today, employed, "
                       "recorded, unreachable, overdue, employment_rate (over exiters due), "
                       "employment_rate_recorded, coverage (recorded / exiters due)."}),
    median_wages=fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), metadata={
        "description": "The median starting monthly wage in each currency (null when too few)."}),
    wages_left_out=fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Placements of placed_within_90d left out of median_wage, per other currency."}),
    non_traditional=fields.Dict(allow_none=True, metadata={
        "description": "Participations of women placed in occupations non-traditional for women (women below 25 % "
                       "of the workers of the job's ISCO-08 sub-major or major group in the occupation sex-share "
                       "table in effect) and of men in those non-traditional for men, with the table's country, "
                       "scope and sources; null when no table is in effect."}),
    gaps=fields.Dict(metadata={"description": "Per rate and median wage: the sexes' values, difference, ratio."}),
    breakdown=fields.List(fields.Dict()))


class IndicatorsReportSchema(ReportHeaderSchema, PackFieldsSchema):
    framework = fields.String()
    period_basis = fields.Raw(metadata={
        "description": "The period basis asked for, else {outputs: entry, results: exit}."})
    indicators = fields.List(fields.Dict())
    breakdown = fields.List(fields.Dict())
