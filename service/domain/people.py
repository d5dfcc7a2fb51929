"""Categorical facts about people: sexes, age bands, citizenship and the other disaggregations."""

from __future__ import annotations

from datetime import date

from babel import Locale
from service.domain.messages import Msg

#: `undisclosed`: the person did not say (or was not asked). Before release 0008 the form had one `other`
#: for both a non-binary identity and "prefer not to say"; the migration made every stored `other`
#: `undisclosed`, as nobody could tell which one it meant.
SEXES = ("female", "male", "non_binary", "undisclosed")
SETTLEMENT_TYPES = ("urban", "rural")
EDUCATION_LEVELS = ("primary_or_less", "lower_secondary", "upper_secondary", "tertiary")
LABOUR_STATUSES = ("unemployed", "long_term_unemployed", "inactive", "employed", "in_education")
#: `housing_exclusion`: homeless or affected by housing exclusion (ESF+, Regulation (EU) 2021/1057 Annex I).
VULNERABLE_GROUPS = ("roma", "disability", "refugee", "single_parent", "neet", "migrant", "housing_exclusion")

#: The 27 member states of the EU as ISO 3166-1 alpha-2 codes (Greece is `GR`, as ISO has it, not the
#: EU's own `EL`). A citizen of any other country is a third-country national (ESF+).
EU_MEMBER_STATES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
    "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"})

#: Codes CLDR names as territories that ISO 3166-1 does not assign to a country (regions, reservations).
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"})
#: ISO 3166-1 alpha-2 (249 codes, from CLDR by way of babel), and XK: Kosovo, which ISO leaves unassigned
#: while the EU, the UN's agencies and CLDR use XK for it (its citizens are third-country nationals).
COUNTRY_CODES = frozenset(code for code in map(str, Locale("en").territories)
                          if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)

#: Age bands of SPEC section 2 as (label, lowest age, highest age or None).
AGE_BANDS = (("15-17", 15, 17), ("18-24", 18, 24), ("25-29", 25, 29), ("30-54", 30, 54), ("55+", 55, None))

MINIMUM_ENROLMENT_AGE = 15


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day` (a 29 February birthday counts on 1 March)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def age_band(birth_date: date, day: date) -> str | None:
    """The band of the age on `day`, or None below the youngest band."""
    age = age_on(birth_date, day)
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return None


def check_citizenship(code: str) -> str | None:
    """The problem with a citizenship as stored (an assigned ISO 3166-1 alpha-2 code, upper case), or None."""
    if not (len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()):
        return Msg("Give the country's ISO 3166-1 alpha-2 code, e.g. TR or SY.")
    if code not in COUNTRY_CODES:
        return Msg("{code} is not an ISO 3166-1 country code.", code=code)
    return None


def is_third_country_national(citizenship: str | None, home_country: str | None = None) -> bool:
    """A citizen of a country outside the EU (ESF+, Article 20(1) TFEU); unknown citizenship is not counted.

    `home_country` is the organisation's country. Inside the EU it changes nothing. Outside it (an İzmir,
    Bogotá or Guatemala City programme reporting on ESF+ terms) the country's own citizens are not counted:
    by the letter every Turkish citizen in İzmir would be a third-country national, and the indicator would
    say nothing; it counts the foreign nationals from outside the EU instead.
    """
    return citizenship is not None and citizenship not in EU_MEMBER_STATES and citizenship != home_country
