"""`BaseSchema` and the strict field types every resource schema is built from."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate


class BaseSchema(ma.Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class Text(fields.String):
    """A string with a length limit that refuses NUL and other control characters."""

    def __init__(self, *, max_length: int = 200, min_length: int = 0, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.min_length = min_length
        self.multiline = multiline
        self.metadata.setdefault("maxLength", max_length)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        allowed = "\n\r\t" if self.multiline else ""
        if any((not ch.isprintable()) and ch not in allowed for ch in text):
            raise ma.ValidationError("Must not contain control characters.")
        if len(text) > self.max_length:
            raise ma.ValidationError(f"Longer than maximum length {self.max_length}.")
        if len(text) < self.min_length:
            raise ma.ValidationError("Must not be empty." if self.min_length == 1
                                     else f"Shorter than minimum length {self.min_length}.")
        return text


class Name(Text):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_length", 1)
        super().__init__(**kwargs)


class StrictBoolean(fields.Boolean):
    """Only JSON `true` and `false`: "yes" or 1 are not a decision."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StrictInteger(fields.Integer):
    """Only JSON integers: no strings, no booleans, no fractions."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def one_of(values) -> validate.OneOf:
    return validate.OneOf(list(values))


class ProblemSchema(BaseSchema):
    """RFC 9457 problem details, as every error of the API is answered."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())
