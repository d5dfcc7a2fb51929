"""Audit entries, read by admins."""

from __future__ import annotations

from marshmallow import fields

from schemas.base import BaseSchema, Text, UTCDateTime
from schemas.pagination import PageArgsSchema


class AuditEntrySchema(BaseSchema):
    id = fields.UUID()
    actor_id = fields.UUID(allow_none=True)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.UUID()
    changes = fields.Dict(metadata={"description": "Changed fields: old and new values ([old, new]) or, on "
                                                   "creation, the values; a personal field says only "
                                                   "\"(changed)\" or \"(recorded)\", in the caller's language."})
    personal_hashes = fields.Dict(metadata={"description": "Of each personal field an update changed: keyed "
                                                           "hashes of the old and the new value (null for none), "
                                                           "equal for equal values under one key id."})
    occurred_at = fields.AwareDateTime()


class AuditListArgsSchema(PageArgsSchema):
    entity_type = Text(max_length=64)
    entity_id = fields.UUID()
    actor_id = fields.UUID()
    since = UTCDateTime()
    until = UTCDateTime()
