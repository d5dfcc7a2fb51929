"""The pages' language: the user's choice, then the organisation's default, then the browser's.

Flask-Babel reads every gettext domain of `service/translations` (one `.po` file per area:
exports, labels, errors, the pages of each area), so each area keeps its own catalogue while a
page sees one merged language. Dates, numbers and money are formatted with the same locale.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from flask import Flask, g, request
from flask_babel import Babel, get_locale

from service import translations
from service.domain.money import CURRENCIES
from service.domain.people import COUNTRY_CODES
from service.services.directory import sort_names
from service.translations import labels

#: The languages the pages speak; `translations.LANGUAGES` lists the catalogues on disk.
LANGUAGES = ("en", "tr", "sv", "es")
#: The language chosen in the menu, in this browser (service/web/language.py).
LANGUAGE_COOKIE = "pathways_lang"
#: What each language calls itself, for the language menu (never translated).
NATIVE_NAMES = {"en": "English", "tr": "Türkçe", "sv": "Svenska", "es": "Español"}


def _domains() -> list[str]:
    """Every gettext domain with a catalogue in English, `messages` (the exports') first."""
    names = {path.stem for path in translations.DIRECTORY.glob("en/LC_MESSAGES/*.po")}
    return sorted(names, key=lambda name: (name != translations.DOMAIN, name))


def supported(lang: str | None) -> str | None:
    """`lang` (or its language part) when the pages speak it."""
    code = (lang or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return code if code in LANGUAGES else None


def select_locale() -> str:
    """The user's own choice (saved with the account, else made in this browser's language menu),
    else the organisation's language, else the browser's best match."""
    session = g.get("web_session")
    chosen = supported(session.locale) if session is not None else None
    chosen = chosen or supported(request.cookies.get(LANGUAGE_COOKIE))
    if chosen is None and session is not None:
        chosen = supported(session.organisation_locale)
    return chosen or request.accept_languages.best_match(LANGUAGES) or "en"


def current_language() -> str:
    return str(get_locale() or "en").split("_", 1)[0]


def label(kind: str, value: object) -> str:
    """The label of a value (a sex, a status, a reason...) in the page's language."""
    return labels.label(kind, value, current_language())


def choices(kind: str) -> list[tuple[str, str]]:
    """(value, label) of every value of a kind, in the page's language, for a select."""
    return labels.choices(kind, current_language())


def country_name(code: str | None) -> str:
    """A country's name in the page's language (CLDR's), the code itself when CLDR has none."""
    if not code:
        return ""
    return Locale.parse(current_language()).territories.get(code, code)


def countries() -> list[tuple[str, str]]:
    """(code, name) of every country, in the page's language and in its alphabetical order, for a select."""
    lang = current_language()
    names = Locale.parse(lang).territories
    return sort_names(((code, names.get(code, code)) for code in COUNTRY_CODES), lang, key=lambda pair: pair[1])


#: The currencies the organisation's programmes pay in most, first in a currency select.
USUAL_CURRENCIES = ("TRY", "SEK", "GTQ", "COP", "EUR", "USD")


def currency_choices(codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, "Türk lirası (TRY)") of every currency (`codes`, else ISO 4217's active ones), named in the page's
    language: the usual ones first, then the others in the language's alphabetical order, for a select."""
    lang = current_language()
    names = Locale.parse(lang).currencies
    codes = set(codes if codes is not None else CURRENCIES)

    def named(code: str) -> tuple[str, str]:
        name = names.get(code)
        return code, f"{name} ({code})" if name and name != code else code

    usual = [named(code) for code in USUAL_CURRENCIES if code in codes]
    rest = sort_names((named(code) for code in codes if code not in USUAL_CURRENCIES), lang,
                      key=lambda pair: pair[1])
    return usual + rest


def time_zone_choices(names: Iterable[str]) -> list[tuple[str, str]]:
    """(name, "Türkiye – İstanbul") of each IANA time zone, named by CLDR's country and city in the page's
    language (the name with "_" as spaces where CLDR knows no country: UTC), in the language's alphabetical
    order, for a select."""
    lang = current_language()
    locale = Locale.parse(lang)
    territories = get_global("zone_territories")

    def named(name: str) -> tuple[str, str]:
        territory = territories.get(name, "")
        country = locale.territories.get(territory) if territory not in ("", "001", "ZZ") else None
        if not country:
            return name, name.replace("_", " ")
        try:
            city = get_timezone_location(name, locale=locale, return_city=True)
        except LookupError:
            city = name.rsplit("/", 1)[-1].replace("_", " ")
        return name, f"{country} – {city}"

    return sort_names((named(name) for name in names), lang, key=lambda pair: pair[1])


def init(app: Flask) -> None:
    domains = _domains()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join([str(translations.DIRECTORY)] * len(domains))
    app.config["BABEL_DOMAIN"] = ";".join(domains)
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(current_language=current_language, LANGUAGES=LANGUAGES,
                                 NATIVE_NAMES=NATIVE_NAMES, label=label, choices=choices,
                                 country_name=country_name, currency_choices=currency_choices)
