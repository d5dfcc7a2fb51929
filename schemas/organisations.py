"""Organisation settings: read by everyone, changed by admins."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema, StrictInteger, Text, one_of
from schemas.targets import share_targets_field
from service import clock
from service.domain.national_ids import SCHEMES

LOCALES = ("en", "tr", "sv", "es")
_TIME_ZONE = ("IANA time zone name (tz database) whose calendar day is the organisation's today: it judges "
              "every date rule (an exit not ahead, a closing date not past, a follow-up due) and date default. "
              "Timestamps stay UTC. From the country profile at bootstrap (its capital's).")


class OrganisationSchema(BaseSchema):
    id = fields.UUID()
    name = fields.String()
    slug = fields.String()
    country = fields.String()
    national_id_scheme = fields.String()
    reach_target = fields.Integer(allow_none=True)
    share_targets = fields.List(fields.Dict())
    min_cell_size = fields.Integer()
    min_cell_size_reason = fields.String(allow_none=True, metadata={
        "description": "Why the minimum cell size is below 5 (null from 5 upwards)."})
    locale = fields.String()
    time_zone = fields.String(metadata={"description": _TIME_ZONE, "example": "Europe/Istanbul"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class OrganisationPatchSchema(BaseSchema):
    name = Text(min_length=1, max_length=200)
    national_id_scheme = fields.String(validate=one_of(SCHEMES))
    reach_target = StrictInteger(allow_none=True, validate=validate.Range(1, 100_000_000))
    share_targets = share_targets_field()
    min_cell_size = StrictInteger(validate=validate.Range(1, 100), metadata={
        "description": "At least 3 (a smaller value is refused with a 422); below 5 only with "
                       "`min_cell_size_reason`."})
    min_cell_size_reason = Text(allow_none=True, max_length=500, multiline=True, metadata={
        "description": "Why the minimum cell size is below 5: needed with a value of 3 or 4, stored and audited."})
    locale = fields.String(validate=one_of(LOCALES))
    time_zone = fields.String(validate=validate.OneOf(sorted(clock.time_zones()), error=clock.NOT_A_TIME_ZONE),
                              metadata={"description": _TIME_ZONE, "example": "Europe/Istanbul"})
