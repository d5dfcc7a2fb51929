"""`BaseSchema` and the strict field types every resource schema is built from."""

from __future__ import annotations

import re
from datetime import timezone
from decimal import Decimal

import marshmallow as ma
from marshmallow import fields, validate

from service import clock
from service.domain import dates
from service.domain.errors import ValidationFailed
from service.domain.messages import Msg


class BaseSchema(ma.Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


#: Characters no text of ours may hold: C0 and C1 controls, DEL, line and paragraph separators,
#: bidirectional overrides and marks (which make a name display as another), lone surrogates
#: and the byte-order mark. The same class is the `pattern` the OpenAPI document gives.
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufeff"
_MULTILINE_ALLOWED = "\n\r\t"
#: What str.strip() removes, spelled out (a pattern's \s may be ASCII only).
_WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")


def _has_control_characters(text: str, allowed: str = "") -> bool:
    if text.isprintable():  # the usual case, at C speed: none of them can be in it
        return False
    return any(ch not in allowed for ch in _CONTROL.findall(text))


def text_pattern(*, multiline: bool = False, non_blank: bool = False) -> str:
    """The JSON Schema `pattern` of a Text field: no control characters (a multiline one keeps
    newlines and tabs), and with `non_blank` something besides whitespace."""
    # Lone surrogates are left out: JSON text can hold one (escaped), but schemathesis' pattern
    # support fails on a surrogate range and generates from the class without it.
    forbidden = CONTROL_CHARACTERS.replace(r"\ud800-\udfff", "")
    if multiline:
        forbidden = r"\x00-\x08\x0b\x0c\x0e-\x1f" + forbidden.removeprefix(r"\x00-\x1f")
    if non_blank:
        return rf"^[^{forbidden}]*[^{forbidden}{_WHITESPACE}][^{forbidden}]*$"
    return f"^[^{forbidden}]*$"


class Text(fields.String):
    """A string with a length limit that refuses NUL and other control characters."""

    def __init__(self, *, max_length: int = 200, min_length: int = 0, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.min_length = min_length
        self.multiline = multiline
        self.metadata.setdefault("maxLength", max_length)
        if min_length:
            self.metadata.setdefault("minLength", min_length)
        if not any(isinstance(check, validate.Regexp) for check in self.validators):  # that one says more
            self.metadata.setdefault("pattern", text_pattern(multiline=multiline, non_blank=min_length > 0))

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        if _has_control_characters(raw, _MULTILINE_ALLOWED if self.multiline else ""):
            raise ma.ValidationError(Msg("Must not contain control characters."))
        if len(raw) > self.max_length:  # as sent, as the schema's maxLength counts
            raise ma.ValidationError(Msg("Longer than maximum length {max}.", max=self.max_length))
        text = raw.strip()
        if len(text) < self.min_length:
            raise ma.ValidationError(Msg("Must not be empty.") if self.min_length == 1
                                     else Msg("Shorter than minimum length {min}.", min=self.min_length))
        return text


class Name(Text):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_length", 1)
        super().__init__(**kwargs)


class Email(fields.Email):
    """An address without control characters, which RFC 5321 allows inside a quoted local
    part ("\x01"@example.org) but no mail system of ours should ever store or send to."""

    def _deserialize(self, value, attr, data, **kwargs):
        address = super()._deserialize(value, attr, data, **kwargs)
        if _has_control_characters(address):
            raise self.make_error("invalid")
        return address


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


class StrictFloat(fields.Float):
    """Only finite JSON numbers: no strings, no booleans, no NaN or Infinity. (The API parses
    JSON numbers as `Decimal`s, exactly as written; here they become floats.)"""

    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self.make_error("invalid")
        if isinstance(value, Decimal):
            value = float(value)  # beyond a float's range: infinity, refused as such
        return super()._deserialize(value, attr, data, **kwargs)


class UTCDateTime(fields.AwareDateTime):
    """An ISO 8601 timestamp with an offset, converted to UTC; one whose UTC value falls
    outside years 1 to 9999 (0001-01-01T00:00:00+01:00) is invalid, not a crash later."""

    default_error_messages = {"out_of_range": Msg("Outside the years 1 to 9999 once converted to UTC.")}

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(timezone.utc)
        except OverflowError:
            raise self.make_error("out_of_range") from None


class Date(fields.Date):
    """An ISO 8601 calendar date between 1900-01-01 and a year ahead (`horizon_years`: plans
    and search bounds reach further), so 9999-12-31 is refused, not stored. "Ahead" of the caller's
    organisation's today (service.clock.acting_today)."""

    def __init__(self, *, horizon_years: int = dates.EVENT_HORIZON_YEARS, **kwargs):
        super().__init__(**kwargs)
        self.horizon_years = horizon_years
        self.metadata.setdefault("x-earliest", dates.EARLIEST.isoformat())
        self.metadata.setdefault("x-horizon-years", horizon_years)

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        problem = dates.out_of_range(day, clock.acting_today(), self.horizon_years)
        if problem:
            raise ma.ValidationError(problem)
        return day


class PlanDate(Date):
    """A planned date (a project's end) or the bound of a search."""

    def __init__(self, **kwargs):
        super().__init__(horizon_years=dates.PLAN_HORIZON_YEARS, **kwargs)


def rule_broken(errors: dict[str, list[str]]):
    """A rule between fields (an end before its start), which a JSON Schema cannot state: it is
    answered as a broken rule, like the domain's, not as a request that breaks its schema."""
    raise ValidationFailed(errors)


def one_of(values) -> validate.OneOf:
    return validate.OneOf(list(values))


class ProblemSchema(BaseSchema):
    """RFC 9457 problem details, as every error of the API is answered; a problem may carry
    extension members (`current_status`, `existing_trainee_id`, `closes_on`, ...)."""

    class Meta(BaseSchema.Meta):
        unknown = ma.INCLUDE

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())
