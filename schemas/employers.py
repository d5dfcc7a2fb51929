"""Employers and vacancies."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema, Date, Name, StrictInteger, Text, one_of
from schemas.money import Amount, Currency
from schemas.pagination import PageArgsSchema
from service.domain import vacancies
from service.domain.employers import NACE_PATTERN
from service.domain.messages import Msg

ISCO_CODE = validate.Regexp(r"^[0-9]{1,4}\Z", error=Msg("Must be an ISCO-08 code of 1 to 4 digits."))
#: The same, as the OpenAPI document writes it (`\Z` is Python's; JSON Schema's regex ends with `$`).
ISCO_DOC = {"pattern": "^[0-9]{1,4}$"}
NACE_DOC = {"pattern": NACE_PATTERN.pattern.replace("\\Z", "$")}


class EmployerCreateSchema(BaseSchema):
    name = Name(required=True, max_length=200)
    tax_number = Text(required=True, min_length=1, max_length=32)
    sector = fields.String(required=True, validate=validate.Regexp(
        NACE_PATTERN, error=Msg("Must be a NACE Rev. 2 code such as I56 or C10.7.")), metadata=NACE_DOC)
    district = Text(max_length=100, allow_none=True)


class EmployerSchema(BaseSchema):
    id = fields.UUID()
    name = fields.String()
    tax_number = fields.String()
    sector = fields.String()
    district = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class EmployerListArgsSchema(PageArgsSchema):
    sector = Text(max_length=8)
    district = Text(max_length=100)


class VacancyCreateSchema(BaseSchema):
    employer_id = fields.UUID(metadata={"description": "Required for staff; employer users post for their own."})
    title = Name(required=True, max_length=200)
    occupation = fields.String(required=True, validate=ISCO_CODE, metadata=ISCO_DOC)
    positions = StrictInteger(required=True, validate=validate.Range(1, 10_000))
    wage_monthly = Amount(required=True)
    currency = Currency(required=True)
    contract_type = fields.String(required=True, validate=one_of(vacancies.CONTRACT_TYPES))
    district = Text(max_length=100, allow_none=True)
    closes_on = Date(allow_none=True)


class VacancyPatchSchema(BaseSchema):
    title = Name(max_length=200)
    positions = StrictInteger(validate=validate.Range(1, 10_000))
    wage_monthly = Amount()
    currency = Currency()
    contract_type = fields.String(validate=one_of(vacancies.CONTRACT_TYPES))
    district = Text(max_length=100, allow_none=True)
    closes_on = Date(allow_none=True)
    status = fields.String(validate=one_of(vacancies.STATUSES))


class VacancySchema(BaseSchema):
    id = fields.UUID()
    employer_id = fields.UUID()
    title = fields.String()
    occupation = fields.String()
    positions = fields.Integer()
    wage_monthly = Amount()
    currency = fields.String()
    contract_type = fields.String()
    district = fields.String(allow_none=True)
    closes_on = fields.Date(allow_none=True)
    status = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class VacancyListArgsSchema(PageArgsSchema):
    employer_id = fields.UUID()
    status = fields.String(validate=one_of(vacancies.STATUSES))
    occupation = fields.String(validate=ISCO_CODE, metadata=ISCO_DOC)
    district = Text(max_length=100)
