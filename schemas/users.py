"""Users: created and removed by admins; the token is shown once, at creation."""

from __future__ import annotations

from marshmallow import fields

from schemas.base import BaseSchema, one_of
from schemas.pagination import PageArgsSchema
from service.domain.roles import Role


class UserCreateSchema(BaseSchema):
    email = fields.Email(required=True, validate=lambda v: len(v) <= 254)
    role = fields.String(required=True, validate=one_of([r.value for r in Role]))
    employer_id = fields.UUID(allow_none=True)


class UserSchema(BaseSchema):
    id = fields.UUID()
    email = fields.String()
    role = fields.String()
    employer_id = fields.UUID(allow_none=True)
    created_at = fields.AwareDateTime()


class UserCreatedSchema(UserSchema):
    token = fields.String(metadata={"description": "Bearer token; shown only in this response."})


class UserListArgsSchema(PageArgsSchema):
    role = fields.String(validate=one_of([r.value for r in Role]))
