"""How every page writes a value: dates, moments, money and amounts in the reader's language, a group's
label, a person's name, and links to pages this deployment serves.

Defined once and given to every template; the language is read when a value is written, so one set
of functions serves every request.
"""

from __future__ import annotations

import uuid
from datetime import date as Date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, dates
from babel.numbers import get_currency_precision
from flask import Flask, current_app, g, url_for
from flask_babel import format_currency, format_decimal, format_percent, get_locale

from service import clock
from service.translations import translate
from service.web.i18n import current_language


def has_page(endpoint: str) -> bool:
    """Whether this deployment serves `endpoint`: links to pages of other areas are shown only then."""
    return endpoint in current_app.view_functions


def person_url(trainee_id: uuid.UUID) -> str | None:
    """The person's page, when served."""
    return url_for("person.show", trainee_id=trainee_id) if has_page("person.show") else None


def full_name(row) -> str:
    return f"{row.given_name} {row.family_name}"


def day(value: Date | datetime | None) -> str:
    """A calendar day as the reader writes it; a moment is first taken to the organisation's local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(clock.zone(_time_zone())).date()
    return _day(value, str(get_locale()))


@lru_cache(maxsize=8192)
def _day(value: Date, locale: str) -> str:
    """Babel's medium date (flask_babel's format_date, which reads the locale and its patterns each time:
    about 0.3 ms a date, and a person's page writes 500 cohorts' start days), kept by day and language."""
    return dates.format_date(value, "medium", locale=locale)


def moment(value: datetime, time_zone: str | None = None) -> str:
    """A date and time in the organisation's local time (the signed-in user's, else `time_zone`): an
    invitation valid "until 14:30" means İzmir's 14:30 to a caseworker there."""
    zone = time_zone or _time_zone()
    lang = current_language()
    local = value.astimezone(clock.zone(zone)) if value.tzinfo is not None else value
    # The day as `day` writes it ("5 dec. 2026", "5 Ara 2026") and the time to the minute, joined as the
    # language joins them: one style with the pages' days, never "5.12.2026" beside "5 Ara 2026".
    joined = str(Locale.parse(lang).datetime_formats["medium"])
    return joined.replace("{1}", _day(local.date(), lang)).replace(
        "{0}", dates.format_time(local, "short", locale=lang))


def money(amount: Decimal | int | None, currency: str | None) -> str:
    """An amount with its currency as the reader writes it ("35.250,00 ₺"); a bare number without one."""
    if amount is None:
        return ""
    return format_currency(amount, currency) if currency else format_decimal(amount)


def amount(value: Decimal | int | None, currency: str | None = None) -> str:
    """A wage as the reader writes it, to start a form with (read back by `forms.amount`): with the currency's
    decimals when given, else two ("32.500,50", never "32.500,5")."""
    if value is None:
        return ""
    if isinstance(value, int) and currency is None:  # a count (rows of a file), not money
        return format_decimal(value)
    digits = get_currency_precision(currency) if currency else 2
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


def percent(value: float | Decimal | None, decimals: int = 1) -> str:
    """A fraction as a percentage in the reader's own pattern, to `decimals` places: 0.214 is "21.4%" in
    English, "21,4 %" in Swedish and Spanish, "%21,4" in Turkish (never a pattern of our own)."""
    if value is None:
        return ""
    pattern = Locale.parse(current_language()).percent_formats[None].pattern
    if decimals:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals, 1)
    return format_percent(value, pattern)


def group_label(entry) -> str:
    """A group of the organisation's vocabulary: its own label in the reader's language, else its English
    label, which for a country's default group is a msgid with translations."""
    lang = current_language()
    return entry.labels.get(lang) or translate(lang, entry.labels.get("en", entry.key))


def _time_zone() -> str:
    return (g.principal.time_zone if g.get("principal") else None) or "UTC"


def init(app: Flask) -> None:
    app.jinja_env.globals.update(has_page=has_page, person_url=person_url, full_name=full_name, date=day, day=day,
                                 moment=moment, money=money, amount=amount, group_label=group_label,
                                 percent=percent)
