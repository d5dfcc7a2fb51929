"""Categorical facts about people: sexes, age bands and the other disaggregations."""

from __future__ import annotations

from datetime import date

SEXES = ("female", "male", "non_binary", "undisclosed")
SETTLEMENT_TYPES = ("urban", "rural")
EDUCATION_LEVELS = ("primary_or_less", "lower_secondary", "upper_secondary", "tertiary")
LABOUR_STATUSES = ("unemployed", "long_term_unemployed", "inactive", "employed", "in_education")
VULNERABLE_GROUPS = ("roma", "disability", "refugee", "single_parent", "neet", "migrant")

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
