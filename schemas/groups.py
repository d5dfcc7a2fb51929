"""An organisation's vocabulary of groups: read by everyone in it, changed by admins."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema, StrictBoolean, Text
from service.domain import groups

_FEEDS = ("The ESF+ indicator category the group feeds: `minorities` (incl. Roma and Indigenous peoples), "
          "`disability`, `foreign_background` (migrants, refugees), `housing_exclusion`; null: none. A change "
          "reaches new and open participations; closed ones keep the categories they were counted in.")
_LABELS = ("Labels by language (ISO 639-1, lower case): `en` always (the exports' fallback), and the "
           "organisation's languages. On PATCH the languages given are replaced, an empty label removes one.")


def _labels(**kwargs) -> fields.Dict:
    return fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[a-z]{2}$", error="An ISO 639-1 code: "
                                                                                         "two lower-case letters.")),
                       values=Text(max_length=groups.MAXIMUM_LABEL_LENGTH),
                       validate=validate.Length(min=1, max=20), metadata={"description": _LABELS}, **kwargs)


def _feeds(**kwargs) -> fields.String:
    return fields.String(allow_none=True, validate=validate.OneOf(groups.INDICATOR_GROUPS),
                         metadata={"enum": list(groups.INDICATOR_GROUPS), "description": _FEEDS}, **kwargs)


class GroupSchema(BaseSchema):
    key = fields.String()
    labels = fields.Dict(keys=fields.String(), values=fields.String())
    feeds = fields.String(allow_none=True, metadata={"description": _FEEDS})
    active = fields.Boolean(metadata={"description": "False: retired (valid on past records, given to no one new)."})


class GroupListSchema(BaseSchema):
    items = fields.List(fields.Nested(GroupSchema))


class GroupCreateSchema(BaseSchema):
    key = fields.String(required=True, validate=validate.Regexp(groups.KEY.pattern, error=groups.KEY_MESSAGE))
    labels = _labels(required=True)
    feeds = _feeds(load_default=None)
    active = StrictBoolean(load_default=True)


class GroupPatchSchema(BaseSchema):
    labels = _labels()
    feeds = _feeds()
    active = StrictBoolean(metadata={"description": "false retires the group, true gives it again."})
