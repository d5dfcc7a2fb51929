"""The errors catalogue and `localise`: every message the code raises (each `Msg`), every message
marshmallow can produce and werkzeug's descriptions read in tr, sv and es with the same placeholders,
and the values inside a message come back inside its translation."""

from __future__ import annotations

import ast
import enum
import pickle
import re
import string
from pathlib import Path

import marshmallow as ma
import pytest
from babel.messages.pofile import read_po
from marshmallow import fields, validate
from werkzeug import exceptions

from service import translations
from service.domain.messages import Msg, message_of
from service.translations import localise as module
from service.translations.localise import (HTTP_MESSAGES, LANGUAGES, MARSHMALLOW_MESSAGES, TEMPLATES, VALUE_MESSAGES,
                                           localise, localise_errors)

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = ("tr", "sv", "es")


def _placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field is not None}


def _msg_ids_in_code() -> dict[str, str]:
    """Every literal first argument of `Msg(...)` in service/, schemas/ and workers/: {msgid: where}."""
    found: dict[str, str] = {}
    for base in ("service", "schemas", "workers"):
        for path in sorted((ROOT / base).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Msg"
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


KNOWN = {**_msg_ids_in_code(),
         **{msgid: "localise.MARSHMALLOW_MESSAGES" for msgid in MARSHMALLOW_MESSAGES},
         **{msgid: "localise.HTTP_MESSAGES" for msgid in HTTP_MESSAGES},
         **{msgid: "localise.VALUE_MESSAGES" for msgid in VALUE_MESSAGES}}


def _errors_po(lang: str, domain: str = "errors") -> dict[str, object]:
    path = ROOT / "service" / "translations" / lang / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as file:
        return {message.id: message for message in read_po(file, locale=lang, domain=domain) if message.id}


def _catalogue(lang: str) -> dict[str, object]:
    """Every domain of `lang` as `translate` reads them (`messages` first): an area's own messages (the
    privacy and consent rules') live in its own catalogue beside errors.po."""
    merged: dict[str, object] = {}
    for domain in reversed(translations.domains(lang)):
        merged.update(_errors_po(lang, domain))
    return merged


def test_the_code_raises_messages_at_all():
    """The scan finds the messages (a scan that found none would pass everything below)."""
    assert len(_msg_ids_in_code()) > 150
    assert "The cohort is full ({capacity} places)." in KNOWN


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation_with_the_same_placeholders(lang):
    catalogue = _catalogue(lang)
    missing = [f"{msgid!r} ({where})" for msgid, where in KNOWN.items()
               if msgid not in catalogue or not catalogue[msgid].string or catalogue[msgid].fuzzy]
    assert not missing, f"the catalogues of {lang} lack {len(missing)}:\n" + "\n".join(missing)
    wrong = [f"{msgid!r}: {catalogue[msgid].string!r}" for msgid in KNOWN
             if _placeholders(msgid) != _placeholders(catalogue[msgid].string)]
    assert not wrong, f"{lang}: placeholders differ from the msgid's:\n" + "\n".join(wrong)


def test_english_has_every_message_as_itself():
    assert [msgid for msgid in KNOWN if msgid not in _catalogue("en")] == []
    catalogue = _errors_po("en")
    assert [msgid for msgid, message in catalogue.items() if message.string not in ("", msgid)] == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogue_holds_nothing_the_code_no_longer_says(lang):
    assert sorted(set(_errors_po(lang)) - set(KNOWN)) == []


# --- Msg ---------------------------------------------------------------------------------------------------

def test_a_msg_is_its_english_text_and_survives_pickling_and_exceptions():
    message = Msg("The cohort is full ({capacity} places).", capacity=12)
    assert message == "The cohort is full (12 places)." and isinstance(message, str)
    copy = pickle.loads(pickle.dumps(message))
    assert (copy, copy.msgid, copy.params) == (message, message.msgid, {"capacity": 12})
    assert type(message_of(ValueError(message))) is Msg
    assert message_of(ValueError("plain")) == "plain"


def test_braces_in_a_message_without_values_are_text():
    message = Msg("The bearer token has expired; an admin can issue a new one (POST /users/{id}/token).")
    assert "{id}" in message
    assert "{id}" in localise(message, "tr") and localise(message, "tr") != message


def test_a_msg_is_translated_then_given_its_values():
    assert localise(Msg("The cohort is full ({capacity} places).", capacity=12), "es") == \
        "La cohorte está completa (12 plazas)."
    assert localise(Msg("The cohort is full ({capacity} places).", capacity=12), "en") == \
        "The cohort is full (12 places)."


def test_a_value_that_is_a_msg_is_translated_too():
    message = Msg("{label} not found.", label=Msg("Merge"))
    assert localise(message, "sv") == "Sammanslagningen hittades inte."  # the whole sentence, when known
    message = Msg("{label} {id} was merged into {merged_into_id}: use that one.", label=Msg("Trainee"), id="a",
                  merged_into_id="b")
    assert localise(message, "tr") == "Kursiyer a, b ile birleştirildi: onu kullanın."


def test_a_translation_with_broken_placeholders_reads_english_rather_than_failing(monkeypatch):
    broken = {"The cohort is full ({capacity} places).": "Dönem dolu ({kapasite} kişilik)."}
    monkeypatch.setattr(module, "_catalogue", lambda lang: broken)
    monkeypatch.setattr(module, "_merged", lambda lang, msgid: None)
    message = Msg("The cohort is full ({capacity} places).", capacity=3)
    assert localise(message, "tr") == "The cohort is full (3 places)."


@pytest.mark.parametrize(("given", "lang"), [("tr-TR", "tr"), ("sv_SE", "sv"), ("ES", "es"), ("de", "en"),
                                             (None, "en"), ("", "en")])
def test_a_locale_reads_as_its_language(given, lang):
    assert module.language(given) == lang


def test_errors_nest_as_marshmallow_nests_them():
    errors = {"documents": {"0": {"number": [Msg("The number has an invalid length.")]}},
              "name": ["Unknown field."], "count": 3}
    assert localise_errors(errors, "sv") == {
        "documents": {"0": {"number": ["Numret har ogiltig längd."]}}, "name": ["Okänt fält."], "count": 3}


def test_an_unknown_text_stays_as_it_is():
    assert localise("Something nobody wrote.", "tr") == "Something nobody wrote."
    assert localise(None, "tr") is None


# --- marshmallow's own messages ------------------------------------------------------------------------------

class _Inner(ma.Schema):
    x = fields.Integer()


class _Colour(enum.Enum):
    RED = "red"


def _marshmallow_messages() -> set[str]:
    """Every message marshmallow's fields, validators and schemas produce, by making each fail."""
    found: set[str] = set()

    def collect(error: ma.ValidationError) -> None:
        pending = [error.messages]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
            else:
                found.add(item)

    bad_inputs = (object(), "not-valid \x00", [1], {"a": 1}, 10 ** 400, float("nan"), "2026-13-45T99:99",
                  "2026-01-01T00:00:00", "2026-01-01T00:00:00+01:00", "12:00", "12:00+01:00", b"\xff")
    field_types = [fields.String(), fields.Integer(), fields.Integer(strict=True), fields.Float(),
                   fields.Float(allow_nan=False), fields.Decimal(), fields.Decimal(allow_nan=False),
                   fields.Boolean(), fields.Date(), fields.DateTime(), fields.AwareDateTime(), fields.NaiveDateTime(),
                   fields.Time(), fields.TimeDelta(), fields.UUID(), fields.Email(), fields.URL(),
                   fields.List(fields.String()), fields.Tuple((fields.String(),)), fields.Dict(),
                   fields.Nested(_Inner), fields.IP(), fields.IPv4(), fields.IPv6(), fields.IPInterface(),
                   fields.IPv4Interface(), fields.IPv6Interface(), fields.Date(format="%d.%m.%Y"),
                   fields.DateTime(format="%d.%m.%Y %H:%M"), fields.Enum(_Colour),
                   fields.Integer(required=True)]
    for field in field_types:
        schema = ma.Schema.from_dict({"value": field})()
        for value in bad_inputs:
            try:
                schema.load({"value": value})
            except ma.ValidationError as error:
                collect(error)
            except OverflowError:  # TimeDelta, which no schema of ours uses, fails on 10**400 itself
                pass
        for data in ({"value": None}, {}, {"value": "x", "other": 1}, []):
            try:
                schema.load(data)
            except ma.ValidationError as error:
                collect(error)
    checks = [(validate.Length(min=2), "a"), (validate.Length(max=2), "abc"), (validate.Length(min=1, max=2), ""),
              (validate.Length(equal=2), "a"), (validate.OneOf(["a", "b"]), "c"),
              (validate.ContainsOnly(["a"]), ["b"]), (validate.ContainsNoneOf(["a"]), ["a"]),
              (validate.Equal(3), 4), (validate.Regexp("^a$"), "b"), (validate.NoneOf([1]), 1),
              (validate.Predicate("isdigit"), "x"), (validate.URL(), "x"), (validate.Email(), "x")]
    for low_inclusive in (True, False):
        for high_inclusive in (True, False):
            checks += [(validate.Range(1, 5, min_inclusive=low_inclusive, max_inclusive=high_inclusive), 9),
                       (validate.Range(1, None, min_inclusive=low_inclusive), 0),
                       (validate.Range(None, 5, max_inclusive=high_inclusive), 9)]
    for check, value in checks:
        try:
            check(value)
        except ma.ValidationError as error:
            collect(error)
    return found


@pytest.fixture(scope="module")
def marshmallow_messages() -> set[str]:
    messages = _marshmallow_messages()
    assert len(messages) > 40, messages  # the probes did make marshmallow speak
    return messages


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_marshmallow_produces_is_translated_keeping_its_values(marshmallow_messages, lang):
    untranslated, lost = [], []
    for message in sorted(marshmallow_messages):
        translated = localise(message, lang)
        if translated == message:
            untranslated.append(message)
        for value in re.findall(r"\d+|'[^']*'|\"[^\"]*\"", message):
            if value.strip("'\"") not in translated:
                lost.append(f"{message!r} -> {translated!r} lost {value}")
    assert not untranslated, f"{lang} does not translate: {untranslated}"
    assert not lost, "\n".join(lost)


def test_the_most_specific_template_wins():
    assert localise("Must be greater than 0 and less than 5.", "sv") == "Måste vara större än 0 och mindre än 5."
    assert localise("Must be greater than 0.", "sv") == "Måste vara större än 0."
    assert localise("Must be one of: a, b, c.", "es") == "Debe ser uno de: a, b, c."
    assert all(pattern.pattern for pattern, _template in TEMPLATES)


# --- werkzeug's descriptions -------------------------------------------------------------------------------

@pytest.mark.parametrize("error", [exceptions.NotFound, exceptions.MethodNotAllowed, exceptions.BadRequest,
                                   exceptions.UnsupportedMediaType, exceptions.RequestEntityTooLarge,
                                   exceptions.TooManyRequests, exceptions.NotAcceptable,
                                   exceptions.InternalServerError])
def test_werkzeug_descriptions_are_known_word_for_word(error):
    """A werkzeug upgrade that rewords a description would leave it English: this says so."""
    if error is exceptions.InternalServerError:
        assert "The server failed to handle the request; it has been logged." in HTTP_MESSAGES
        return
    assert error.description in HTTP_MESSAGES
    for lang in TRANSLATED:
        assert localise(error.description, lang) != error.description


def test_languages_are_the_four():
    assert LANGUAGES == ("en", "tr", "sv", "es")
