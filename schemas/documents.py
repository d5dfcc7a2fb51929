"""Identity documents: the number is write-only, never dumped (not even in part)."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema, StrictBoolean, Text, one_of
from service.domain.documents import NO_DOCUMENT_REASONS
from service.domain.documents.catalogue import TYPES

TYPE_DESCRIPTION = "; ".join(f"`{t.name}`: {t.label} ({t.rule})" for t in TYPES.values())
CONFIRM_SEX_MISMATCH_DESCRIPTION = (
    "A Swedish number encodes a sex (its second-to-last digit: odd male, even female). When it contradicts a "
    "`female` or `male` given with it, the request is refused (422 on `sex`) unless this is true: the caseworker "
    "confirms the person's sex as given.")


def type_field(description: str = "The document type (the organisation's country profile lists the types it "
                                  "takes).", **kwargs) -> fields.String:
    return fields.String(validate=one_of(tuple(TYPES)), metadata={
        "enum": list(TYPES), "description": f"{description} {TYPE_DESCRIPTION}."}, **kwargs)


def issuing_country_field(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(equal=2), metadata={
        "description": "ISO 3166-1 alpha-2 of the issuing state. Required for a passport; a national document's "
                       "is its country; UNHCR numbers default to the organisation's country."}, **kwargs)


class DocumentInSchema(BaseSchema):
    type = type_field(required=True)
    number = Text(required=True, min_length=1, max_length=32, load_only=True,
                  metadata={"description": "Write-only: kept as a keyed hash and a ciphertext, never returned."})
    issuing_country = issuing_country_field()


class DocumentAddSchema(DocumentInSchema):
    confirm_sex_mismatch = StrictBoolean(load_default=False, load_only=True,
                                         metadata={"description": CONFIRM_SEX_MISMATCH_DESCRIPTION})


class DocumentSchema(BaseSchema):
    """What an answer shows of a document: what it is and who issued it; nothing of the number."""

    id = fields.UUID()
    type = fields.String()
    issuing_country = fields.String()
    created_at = fields.AwareDateTime()


class DocumentRemoveArgsSchema(BaseSchema):
    no_document_reason = fields.String(validate=one_of(tuple(NO_DOCUMENT_REASONS)), metadata={
        "description": "Required when the person's last document is removed: why they hold none."})


def documents_field() -> fields.List:
    return fields.List(fields.Nested(DocumentInSchema), validate=validate.Length(max=10), load_only=True,
                       metadata={"description": "The person's identity documents (numbers write-only)."})


def no_document_reason_field(**kwargs) -> fields.String:
    return fields.String(validate=one_of(tuple(NO_DOCUMENT_REASONS)), allow_none=True, metadata={
        "enum": list(NO_DOCUMENT_REASONS),
        "description": "Why a person is registered without any document: required then, refused beside one. "
                       + "; ".join(f"`{code}`: {label}" for code, label in NO_DOCUMENT_REASONS.items()) + "."},
        **kwargs)
