"""An organisation's vocabulary of groups: read by everyone in it, changed by admins."""

from __future__ import annotations

import re

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, StrictBoolean, Text, rule_broken
from service.domain import groups

_FEEDS = ("The ESF+ indicator category the group feeds: `minorities` (incl. Roma and Indigenous peoples), "
          "`disability`, `foreign_background` (migrants, refugees), `housing_exclusion`; null: none. A change "
          "reaches new and open participations; closed ones keep the categories they were counted in.")
_LANGUAGE = re.compile(r"^[a-z]{2}\Z")
_LABELS = ("Labels by language (ISO 639-1, lower case): `en` always (the exports' fallback), and the "
           "organisation's languages. On PATCH the languages given are replaced, an empty label removes one.")


def _labels(**kwargs) -> fields.Dict:
    # The language codes are checked by `_LanguageKeys` below: OpenAPI 3.0 cannot state a rule on a map's keys.
    return fields.Dict(keys=fields.String(), values=Text(max_length=groups.MAXIMUM_LABEL_LENGTH),
                       validate=validate.Length(min=1, max=20),
                       metadata={"description": _LABELS, "minProperties": 1, "maxProperties": 20}, **kwargs)


class _LanguageKeys(BaseSchema):
    """Labels are keyed by ISO 639-1 codes: a rule on the keys of a map, which the JSON Schema of OpenAPI 3.0 cannot
    state, so it is answered as a broken rule (as an end before its start is)."""

    @ma.validates_schema
    def _languages(self, data, **_kwargs):
        bad = sorted(key for key in (data.get("labels") or {}) if not _LANGUAGE.match(key))
        if bad:
            rule_broken({"labels": [f"Not an ISO 639-1 code (two lower-case letters): {', '.join(map(repr, bad))}."]})


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


class GroupCreateSchema(_LanguageKeys):
    key = fields.String(required=True, validate=validate.Regexp(groups.KEY.pattern, error=groups.KEY_MESSAGE))
    labels = _labels(required=True)
    feeds = _feeds(load_default=None)
    active = StrictBoolean(load_default=True)


class GroupPatchSchema(_LanguageKeys):
    labels = _labels()
    feeds = _feeds()
    active = StrictBoolean(metadata={"description": "false retires the group, true gives it again."})
