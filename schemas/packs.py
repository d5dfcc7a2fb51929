"""Answers of the WIOA and ILO indicator packs (`GET /metrics/indicators?framework=wioa|ilo`), for the
OpenAPI document: the pack's figures, which follow the header every metrics answer has.

Each indicator is a row split by sex (`female`, `male`, `non_binary`, `undisclosed`) with its `total`;
a value is null when suppressed or resting on a suppressed count. Its type follows `unit`: people and
placements are integers, rates and hours numbers, money a decimal string in the row's `currency`.
"""

from __future__ import annotations

from itertools import combinations

from marshmallow import fields

from schemas.base import BaseSchema
from service.domain.people import SEXES

UNITS = ("people", "placements", "rate", "hours", "money")


def _value(what: str) -> fields.Raw:
    return fields.Raw(allow_none=True, metadata={
        "description": f"{what}: an integer (people, placements), a number (rate, hours) or a decimal string "
                       "(money); null when suppressed or when there is nothing to take it of."})


#: A row: the indicator, its currency and unit, a value per sex, the total, whether any is hidden.
PackRowSchema = type("PackRowSchema", (BaseSchema,), {
    "__module__": __name__,
    "indicator": fields.String(metadata={"description": "The indicator's name; README defines each."}),
    "currency": fields.String(allow_none=True, metadata={
        "description": "ISO 4217 code of a wage figure and of the count it is taken over; null otherwise."}),
    "unit": fields.String(metadata={"enum": list(UNITS)}),
    **{sex: _value(sex.replace("_", "-").capitalize()) for sex in SEXES},
    "total": _value("All sexes"),
    "suppressed": fields.Boolean(metadata={"description": "Some value of the row is hidden."}),
})


class PairGapSchema(BaseSchema):
    difference = fields.Raw(allow_none=True, metadata={
        "description": "First minus second (a number; money as a decimal string)."})
    ratio = fields.Float(allow_none=True, metadata={"description": "First / second."})


PackGapSchema = type("PackGapSchema", (BaseSchema,), {
    "__module__": __name__,
    "indicator": fields.String(),
    "currency": fields.String(allow_none=True),
    "pairs": fields.Nested(type("PairsSchema", (BaseSchema,), {
        "__module__": __name__,
        **{f"{first}_{second}": fields.Nested(PairGapSchema) for first, second in combinations(SEXES, 2)},
    }), metadata={"description": "Every pair of sexes, `first_second` in the order of the sexes."}),
})


class PayGapSchema(BaseSchema):
    currency = fields.String()
    pair = fields.String(metadata={"description": "`female_male` is the ILO's gender pay gap."})
    gap = fields.Float(allow_none=True, metadata={
        "description": "(second's median hourly wage - first's) / second's: how much less the first earns."})


class EarningsLeftOutSchema(BaseSchema):
    missing_wage = fields.Integer(metadata={
        "description": "Exiters employed in Q2 whose wage is not known (a follow-up without a wage)."})
    other_currency = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Per currency: the exiters employed in Q2 with a wage in another currency, so not in its "
                       "median."})


class WioaPackSchema(BaseSchema):
    framework = fields.String(metadata={"enum": ["wioa"]})
    period_basis = fields.String(metadata={"description": "`exit`: participants whose final exit is in the "
                                                          "period."})
    reference_date = fields.Date(metadata={"description": "The day quarters and years are judged ended by."})
    exiters = fields.Integer(metadata={"description": "Participants whose final exit is in the period."})
    indicators = fields.List(fields.Nested(PackRowSchema))
    earnings_left_out = fields.Nested(EarningsLeftOutSchema)
    gaps = fields.List(fields.Nested(PackGapSchema))


class IloPackSchema(BaseSchema):
    framework = fields.String(metadata={"enum": ["ilo"]})
    period_basis = fields.String(metadata={"description": "`placement_start`: jobs started in the period."})
    placements = fields.Integer(metadata={"description": "Placements started in the period."})
    indicators = fields.List(fields.Nested(PackRowSchema))
    gender_pay_gap = fields.List(fields.Nested(PayGapSchema))
    gaps = fields.List(fields.Nested(PackGapSchema))


class PackFieldsSchema(BaseSchema):
    """The WIOA and ILO answers' own fields, for the one answer schema of `/metrics/indicators` (beside the
    header and `framework`, `period_basis`, `indicators` it has already): present for those frameworks."""

    reference_date = WioaPackSchema._declared_fields["reference_date"]
    exiters = WioaPackSchema._declared_fields["exiters"]
    earnings_left_out = WioaPackSchema._declared_fields["earnings_left_out"]
    placements = IloPackSchema._declared_fields["placements"]
    gender_pay_gap = IloPackSchema._declared_fields["gender_pay_gap"]
    gaps = fields.List(fields.Nested(PackGapSchema), metadata={
        "description": "WIOA and ILO: for each rate, median and mean, every pair of sexes."})
