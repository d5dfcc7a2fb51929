"""Enrolments and their exits."""

from __future__ import annotations

from marshmallow import fields

from schemas.base import BaseSchema, Date, PlanDate, StrictBoolean, one_of
from schemas.pagination import PageArgsSchema
from service.domain import enrolments


class EnrolmentCreateSchema(BaseSchema):
    trainee_id = fields.UUID(required=True)
    project_id = fields.UUID(required=True)
    cohort_id = fields.UUID(allow_none=True)
    enrolled_on = Date(required=True)


class CompleteSchema(BaseSchema):
    exited_on = Date(required=True)
    qualification_gained = StrictBoolean(required=True)


class DropOutSchema(BaseSchema):
    exited_on = Date(required=True)
    reason = fields.String(required=True, validate=one_of(
        [r for r in enrolments.EXIT_REASONS if r != "completed_course"]))


class EnrolmentSchema(BaseSchema):
    id = fields.UUID()
    trainee_id = fields.UUID()
    project_id = fields.UUID()
    cohort_id = fields.UUID(allow_none=True)
    status = fields.String()
    enrolled_on = fields.Date()
    exited_on = fields.Date(allow_none=True)
    exit_reason = fields.String(allow_none=True)
    qualification_gained = fields.Boolean(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class EnrolmentListArgsSchema(PageArgsSchema):
    project_id = fields.UUID()
    cohort_id = fields.UUID()
    trainee_id = fields.UUID()
    status = fields.String(validate=one_of(enrolments.STATUSES))
    enrolled_from = PlanDate()
    enrolled_to = PlanDate()
