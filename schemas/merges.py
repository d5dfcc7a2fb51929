"""Possible duplicates, merges and their undoing; the candidates a registration is refused with."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema
from schemas.pagination import DEFAULT_LIMIT, MAX_LIMIT
from service.domain.messages import Msg

_REASONS = ("`same_name`: the same name once accents, case, Turkish i's, punctuation and word order are set "
            "aside; `similar_name`: names at least 0.6 alike (trigram similarity, as PostgreSQL's pg_trgm).")


class PersonSchema(BaseSchema):
    id = fields.UUID()
    given_name = fields.String()
    family_name = fields.String()
    birth_date = fields.Date()


class CandidateSchema(PersonSchema):
    """A registered person the new one may be: same birth date, same or similar name."""

    reason = fields.String(metadata={"enum": ["same_name", "similar_name"], "description": _REASONS})
    similarity = fields.Float()


class DuplicatePairSchema(BaseSchema):
    trainees = fields.List(fields.Nested(PersonSchema), metadata={"description": "The two people, by id."})
    reason = fields.String(metadata={"enum": ["same_name", "similar_name"], "description": _REASONS})
    similarity = fields.Float()


class DuplicatePageSchema(BaseSchema):
    items = fields.List(fields.Nested(DuplicatePairSchema))
    next_cursor = fields.String(allow_none=True)


class DuplicateListArgsSchema(BaseSchema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Regexp(
        r"^[A-Za-z0-9_-]{43}$", error=Msg("Not a cursor this API issued: pass next_cursor as it came.")))


class MergeBodySchema(BaseSchema):
    duplicate_id = fields.UUID(required=True, metadata={
        "description": "The duplicate registration: its records move to the trainee of the path."})


class MergeSchema(BaseSchema):
    id = fields.UUID()
    survivor_id = fields.UUID()
    duplicate_id = fields.UUID()
    moved = fields.Dict(metadata={"description": "Ids of what moved, by kind (enrolments, referrals, placements, "
                                                 "follow_ups, documents); `national_id`: whether it moved."})
    merged_at = fields.AwareDateTime()
    merged_by = fields.UUID(allow_none=True)
    undone_at = fields.AwareDateTime(allow_none=True)
    undone_by = fields.UUID(allow_none=True)
