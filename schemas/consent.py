"""Consent: the organisation's consent texts (versioned per language) and a person's consent per purpose."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, Text, one_of, rule_broken
from service.domain import consent
from service.domain.messages import Msg

PURPOSES_DESCRIPTION = ("`programme` (taking part: required to register), `follow_up_contact` (being contacted "
                        "after leaving), `employer_sharing` (being proposed to employers, who then see the name).")
LANGUAGES = ("en", "tr", "sv", "es")
MAXIMUM_TEXT = 5000


def purposes_field(*, description: str = PURPOSES_DESCRIPTION, **kwargs) -> fields.List:
    kwargs.setdefault("validate", validate.Length(max=len(consent.PURPOSES)))
    return fields.List(fields.String(validate=one_of(consent.PURPOSES), metadata={"enum": list(consent.PURPOSES)}),
                       metadata={"description": description}, **kwargs)


class TextsByLanguageSchema(BaseSchema):
    en = Text(min_length=1, max_length=MAXIMUM_TEXT, multiline=True)
    tr = Text(min_length=1, max_length=MAXIMUM_TEXT, multiline=True)
    sv = Text(min_length=1, max_length=MAXIMUM_TEXT, multiline=True)
    es = Text(min_length=1, max_length=MAXIMUM_TEXT, multiline=True)


class ConsentTextPublishSchema(BaseSchema):
    texts = fields.Nested(TextsByLanguageSchema, required=True, metadata={
        "description": "The new version's wording in each language it is read in (at least one)."})
    purposes = purposes_field(load_default=None, allow_none=True, description="The purposes the text asks consent "
                              "for (default: all). " + PURPOSES_DESCRIPTION)

    @ma.validates_schema
    def _some_text(self, data, **_kwargs):
        if not data.get("texts"):
            rule_broken({"texts": [Msg("Give the text in at least one language.")]})


class ConsentTextSchema(BaseSchema):
    version = fields.Integer(metadata={"description": "0: the default text (no version published)."})
    language = fields.String()
    text = fields.String()
    purposes = fields.List(fields.String())
    published_at = fields.AwareDateTime(allow_none=True)
    published_by = fields.UUID(allow_none=True)
    default = fields.Boolean()


class ConsentTextListSchema(BaseSchema):
    current = fields.Nested(ConsentTextSchema, metadata={
        "description": "The text a registration records now, in the language asked (`language`)."})
    items = fields.List(fields.Nested(ConsentTextSchema), metadata={"description": "Published versions, latest "
                                                                                   "first."})


class ConsentTextArgsSchema(BaseSchema):
    language = fields.String(load_default="en", validate=one_of(LANGUAGES), metadata={"enum": list(LANGUAGES)})


class ConsentTextPublishedSchema(BaseSchema):
    items = fields.List(fields.Nested(ConsentTextSchema))


class WithdrawSchema(BaseSchema):
    purposes = purposes_field(required=True, validate=[
        validate.Length(min=1, error=Msg("Name at least one purpose to withdraw.")),
        validate.Length(max=len(consent.PURPOSES))], description="The purposes to withdraw (`programme`: all). "
                              + PURPOSES_DESCRIPTION)


class PersonConsentSchema(BaseSchema):
    trainee_id = fields.UUID()
    version = fields.Integer(metadata={"description": "The consent text's version (0: the default text)."})
    language = fields.String(allow_none=True, metadata={"description": "The language it was read in (null: "
                                                                       "registered before consent was versioned)."})
    given_at = fields.AwareDateTime()
    given_by = fields.UUID(allow_none=True, metadata={"description": "The user who took the consent."})
    purposes = fields.List(fields.String(), metadata={"description": "The purposes consented to now."})
    withdrawn = fields.List(fields.String(), metadata={"description": "The purposes withdrawn."})
    withdrawn_at = fields.AwareDateTime(allow_none=True)
    remains = fields.String(allow_none=True, metadata={
        "description": "After a withdrawal: what stays of the person's data, and why (English; `remains_codes` "
                       "says the same as codes, and the person's consent page in the reader's language)."})
    remains_codes = fields.List(fields.String(metadata={"enum": list(consent.REMAINS)}), metadata={
        "description": "After a withdrawal, what stays, as codes: `record_stays` (they still take part), "
                       "`record_until_erased` (the record and reported figures stay until an administrator "
                       "erases the identifying data), `open_referrals_withdrawn` (withdrawing sharing withdrew "
                       "the person's open referrals)."})
