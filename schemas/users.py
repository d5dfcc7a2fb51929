"""Users: created and removed by admins; a token is shown once, when it is issued."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from schemas.base import BaseSchema, Email, one_of
from schemas.pagination import PageArgsSchema
from service.domain.roles import Role
from service.domain.messages import Msg


MAX_EMAIL_LENGTH = 254


def _fits_once_lower_cased(address: str) -> None:
    """Addresses are stored lower-cased, which can lengthen them ("İ" becomes two characters).

    (A validator must raise: marshmallow 4 ignores one that returns False.)"""
    if len(address.lower()) > MAX_EMAIL_LENGTH:
        raise ma.ValidationError(Msg("Longer than maximum length {max}.", max=MAX_EMAIL_LENGTH))


class UserCreateSchema(BaseSchema):
    email = Email(required=True, validate=_fits_once_lower_cased)
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
    expires_at = fields.AwareDateTime(metadata={"description": "After this the token is refused (401)."})


class TokenSchema(BaseSchema):
    """A rotated token: the user's previous one is refused from now on."""

    user_id = fields.UUID()
    token = fields.String(metadata={"description": "Bearer token; shown only in this response."})
    expires_at = fields.AwareDateTime(metadata={"description": "After this the token is refused (401)."})


class UserListArgsSchema(PageArgsSchema):
    role = fields.String(validate=one_of([r.value for r in Role]))
