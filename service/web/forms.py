"""Forms read with the API's own schemas, so a page refuses exactly what the API refuses.

A submitted form is flat text: empty fields mean "not given", ticked boxes arrive as `on`,
several values share a name. `read` turns it into the document the schema expects; the
schema's and the domain's messages come back per field in the reader's language, with the
values typed kept for the page to show again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask import Response
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


def values_of(record: object, names: tuple[str, ...], *, lists: tuple[str, ...] = ()) -> MultiDict:
    """A record's current values as an edit form starts with them: those named in `lists` as repeated
    values (checkboxes; none when empty), nothing as an empty field, anything else as its text."""
    values = MultiDict()
    for name in names:
        value = getattr(record, name)
        if name in lists:
            for item in value or ():
                values.add(name, item)
        else:
            values.add(name, "" if value is None else str(value))
    return values


#: An error summary's placeholder for the name of a field (templates/_macros.html errors_summary), the first
#: character of its message after it, and the label or legend the page gives that field.
_SUMMARY_FIELD = re.compile(r'<span data-label-of="([^"]+)"></span>(\s*)(.?)', re.S)
_LABEL = r'<label for="{id}">(.*?)(?:<span class="required">|</label>)'
_LEGEND = r'<fieldset[^>]*\bid="{id}"[^>]*>\s*<legend>(.*?)(?:<span class="required">|</legend>)'


def _label_of(page: str, field_id: str) -> str:
    if re.search(rf'<input type="checkbox" id="{re.escape(field_id)}"', page):
        return ""  # a confirm box's label is a sentence ("I confirm ..."): its message says enough alone
    for pattern in (_LABEL, _LEGEND):
        if found := re.search(pattern.format(id=re.escape(field_id)), page, re.S):
            return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()).rstrip(":")
    return ""


def _lower_first(character: str, following: str) -> str:
    """A message's first letter once it follows a label ("Title: a required field is missing"); an acronym or
    a name (its second letter upper case too) is left as it is; Turkish keeps its dotted and dotless i."""
    if not character.isupper() or following[:1].isupper():
        return character
    if current_language() == "tr" and character in "Iİ":
        return "ı" if character == "I" else "i"
    return character.lower()


def name_fields(page: str) -> str:
    """An error summary's messages each led by its field's label ("Título: falta un campo obligatorio."), so
    a reader of the summary alone knows which field each speaks of; a field without a label keeps the bare
    message."""
    if "data-label-of=" not in page:
        return page

    def named(match: re.Match) -> str:
        label = _label_of(page, match.group(1))
        if not label:
            return match.group(2) + match.group(3)
        rest = page[match.end():match.end() + 1]
        return f"{label}: {_lower_first(match.group(3), rest)}"

    return _SUMMARY_FIELD.sub(named, page)


def name_fields_in_summaries(response: Response) -> Response:
    """After every page (app.after_request): a refused form's summary names its fields."""
    if response.mimetype == "text/html" and not response.direct_passthrough and not response.is_streamed:
        page = response.get_data(as_text=True)
        if "data-label-of=" in page:
            response.set_data(name_fields(page))
    return response
