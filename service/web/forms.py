"""Forms read with the API's own schemas, so a page refuses exactly what the API refuses.

A submitted form is flat text: empty fields mean "not given", ticked boxes arrive as `on`,
several values share a name. `read` turns it into the document the schema expects; the
schema's and the domain's messages come back per field in the reader's language, with the
values typed kept for the page to show again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict

from service.domain.errors import ValidationFailed
from service.translations.localise import localise_errors
from service.web.i18n import current_language

#: Where a message that belongs to no single field is shown (the summary at the top).
FORM_WIDE = "_form"


@dataclass
class Form:
    """What was typed and what is wrong with it, per field."""

    values: MultiDict = field(default_factory=MultiDict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def values_of(self, name: str) -> list[str]:
        return self.values.getlist(name)

    def error(self, name: str) -> list[str]:
        return self.errors.get(name, [])

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, error: ValidationFailed | ValidationError | dict) -> "Form":
        """Add the messages of a refused schema load or a broken domain rule, in the reader's language."""
        if isinstance(error, ValidationFailed):
            messages: dict = dict(error.errors) or {FORM_WIDE: [error.detail]}
        elif isinstance(error, ValidationError):
            messages = error.messages if isinstance(error.messages, dict) else {FORM_WIDE: error.messages}
        else:
            messages = error
        for name, found in flatten(localise_errors(messages, current_language())).items():
            self.errors.setdefault(name, []).extend(found)
        return self


def amount(text: str) -> str | None:
    """A sum of money as the reader writes numbers (25.000,50 in Turkish, 25 000,50 in Swedish) as the
    API's decimal string ("25000.50"); None when it is no number in their way of writing."""
    compact = "".join(text.split())  # spaces only ever group digits (typed plain or no-break)
    try:
        value = parse_decimal(compact, locale=current_language(), strict=True)
    except (NumberFormatError, ValueError):
        return None
    return format(value, "f") if isinstance(value, Decimal) else None


def with_amounts(submitted: MultiDict, *names: str) -> MultiDict:
    """The form with its sums (`names`) as the API's decimal strings; one that is no number is left as
    typed, for the schema to refuse (`explain_amounts` then words that refusal for a person)."""
    submitted = MultiDict(submitted)
    for name in names:
        typed = submitted.get(name, "").strip()
        if typed:
            submitted[name] = amount(typed) or typed
    return submitted


def explain_amounts(form: "Form", typed: MultiDict, *names: str) -> "Form":
    """A sum that is no number is told how to write one, with an example in the reader's own notation
    (the schema's message speaks of decimal strings, which a person never types)."""
    for name in names:
        text = typed.get(name, "").strip()
        if form.error(name) and text and amount(text) is None:
            example = format_decimal(Decimal("25000.50"), format="#,##0.00", locale=current_language())
            form.errors[name] = [_("Write an amount as you write numbers, for example %(example)s.",
                                   example=example)]
    return form


def flatten(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    """Nested schema messages ({"documents": {0: {"number": [...]}}}) as form names (documents-0-number)."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}-{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten(value, name))
        else:
            flat.setdefault(name, []).extend(str(v) for v in (value if isinstance(value, list) else [value]))
    return flat


def document(schema: Schema, submitted: MultiDict, names: tuple[str, ...] | None = None) -> dict:
    """The form as the JSON document `schema` reads: blanks left out, lists from repeated names."""
    doc: dict = {}
    for name, schema_field in schema.fields.items():
        key = schema_field.data_key or name
        if schema_field.dump_only or (names is not None and key not in names):
            continue
        if isinstance(schema_field, fields.List):
            chosen = [v.strip() for v in submitted.getlist(key) if v.strip()]
            if chosen or key in submitted:
                doc[key] = chosen
        elif isinstance(schema_field, fields.Boolean):
            if key in submitted:
                doc[key] = submitted.get(key) not in ("", "0", "false", "off")
        else:
            text = (submitted.get(key) or "").strip()
            if text:
                doc[key] = text
    return doc


def read(schema: Schema, submitted: MultiDict, names: tuple[str, ...] | None = None) -> tuple[dict | None, Form]:
    """Load `submitted` with `schema`: (data, form) when valid, (None, form with errors) otherwise."""
    form = Form(values=MultiDict(submitted))
    try:
        return schema.load(document(schema, submitted, names)), form
    except (ValidationError, ValidationFailed) as error:  # a schema's own rule between fields raises the latter
        return None, form.fail(error)
