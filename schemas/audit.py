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
    changes = fields.Dict()
    occurred_at = fields.AwareDateTime()


class AuditListArgsSchema(PageArgsSchema):
    entity_type = Text(max_length=64)
    entity_id = fields.UUID()
    actor_id = fields.UUID()
    since = UTCDateTime()
    until = UTCDateTime()
