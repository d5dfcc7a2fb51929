"""Enrolments and their exits."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, Date, PlanDate, StrictBoolean, StrictInteger, Text, one_of, rule_broken
from schemas.pagination import PageArgsSchema
from schemas.trainees import LABOUR_STATUS_DESCRIPTION, citizenship_field, group_keys_field
from service.domain import enrolments, people
from service.domain.trainees import OLDEST_PLAUSIBLE_AGE


class EnrolmentCreateSchema(BaseSchema):
    trainee_id = fields.UUID(required=True)
    project_id = fields.UUID(required=True)
    cohort_id = fields.UUID(allow_none=True)
    enrolled_on = Date(required=True)
    labour_status_at_entry = fields.String(validate=one_of(people.LABOUR_STATUSES), metadata={
        "description": "The labour status on entry; by default the person's current one. " + LABOUR_STATUS_DESCRIPTION})


class CorrectEntrySchema(BaseSchema):
    """Values at entry to correct (any of them) and why: the correction is audited with the reason."""

    labour_status = fields.String(validate=one_of(people.LABOUR_STATUSES))
    age = StrictInteger(validate=validate.Range(min=people.MINIMUM_ENROLMENT_AGE, max=OLDEST_PLAUSIBLE_AGE))
    education_level = fields.String(validate=one_of(people.EDUCATION_LEVELS))
    settlement_type = fields.String(validate=one_of(people.SETTLEMENT_TYPES))
    vulnerable_groups = group_keys_field()
    citizenship = citizenship_field()
    reason = Text(required=True, min_length=1, max_length=enrolments.MAXIMUM_REASON_LENGTH, multiline=True)

    @ma.validates_schema
    def _something_to_correct(self, data, **_kwargs):
        if not any(name in data for name in enrolments.AT_ENTRY):
            rule_broken({"_schema": [f"Give at least one of: {', '.join(enrolments.AT_ENTRY)}."]})


class AtEntrySchema(BaseSchema):
    labour_status = fields.String()
    age = fields.Integer()
    education_level = fields.String()
    settlement_type = fields.String()
    vulnerable_groups = fields.List(fields.String())
    citizenship = fields.String(allow_none=True)


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
    labour_status_at_entry = fields.String()
    at_entry = fields.Method("_at_entry", metadata={"description": (
        "The person as at entry: what the indicators count. Follows edits of the person while the "
        "enrolment is open; after that, only a correction (POST /enrolments/{id}/correct-entry) changes it.")})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()

    def _at_entry(self, enrolment) -> dict:
        return _AT_ENTRY.dump(enrolments.at_entry(enrolment))


_AT_ENTRY = AtEntrySchema()


class EnrolmentListArgsSchema(PageArgsSchema):
    project_id = fields.UUID()
    cohort_id = fields.UUID()
    trainee_id = fields.UUID()
    status = fields.String(validate=one_of(enrolments.STATUSES))
    enrolled_from = PlanDate()
    enrolled_to = PlanDate()
