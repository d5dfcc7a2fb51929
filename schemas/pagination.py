"""Cursor pagination: `limit` and `cursor` in, `{"items", "next_cursor"}` out."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema, Text

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class PageArgsSchema(BaseSchema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = Text(max_length=64, load_default=None)


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
