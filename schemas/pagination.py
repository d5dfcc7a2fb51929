"""Cursor pagination: `limit` and `cursor` in, `{"items", "next_cursor"}` out."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema
from service.domain.messages import Msg

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


#: A cursor is a record's 16-byte id in unpadded URL-safe base64, as `next_cursor` gives it.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{21}[AQgw]$"


class PageArgsSchema(BaseSchema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Regexp(
        CURSOR_PATTERN, error=Msg("Not a cursor this API issued: pass next_cursor as it came.")))


_page_schemas: dict[type, type] = {}


def page_of(item_schema: type[BaseSchema]) -> type[BaseSchema]:
    """The list-response schema for `item_schema`, made once per item schema."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(name, (BaseSchema,), {
            "items": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.String(allow_none=True),
        })
    return _page_schemas[item_schema]
