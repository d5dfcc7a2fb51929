"""Projects and their cohorts."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, Name, PlanDate, StrictInteger, Text, one_of, rule_broken
from schemas.pagination import PageArgsSchema
from schemas.targets import share_targets_field
from service.domain.people import VULNERABLE_GROUPS
from service.domain.messages import Msg

PRIORITY_GROUPS = ("women", "youth", "rural", *VULNERABLE_GROUPS)


def _dates_in_order(data, start="starts_on", end="ends_on"):
    if data.get(start) and data.get(end) and data[end] < data[start]:
        rule_broken({end: ["Must not be before " + start + "."]})


class ProjectCreateSchema(BaseSchema):
    code = Text(required=True, min_length=1, max_length=32)
    name = Name(required=True, max_length=200)
    description = Text(max_length=5000, multiline=True, load_default="")
    starts_on = PlanDate(allow_none=True)
    ends_on = PlanDate(allow_none=True)
    reach_target = StrictInteger(allow_none=True, validate=validate.Range(1, 100_000_000))
    share_targets = share_targets_field(load_default=list)
    priority_groups = fields.List(fields.String(validate=one_of(PRIORITY_GROUPS)),
                                  validate=validate.Length(max=20), load_default=list)

    @ma.validates_schema
    def _check_dates(self, data, **_kwargs):
        _dates_in_order(data)


class ProjectPatchSchema(ProjectCreateSchema):
    """Any subset of the creation fields; used with `partial=True`."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class ProjectSchema(BaseSchema):
    id = fields.UUID()
    code = fields.String()
    name = fields.String()
    description = fields.String()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    reach_target = fields.Integer(allow_none=True)
    share_targets = fields.List(fields.Dict())
    priority_groups = fields.List(fields.String())
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ProjectListArgsSchema(PageArgsSchema):
    code = Text(max_length=32)


class CohortCreateSchema(BaseSchema):
    name = Name(required=True, max_length=200)
    occupation = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9]{1,4}\Z", error=Msg("Must be an ISCO-08 code of 1 to 4 digits.")), metadata={"pattern": "^[0-9]{1,4}$"})
    starts_on = PlanDate(allow_none=True)
    ends_on = PlanDate(allow_none=True)
    capacity = StrictInteger(allow_none=True, validate=validate.Range(1, 100_000))
    district = Text(max_length=100, allow_none=True)

    @ma.validates_schema
    def _check_dates(self, data, **_kwargs):
        _dates_in_order(data)


class CohortSchema(BaseSchema):
    id = fields.UUID()
    project_id = fields.UUID()
    name = fields.String()
    occupation = fields.String()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    district = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
