"""Trainees: the national id is write-only and never dumped."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, Date, Email, Name, StrictBoolean, Text, one_of
from schemas.documents import (
    CONFIRM_SEX_MISMATCH_DESCRIPTION, DocumentSchema, documents_field, no_document_reason_field, type_field,
)
from schemas.pagination import PageArgsSchema
from service.domain import consent as consent_rules
from service.domain import groups, people
from service.domain.messages import Msg


RETIRED_SEX = "other"
_SEX_DESCRIPTION = ("`female`, `male`, `non_binary` or `undisclosed` (the person did not say). `other` was "
                    "retired: it meant either of the last two, so stored ones became `undisclosed`.")


def _sex(value: str) -> None:
    if value == RETIRED_SEX:
        raise ma.ValidationError(Msg("`other` is no longer a value: use `non_binary` or `undisclosed` (the person "
                                     "did not say). Must be one of: {choices}.", choices=", ".join(people.SEXES)))
    one_of(people.SEXES)(value)


def sex_field(**kwargs) -> fields.String:
    return fields.String(validate=_sex, metadata={"enum": list(people.SEXES), "description": _SEX_DESCRIPTION},
                         **kwargs)


class Citizenship(fields.String):
    """ISO 3166-1 alpha-2, any case in, upper case kept; null for not known."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if (problem := people.check_citizenship(code)) is not None:
            raise ma.ValidationError(problem)
        return code


def citizenship_field(**kwargs) -> Citizenship:
    return Citizenship(allow_none=True, metadata={
        "enum": sorted(people.COUNTRY_CODES),
        "description": "Citizenship, ISO 3166-1 alpha-2 (e.g. TR, SY; XK for Kosovo); optional. Outside the 27 "
                       "EU member states: a third-country national (ESF+)."}, **kwargs)


LABOUR_STATUS_DESCRIPTION = (
    "`unemployed`: without work, available and seeking work (ILO); `long_term_unemployed`: so for 12 months or "
    "more (6 below 25); `inactive`: without work and not seeking; `in_education`: in education or training "
    "(ESF+ counts them as inactive); `employed`, self-employed included.")


def group_key_field(*, description: str | None = None, **kwargs) -> fields.String:
    """A group's key as spelt (the organisation's vocabulary is checked by the service)."""
    return fields.String(validate=validate.Regexp(groups.KEY.pattern, error=groups.KEY_MESSAGE), metadata={
        "description": description or "A group of the organisation's vocabulary (`GET /organisation/groups`)."},
        **kwargs)


def group_keys_field(**kwargs) -> fields.List:
    return fields.List(group_key_field(), validate=validate.Length(max=groups.MAXIMUM_PER_PERSON), metadata={
        "description": "Groups of the organisation's active vocabulary (`GET /organisation/groups`); a retired "
                       "group stays on a record that has it, but is given to no one new."}, **kwargs)


class TraineeCreateSchema(BaseSchema):
    given_name = Name(required=True, max_length=100)
    family_name = Name(required=True, max_length=100)
    national_id = Text(min_length=1, max_length=32, load_only=True, metadata={
        "description": "Shorthand for a document of the organisation's primary type (its `national_id_scheme`), "
                       "issued by its country. Write-only."})
    documents = documents_field()
    no_document_reason = no_document_reason_field()
    confirm_sex_mismatch = StrictBoolean(load_only=True, metadata={"description": CONFIRM_SEX_MISMATCH_DESCRIPTION})
    sex = sex_field(required=True)
    birth_date = Date(required=True)
    phone = Text(max_length=32, allow_none=True,
                 # No space at either end: the value is read stripped, so " 604" would be three characters.
                 validate=validate.Regexp(r"^\+?[0-9()-][0-9 ()-]{2,29}[0-9()-]$",
                                          error=Msg("Not a valid phone number.")))
    email = Email(allow_none=True, validate=validate.Length(max=254))
    district = Text(max_length=100, allow_none=True)
    settlement_type = fields.String(required=True, validate=one_of(people.SETTLEMENT_TYPES))
    education_level = fields.String(required=True, validate=one_of(people.EDUCATION_LEVELS))
    labour_status = fields.String(required=True, validate=one_of(people.LABOUR_STATUSES),
                                  metadata={"description": LABOUR_STATUS_DESCRIPTION})
    vulnerable_groups = group_keys_field(load_default=list)
    citizenship = citizenship_field()
    consent = StrictBoolean(required=True)
    consent_purposes = fields.List(fields.String(validate=one_of(consent_rules.PURPOSES)), load_only=True,
                                   load_default=None, validate=validate.Length(max=len(consent_rules.PURPOSES)),
                                   metadata={"description": "With `consent`: the purposes agreed to (default: all "
                                                            "the current consent text asks for); `programme` is "
                                                            "required. See `/organisation/consent-texts`."})
    consent_language = fields.String(load_only=True, load_default=None, validate=one_of(("en", "tr", "sv", "es")),
                                     metadata={"description": "The language the consent text was read in (default: "
                                                              "the organisation's)."})
    not_duplicate_of = fields.List(fields.UUID(), load_default=list, load_only=True, validate=validate.Length(max=50),
                                   metadata={"description": "Ids of the likely duplicates a 409 named that the "
                                                            "caseworker confirms are other people (recorded)."})


class TraineePatchSchema(BaseSchema):
    """Contact and situation details; identity (national id, birth date) is fixed. A change of the
    situation reaches the person's open enrolments (their values at entry); closed ones keep theirs."""

    given_name = Name(max_length=100)
    family_name = Name(max_length=100)
    sex = sex_field()
    confirm_sex_mismatch = StrictBoolean(load_only=True, metadata={"description": CONFIRM_SEX_MISMATCH_DESCRIPTION})
    phone = TraineeCreateSchema._declared_fields["phone"]
    email = Email(allow_none=True, validate=validate.Length(max=254))
    district = Text(max_length=100, allow_none=True)
    settlement_type = fields.String(validate=one_of(people.SETTLEMENT_TYPES))
    education_level = fields.String(validate=one_of(people.EDUCATION_LEVELS))
    labour_status = fields.String(validate=one_of(people.LABOUR_STATUSES),
                                  metadata={"description": LABOUR_STATUS_DESCRIPTION})
    vulnerable_groups = group_keys_field()
    citizenship = citizenship_field()
    consent = StrictBoolean(metadata={"description": "`false` withdraws every purpose of the person's consent (as "
                                                     "`POST /trainees/{id}/consent/withdraw` with `programme`); "
                                                     "consent is given at registration."})


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
    citizenship = fields.String(allow_none=True)
    documents = fields.List(fields.Nested(DocumentSchema), dump_only=True)
    no_document_reason = fields.String(allow_none=True)
    consent = fields.Boolean()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class TraineeListArgsSchema(PageArgsSchema):
    q = Text(min_length=1, max_length=200, metadata={
        "description": "Any part of the name (every word somewhere in it), whatever its accents, case or Turkish "
                       "i's: `ayse yil` finds Ayşe Yılmaz."})
    document = Text(min_length=1, max_length=32, metadata={
        "description": "An identity number (any spelling): its holder, found through the keyed hash. "
                       "Caseworkers and admins only."})
    document_type = type_field("With `document`: read the number as this type only.")
    sex = sex_field()
    district = Text(max_length=100)
    settlement_type = fields.String(validate=one_of(people.SETTLEMENT_TYPES))
    vulnerable_group = group_key_field(description="A group of the organisation's vocabulary "
                                                   "(`GET /organisation/groups`), retired ones included.")
    project_id = fields.UUID()
