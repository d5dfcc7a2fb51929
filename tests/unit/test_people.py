"""Ages and age bands on a given day; sexes, groups, citizenship and the EU member states."""

from datetime import date

import pytest

from service.domain.people import (COUNTRY_CODES, EU_MEMBER_STATES, SEXES, VULNERABLE_GROUPS, age_band, age_on,
                                   check_citizenship, is_third_country_national)


@pytest.mark.parametrize("birth, day, age", [
    (date(2000, 6, 15), date(2026, 6, 14), 25),
    (date(2000, 6, 15), date(2026, 6, 15), 26),
    (date(2004, 2, 29), date(2026, 2, 28), 21),
    (date(2004, 2, 29), date(2026, 3, 1), 22),
])
def test_age_counts_completed_years(birth, day, age):
    assert age_on(birth, day) == age


@pytest.mark.parametrize("age, band", [
    (14, None), (15, "15-17"), (17, "15-17"), (18, "18-24"), (24, "18-24"), (25, "25-29"),
    (29, "25-29"), (30, "30-54"), (54, "30-54"), (55, "55+"), (90, "55+"),
])
def test_age_bands_follow_the_spec(age, band):
    assert age_band(date(2000, 1, 1), date(2000 + age, 1, 1)) == band


def test_the_four_sexes_and_the_groups_of_esf_plus():
    assert SEXES == ("female", "male", "non_binary", "undisclosed")
    assert "housing_exclusion" in VULNERABLE_GROUPS


def test_the_eu_has_27_member_states_with_greece_as_iso_names_it():
    assert len(EU_MEMBER_STATES) == 27
    assert "GR" in EU_MEMBER_STATES and "EL" not in EU_MEMBER_STATES
    assert not {"GB", "TR", "NO", "CH"} & EU_MEMBER_STATES
    assert EU_MEMBER_STATES <= COUNTRY_CODES


@pytest.mark.parametrize("code, problem", [
    ("TR", None), ("SY", None), ("SE", None), ("XK", None), ("GR", None),
    ("XX", "XX is not an ISO 3166-1 country code."),
    ("EU", "EU is not an ISO 3166-1 country code."),  # a CLDR region, not a country
    ("EL", "EL is not an ISO 3166-1 country code."),
    ("tr", "Give the country's ISO 3166-1 alpha-2 code, e.g. TR or SY."),
    ("TUR", "Give the country's ISO 3166-1 alpha-2 code, e.g. TR or SY."),
    ("T1", "Give the country's ISO 3166-1 alpha-2 code, e.g. TR or SY."),
    ("ÇA", "Give the country's ISO 3166-1 alpha-2 code, e.g. TR or SY."),
])
def test_citizenship_codes(code, problem):
    assert check_citizenship(code) == problem


def test_iso_assigns_249_codes_and_kosovo_is_added():
    assert len(COUNTRY_CODES) == 250 and "XK" in COUNTRY_CODES


@pytest.mark.parametrize("citizenship, third_country", [("SY", True), ("TR", True), ("DE", False), (None, False)])
def test_a_third_country_national_is_a_citizen_of_a_country_outside_the_eu(citizenship, third_country):
    assert is_third_country_national(citizenship) is third_country
    assert is_third_country_national(citizenship, "SE") is third_country  # inside the EU, the letter of the rule


@pytest.mark.parametrize("citizenship, home, third_country", [
    ("TR", "TR", False), ("SY", "TR", True), ("DE", "TR", False), ("VE", "CO", True), ("CO", "CO", False),
    ("GT", "GT", False), (None, "GT", False)])
def test_outside_the_eu_the_organisations_own_citizens_are_not_third_country_nationals(citizenship, home,
                                                                                     third_country):
    assert is_third_country_national(citizenship, home) is third_country
