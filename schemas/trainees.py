"""Trainees: the national id is write-only and never dumped."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema, Date, Email, Name, StrictBoolean, Text, one_of
from schemas.pagination import PageArgsSchema
from service.domain import people


class TraineeCreateSchema(BaseSchema):
    given_name = Name(required=True, max_length=100)
    family_name = Name(required=True, max_length=100)
    national_id = Text(required=True, min_length=1, max_length=32, load_only=True)
    sex = fields.String(required=True, validate=one_of(people.SEXES))
    birth_date = Date(required=True)
    phone = Text(max_length=32, allow_none=True,
                 validate=validate.Regexp(r"^\+?[0-9 ()-]{4,31}$", error="Not a valid phone number."))
    email = Email(allow_none=True, validate=validate.Length(max=254))
    district = Text(max_length=100, allow_none=True)
    settlement_type = fields.String(required=True, validate=one_of(people.SETTLEMENT_TYPES))
    education_level = fields.String(required=True, validate=one_of(people.EDUCATION_LEVELS))
    labour_status = fields.String(required=True, validate=one_of(people.LABOUR_STATUSES))
    vulnerable_groups = fields.List(fields.String(validate=one_of(people.VULNERABLE_GROUPS)),
                                    load_default=list, validate=validate.Length(max=len(people.VULNERABLE_GROUPS)))
    consent = StrictBoolean(required=True)


class TraineePatchSchema(BaseSchema):
    """Contact and situation details; identity (national id, birth date) is fixed."""

    given_name = Name(max_length=100)
    family_name = Name(max_length=100)
    sex = fields.String(validate=one_of(people.SEXES))
    phone = TraineeCreateSchema._declared_fields["phone"]
    email = Email(allow_none=True, validate=validate.Length(max=254))
    district = Text(max_length=100, allow_none=True)
    settlement_type = fields.String(validate=one_of(people.SETTLEMENT_TYPES))
    education_level = fields.String(validate=one_of(people.EDUCATION_LEVELS))
    vulnerable_groups = fields.List(fields.String(validate=one_of(people.VULNERABLE_GROUPS)),
                                    validate=validate.Length(max=len(people.VULNERABLE_GROUPS)))


class TraineeSchema(BaseSchema):
    id = fields.UUID()
    given_name = fields.String()
    family_name = fields.String()
    sex = fields.String()
    birth_date = fields.Date()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    settlement_type = fields.String()
    education_level = fields.String()
    labour_status = fields.String()
    vulnerable_groups = fields.List(fields.String())
    consent = fields.Boolean()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class TraineeListArgsSchema(PageArgsSchema):
    sex = fields.String(validate=one_of(people.SEXES))
    district = Text(max_length=100)
    settlement_type = fields.String(validate=one_of(people.SETTLEMENT_TYPES))
    vulnerable_group = fields.String(validate=one_of(people.VULNERABLE_GROUPS))
    project_id = fields.UUID()
