"""Ages and age bands on a given day."""

from datetime import date

import pytest

from service.domain.people import age_band, age_on


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
