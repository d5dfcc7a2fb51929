"""Judging one row of a trainee import as `POST /trainees` judges a body: TraineeCreateSchema, the
registration rules, the organisation's national-id scheme; then the national id's fingerprint.

Nothing here touches the database, so the rows of a large file can be checked in other processes
while the importing one writes (see service.imports.trainees).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, missing

from schemas.trainees import TraineeCreateSchema
from service.domain import national_ids
from service.domain import trainees as rules
from service.domain.documents import rules as document_rules
from service.domain.errors import ValidationFailed
from service.imports.reading import Record
from service.services.pii import NationalIdVault
from service.domain.messages import message_of

_FIELD_ORDER = {name: index for index, name in enumerate(TraineeCreateSchema().fields)}


@dataclass(frozen=True)
class Problem:
    """A row not imported: invalid, or a duplicate (`duplicate=True`)."""

    line: int
    field: str
    reason: str
    duplicate: bool = False
    #: The messages `reason` joins, as raised (a `Msg` keeps its msgid for a page to translate).
    messages: tuple = dataclass_field(default=(), compare=False)

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A valid row: the loaded body without its national id, which is kept apart, canonical. A person
    registered without any document (`no_document_reason`) has neither national id nor fingerprint."""

    line: int
    data: dict
    national_id: str | None
    fingerprint: str | None


class Checker:
    """The checks of one import's rows, for one organisation (its national-id scheme and keys)."""

    def __init__(self, vault: NationalIdVault, organisation_id: uuid.UUID, scheme: str, today: date,
                 groups: tuple[str, ...] | None = None):
        self._vault = vault
        #: The organisation's active groups (service.services.groups): a row may be given only these.
        self._groups = groups
        self._organisation_id = organisation_id
        self._scheme = scheme
        self._today = today
        self._loader = RowLoader()

    def check(self, record: Record) -> Candidate | list[Problem]:
        """The API's checks in its order (schema, rules, national id), all reported at once."""
        if record.error:
            return [Problem(record.line, "row", record.error)]
        data, errors = self._loader.load(record.body)
        try:
            # Neutral stand-ins for what the schema refused, so that the rules judge the rest.
            rules.check_registration(consent=data.get("consent", True),
                                     birth_date=data.get("birth_date", self._today), today=self._today)
        except ValidationFailed as failed:
            errors.update(failed.errors)
        if self._groups is not None and (unknown := [index for index, group in enumerate(
                data.get("vulnerable_groups", ())) if group not in self._groups]):
            # As the loader words a list's items (counted from 1); retired groups are not given anew.
            errors["vulnerable_groups"] = [f"item {index + 1}: Must be one of: {', '.join(self._groups)}."
                                           for index in unknown]
        national_id = self._national_id(data, errors)
        # What the API records in the consent's own rows, not the person's: an import records none (its
        # people count as agreeing to version 0 of the consent text, for every purpose).
        data.pop("consent_purposes", None)
        data.pop("consent_language", None)
        if errors:
            return [Problem(record.line, field, " ".join(errors[field]), messages=tuple(errors[field]))
                    for field in sorted(errors, key=lambda field: _FIELD_ORDER.get(field, -1))]
        fingerprint = None if national_id is None else self._vault.fingerprint(self._organisation_id, national_id)
        return Candidate(record.line, data, national_id, fingerprint)

    def _national_id(self, data: dict, errors: dict[str, list[str]]) -> str | None:
        """The row's national id (the primary type) as the API checks a body's: valid, agreeing with the
        birth date and sex it encodes (unless confirmed), else a `no_document_reason`. Its issuer, the
        organisation's country, is written with the row. Messages never repeat the number."""
        raw = data.pop("national_id", None)
        confirmed = data.pop("confirm_sex_mismatch", False)
        if "birth_date" not in data or "sex" not in data:  # refused already: the number is checked alone
            try:
                return None if raw is None else national_ids.normalise(self._scheme, raw)
            except ValueError as error:
                errors["national_id"] = [message_of(error)]
                return None
        submitted = [] if raw is None else [document_rules.Submitted("national_id", self._scheme, raw,
                                                                     shorthand=True)]
        try:
            checked = document_rules.check(
                submitted, country="", primary=self._scheme, no_document_reason=data.get("no_document_reason"),
                birth_date=data["birth_date"], sex=data["sex"], confirm_sex_mismatch=confirmed)
        except ValidationFailed as failed:
            errors.update(failed.errors)
            return None
        return checked[0].number if checked else None


class RowLoader:
    """TraineeCreateSchema's load of a row's body, field by field as `Schema.load` goes about it
    (each load field's `deserialize`, its messages, unknown fields refused), remembering the outcome
    of each value of the fields whose values repeat from row to row: two thirds of the cost of
    checking a row otherwise. Exact while the schema has no hooks (pre/post-load, `validates`,
    `validates_schema`), which make a field depend on others: with any, it loads the whole body.
    Tests compare it with a load of the whole."""

    #: Fields that hold a person's own values, seldom repeated: not remembered.
    UNIQUE_FIELDS = frozenset({"national_id", "phone", "email"})
    #: Values remembered per field; past that, the field's memory starts again.
    MEMO_LIMIT = 20_000

    def __init__(self, schema: Schema | None = None):
        self._schema = schema or TraineeCreateSchema()
        self._field_by_field = not any(self._schema._hooks.values()) and not self._schema.partial
        self._fields = [(field.data_key or name, field.attribute or name, field,
                         None if name in self.UNIQUE_FIELDS else {})
                        for name, field in self._schema.load_fields.items()]
        self._keys = frozenset(key for key, _attribute, _field, _memo in self._fields)
        self._unknown = self._schema.unknown

    def load(self, body: dict) -> tuple[dict, dict[str, list[str]]]:
        """The loaded data (the valid fields only, when some are not) and the messages by field."""
        if not self._field_by_field:
            return _load(self._schema, body)
        data: dict = {}
        errors: dict[str, list[str]] = {}
        for key, attribute, field, memo in self._fields:
            raw = body.get(key, missing)
            if memo is None:
                value, messages = _deserialize(field, key, raw, body)
            else:
                # Text as it is (nearly every cell); other values with their type, for True is no 1.
                remembered = raw if type(raw) is str else (list, tuple(raw)) if type(raw) is list else (type(raw), raw)
                try:
                    value, messages = memo[remembered]
                except KeyError:
                    if len(memo) >= self.MEMO_LIMIT:
                        memo.clear()
                    value, messages = memo[remembered] = _deserialize(field, key, raw, body)
                except TypeError:  # unhashable: not from a CSV row
                    value, messages = _deserialize(field, key, raw, body)
                if type(value) is list:  # a list of its own for every row, as a load makes
                    value = list(value)
            if messages is not None:
                errors[key] = messages
            if value is not missing:
                data[attribute] = value
        if not body.keys() <= self._keys and self._unknown in (RAISE, INCLUDE):
            for key in body.keys() - self._keys:
                if self._unknown == RAISE:
                    errors[key] = _messages(self._schema.error_messages["unknown"])
                else:
                    data[key] = body[key]
        return data, errors


def _deserialize(field, key: str, raw, body: dict) -> tuple[object, list[str] | None]:
    """What `Schema._deserialize` keeps of one field: its value (`missing` for none) and its messages."""
    try:
        return field.deserialize(raw, key, body), None
    except ValidationError as error:
        return error.valid_data or missing, _messages(error.messages)


def _load(schema: Schema, body: dict) -> tuple[dict, dict[str, list[str]]]:
    try:
        return schema.load(body), {}
    except ValidationError as error:
        return dict(error.valid_data or {}), {field: _messages(messages) for field, messages in error.messages.items()}


def _messages(messages) -> list[str]:
    """marshmallow's messages of one field as sentences; a list field's are keyed by item index."""
    if isinstance(messages, dict):
        return [f"item {int(index) + 1}: {message}" for index, nested in messages.items()
                for message in _messages(nested)]
    return [messages] if isinstance(messages, str) else [str(message) for message in messages]
