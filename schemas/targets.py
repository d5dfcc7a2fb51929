"""Share targets, as organisations and projects declare them."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, StrictFloat, _has_control_characters, one_of, rule_broken, text_pattern
from service.domain.targets import DIMENSIONS, share_target_errors
from service.domain.messages import Msg


_CATEGORY = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": text_pattern()}


class CategoryValue(fields.Field):
    """One category, or a list of categories counted together."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("anyOf", [_CATEGORY, {"type": "array", "minItems": 1, "maxItems": 20,
                                                       "items": _CATEGORY}])

    def _deserialize(self, value, attr, data, **kwargs):
        values = value if isinstance(value, list) else [value]
        if not values or len(values) > 20 or not all(
                isinstance(v, str) and 0 < len(v) <= 100 and not _has_control_characters(v) for v in values):
            raise ma.ValidationError(Msg("Must be a category or a non-empty list of categories."))
        return value


class ShareTargetSchema(BaseSchema):
    dimension = fields.String(required=True, validate=one_of(DIMENSIONS))
    value = CategoryValue(required=True)
    min_share = StrictFloat(validate=validate.Range(0, 1))
    max_share = StrictFloat(validate=validate.Range(0, 1))

    @ma.validates_schema
    def _check(self, data, **_kwargs):
        """Values that fit the dimension and at least one bound: a rule across the fields."""
        missing = [name for name in ("dimension", "value") if name not in data]
        if missing:  # a PATCH loads partially, nested schemas included: required all the same
            raise ma.ValidationError({name: [Msg("Missing data for required field.")] for name in missing})
        errors = share_target_errors(data)
        if errors:
            rule_broken({"share_targets": errors})


def share_targets_field(**kwargs) -> fields.List:
    return fields.List(fields.Nested(ShareTargetSchema), validate=validate.Length(max=50), **kwargs)
