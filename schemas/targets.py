"""Share targets, as organisations and projects declare them."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, StrictFloat, Text
from service.domain.targets import share_target_errors


class CategoryValue(fields.Field):
    """One category, or a list of categories counted together."""

    def _deserialize(self, value, attr, data, **kwargs):
        values = value if isinstance(value, list) else [value]
        if not values or len(values) > 20 or not all(
                isinstance(v, str) and 0 < len(v) <= 100 and v.isprintable() for v in values):
            raise ma.ValidationError("Must be a category or a non-empty list of categories.")
        return value


class ShareTargetSchema(BaseSchema):
    dimension = Text(required=True, max_length=32)
    value = CategoryValue(required=True)
    min_share = StrictFloat(validate=validate.Range(0, 1))
    max_share = StrictFloat(validate=validate.Range(0, 1))

    @ma.validates_schema
    def _check(self, data, **_kwargs):
        errors = share_target_errors(data)
        if errors:
            raise ma.ValidationError(errors)


def share_targets_field(**kwargs) -> fields.List:
    return fields.List(fields.Nested(ShareTargetSchema), validate=validate.Length(max=50), **kwargs)
