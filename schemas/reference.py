"""Reference tables: occupation sex shares, as an admin loads them and as everyone reads them."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, StrictInteger, Text, one_of, rule_broken
from service.domain import occupation_shares, occupations
from service.domain.messages import Msg

GROUP_CODES = (*occupations.MAJOR_GROUPS, *occupations.SUB_MAJOR_GROUPS)
SCOPES = ("organisation", "national", "shipped")
MAX_CSV_LENGTH = 100_000


class Share(fields.Decimal):
    """A JSON number between 0 and 1, kept exact (the API reads JSON numbers as `Decimal`s)."""

    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)
        # Stated here, not by a Range validator, which apispec would write as the strings "0" and "1".
        self.metadata.update({"type": "number", "minimum": 0, "maximum": 1})

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self.make_error("invalid")
        share = super()._deserialize(value, attr, data, **kwargs)
        if not 0 <= share <= 1:
            raise ma.ValidationError(Msg("Must be between 0 and 1 (a share, not a percentage)."))
        return share


class ShareRowSchema(BaseSchema):
    isco_code = fields.String(required=True, validate=one_of(GROUP_CODES),
                              metadata={"description": "An ISCO-08 major (1 digit) or sub-major (2 digits) group."})
    female_share = Share(required=True, metadata={"description": "Women's share of the group's employed persons "
                                                                 "(0 to 1, at most four decimals)."})
    male_share = Share(required=True, metadata={"description": "Men's share (0 to 1, at most four decimals); "
                                                               "female + male at most 1."})
    source = Text(required=True, min_length=1, max_length=occupation_shares.MAX_SOURCE_LENGTH,
                  metadata={"description": "Publisher, table, year and address of the figures."})
    year = StrictInteger(required=True, validate=validate.Range(occupation_shares.YEARS.start,
                                                                occupation_shares.YEARS.stop - 1))


class OccupationSharesPutSchema(BaseSchema):
    """A whole table, as `rows` or as `csv` text (a header naming isco_code, female_share, male_share,
    source and year; other columns are ignored): it replaces the organisation's own table."""

    rows = fields.List(fields.Nested(ShareRowSchema), validate=validate.Length(max=occupation_shares.MAX_ROWS))
    csv = Text(multiline=True, max_length=MAX_CSV_LENGTH,
               metadata={"description": "The table as CSV text, with a header row."})

    @ma.validates_schema
    def _one_form(self, data, **_kwargs):
        if ("rows" in data) == ("csv" in data):
            rule_broken({"_body": ["Send the table as `rows` or as `csv`, one of the two."]})


class ShareRowAnswerSchema(BaseSchema):
    isco_code = fields.String()
    level = fields.String(metadata={"enum": [occupations.MAJOR, occupations.SUB_MAJOR]})
    title = fields.String(metadata={"description": "The group's ISCO-08 title in the organisation's language."})
    female_share = fields.Float()
    male_share = fields.Float()
    non_traditional_for = fields.List(fields.String(metadata={"enum": list(occupation_shares.SEXES)}),
                                      metadata={"description": "The sexes below the threshold in this group."})
    source = fields.String()
    year = fields.Integer()


class OccupationSharesSchema(BaseSchema):
    country = fields.String()
    scope = fields.String(metadata={
        "enum": list(SCOPES),
        "description": "Whose table is in effect: the organisation's own, the national one an operator loaded, "
                       "or the one shipped with Pathways."})
    threshold = fields.Float(metadata={"description": "An occupation is non-traditional for a sex whose share "
                                                      "is below this."})
    rows = fields.List(fields.Nested(ShareRowAnswerSchema))
