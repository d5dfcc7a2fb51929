"""Validation and domain messages in the reader's language: `localise` and `localise_errors`.

The messages come from three places, each handled its own way:

* our code raises `service.domain.messages.Msg` objects: English strings carrying their msgid
  and values, so the msgid is translated and the values put back in (a value that is a `Msg`
  is translated too);
* constant English strings (ours, webargs', werkzeug's) are looked up as they are;
* marshmallow formats its own messages ("Length must be between 1 and 200.") before we see
  them. Its templates are mapped back from the formatted text with one regular expression per
  template (`TEMPLATES`) rather than by replacing `error_messages` in `schemas.base`: the
  validators (`Length`, `Range`, `OneOf`) format their messages into plain strings whatever we
  hand them, the field types of every schema would need overriding, and webargs' and
  flask-smorest's own schemas (pagination, query strings) would still speak marshmallow's
  English. The regular expressions catch every one of them in one place.

The catalogue is the `errors` domain, read from its compiled `.mo` file, or from the `.po`
file when that is newer or was never compiled (a fresh checkout, a test run after an edit),
so a message is never shown in English because `make install` was not re-run.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from service.domain.messages import Msg

DIRECTORY = Path(__file__).resolve().parent
DOMAIN = "errors"
#: The languages messages are written in; English is the source (msgids are English).
LANGUAGES = ("en", "tr", "sv", "es")
DEFAULT = "en"


def N_(message: str) -> str:
    """Mark a msgid for extraction; it is translated when shown."""
    return message


#: Every message marshmallow (fields, validators, schemas) can produce, once formatted as far as
#: our schemas format it: `{obj_type}` and the comparison words of `Range` are spelled out, since
#: they are words to translate, not values. `{placeholders}` left are values, copied as written.
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Invalid type."),
    N_("Invalid input."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid boolean."),
    N_("Not a valid number."),
    N_("Not a valid integer."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid time."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive datetime."),
    N_("Not a valid aware time."),
    N_("Not a valid naive time."),
    N_('"{input}" cannot be formatted as a date.'),
    N_('"{input}" cannot be formatted as a datetime.'),
    N_('"{input}" cannot be formatted as a time.'),
    N_("Not a valid period of time."),
    N_("{input} cannot be formatted as a timedelta."),
    N_("Not a valid mapping type."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid IP address."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 interface."),
    N_("String does not match expected pattern."),
    N_("Must be one of: {choices}."),
    N_("One or more of the choices you made was not in: {choices}."),
    N_("One or more of the choices you made was in: {values}."),
    N_("Must be equal to {other}."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
    # webargs, when the body is not JSON
    N_("Invalid JSON body."),
)

#: What `service.api.errors` writes itself, and werkzeug's descriptions of the statuses the API
#: answers with an error of werkzeug's (a wrong URL or method, a body too large or of the wrong type).
HTTP_MESSAGES = (
    N_("The request breaks a validation rule."),
    N_("The request body or parameters are invalid."),
    N_("The server failed to handle the request; it has been logged."),
    N_("The requested URL was not found on the server. If you entered the URL manually please check "
       "your spelling and try again."),
    N_("The method is not allowed for the requested URL."),
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_("The server does not support the media type transmitted in the request."),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("This user has exceeded an allotted request count. Try again later."),
    N_("The resource identified by the request is only capable of generating response entities which "
       "have content characteristics not acceptable according to the accept headers sent in the request."),
)


#: Words and sentences our messages are made of without being raised as such: the records named
#: in "{label} not found." (the whole sentence reads better translated as one), the nouns put
#: into other messages, and python-stdnum's reasons a number is refused.
VALUE_MESSAGES = (
    N_("Cohort"), N_("Employer"), N_("Enrolment"), N_("Follow-up"), N_("Merge"), N_("Placement"),
    N_("Project"), N_("Referral"), N_("Trainee"), N_("User"), N_("Vacancy"), N_("Organisation"),
    N_("Cohort not found."), N_("Follow-up not found."), N_("Merge not found."), N_("Placement not found."),
    N_("Project not found."), N_("Referral not found."), N_("Trainee not found."), N_("Vacancy not found."),
    # vacancies.check_open(what=), dates.check_started_on(what=)
    N_("referrals"), N_("hires"), N_("vacancy"), N_("referral"),
    # documents.checks.digits(what=)
    N_("The number"), N_("A cédula de ciudadanía"), N_("A tarjeta de identidad"), N_("A cédula de extranjería"),
    N_("A PPT number"),
    # schemas.metrics.DimensionList(what=)
    N_("for the funnel"),
    N_("One of the parts of the number are invalid or unknown."),
)


def language(lang: str | None) -> str:
    """The language of a locale or language tag (`tr-TR`, `sv_SE` → `tr`, `sv`); English when
    it is none of ours."""
    code = (lang or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return code if code in LANGUAGES else DEFAULT


@cache
def _catalogue(lang: str) -> dict[str, str]:
    """msgid → translation of the errors domain of `lang` (only translated, non-fuzzy entries)."""
    folder = DIRECTORY / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        from babel.messages.mofile import read_mo
        with mo.open("rb") as file:
            catalog = read_mo(file)
    elif po.exists():
        from babel.messages.pofile import read_po
        with po.open("rb") as file:
            catalog = read_po(file, locale=lang, domain=DOMAIN)
    else:
        return {}
    return {message.id: message.string for message in catalog
            if message.id and isinstance(message.id, str) and message.string and not message.fuzzy}


def _merged(lang: str, msgid: str) -> str | None:
    """`msgid` in the other domains of `lang` (a page's own message raised as a `Msg`), if any."""
    from service.translations import CatalogueMissing, catalogue
    try:
        translated = catalogue(lang).gettext(msgid)
    except (CatalogueMissing, OSError):
        return None
    return translated if translated != msgid else None


def lookup(lang: str, msgid: str) -> str | None:
    """The translation of `msgid` in `lang`: the errors domain's, else another domain's; None if none."""
    return _catalogue(lang).get(msgid) or _merged(lang, msgid)


def gettext(lang: str, msgid: str) -> str:
    """`msgid` translated into `lang`, or `msgid` itself when no catalogue has it."""
    return lookup(language(lang), msgid) or msgid


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching `template` once formatted, capturing its values by name."""
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>.+?)")
    return re.compile("".join(parts), re.DOTALL)


def _placeholders(template: str) -> list[str]:
    return [field for _lit, field, _spec, _conv in string.Formatter().parse(template) if field is not None]


#: The templates with values, most specific first (the longest fixed text), so that
#: "Must be greater than 0 and less than 5." is not read as "Must be greater than {min}.".
TEMPLATES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (_pattern(template), template)
    for template in sorted((t for t in MARSHMALLOW_MESSAGES if _placeholders(t)),
                           key=lambda t: -len(_pattern(t).pattern))
)


def _format(template: str, params: Mapping[str, Any], fallback: str) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError):
        # A translation whose placeholders do not match its msgid: a test catches it, but a
        # reader gets the English message rather than a 500.
        return fallback


def localise(message: Any, lang: str | None) -> Any:
    """`message` in `lang` (English when `lang` is not one of LANGUAGES). Anything but a string
    is returned as it is; a string no catalogue knows stays English."""
    if not isinstance(message, str):
        return message
    lang = language(lang)
    if isinstance(message, Msg):
        if lang == DEFAULT:
            return str(message)
        # The whole sentence first: "Trainee not found." reads better translated as one than
        # as "{label} not found." around an English label.
        whole = _catalogue(lang).get(str(message)) if message.params else None
        if whole:
            return whole
        template = gettext(lang, message.msgid)
        if not message.params:
            return template  # braces in a message without values are text ("POST /users/{id}/token")
        params = {name: localise(value, lang) if isinstance(value, Msg) else value
                  for name, value in message.params.items()}
        return _format(template, params, str(message))
    text = str(message)
    if lang == DEFAULT:
        return text
    translated = lookup(lang, text)
    if translated:
        return translated
    for pattern, template in TEMPLATES:
        match = pattern.fullmatch(text)
        if match:
            return _format(gettext(lang, template), match.groupdict(), text)
    return text


def localise_errors(errors: Any, lang: str | None) -> Any:
    """Every message of `errors` in `lang`: a field → messages mapping as marshmallow,
    webargs and `ValidationFailed` nest it (dicts of lists of strings, dicts of dicts for
    nested fields and list indexes). Keys (field names, indexes) stay as they are."""
    if isinstance(errors, Mapping):
        return {key: localise_errors(value, lang) for key, value in errors.items()}
    if isinstance(errors, str):
        return localise(errors, lang)
    if isinstance(errors, Iterable):
        return [localise_errors(value, lang) for value in errors]
    return errors
