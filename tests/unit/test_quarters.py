"""Calendar quarters after an exit (service.metrics.packs.quarters): WIOA's Q2 and Q4 after the
exit quarter, quarter ends across year ends and in leap years, and the year after an exit."""

from __future__ import annotations

from datetime import date

import pytest

from service.metrics.packs.quarters import Quarter, after_exit, year_after_exit_ended


@pytest.mark.parametrize(("day", "quarter"), [
    (date(2025, 1, 1), Quarter(2025, 1)), (date(2025, 3, 31), Quarter(2025, 1)),
    (date(2025, 4, 1), Quarter(2025, 2)), (date(2025, 6, 30), Quarter(2025, 2)),
    (date(2025, 7, 1), Quarter(2025, 3)), (date(2025, 9, 30), Quarter(2025, 3)),
    (date(2025, 10, 1), Quarter(2025, 4)), (date(2025, 12, 31), Quarter(2025, 4)),
])
def test_the_quarter_of_a_day_at_its_boundaries(day, quarter):
    assert Quarter.of(day) == quarter
    assert quarter.holds(day)


@pytest.mark.parametrize(("quarter", "start", "end"), [
    (Quarter(2025, 1), date(2025, 1, 1), date(2025, 3, 31)),
    (Quarter(2024, 1), date(2024, 1, 1), date(2024, 3, 31)),
    (Quarter(2025, 2), date(2025, 4, 1), date(2025, 6, 30)),
    (Quarter(2025, 3), date(2025, 7, 1), date(2025, 9, 30)),
    (Quarter(2025, 4), date(2025, 10, 1), date(2025, 12, 31)),
])
def test_starts_and_ends(quarter, start, end):
    assert (quarter.start, quarter.end) == (start, end)


@pytest.mark.parametrize(("exited_on", "second", "fourth"), [
    # exit quarter 2025-Q1: Q2 after it is 2025-Q3, Q4 after it 2026-Q1
    (date(2025, 1, 1), Quarter(2025, 3), Quarter(2026, 1)),
    (date(2025, 3, 31), Quarter(2025, 3), Quarter(2026, 1)),
    # the next day is the next exit quarter
    (date(2025, 4, 1), Quarter(2025, 4), Quarter(2026, 2)),
    # across the year end
    (date(2025, 9, 30), Quarter(2026, 1), Quarter(2026, 3)),
    (date(2025, 12, 31), Quarter(2026, 2), Quarter(2026, 4)),
    (date(2026, 1, 1), Quarter(2026, 3), Quarter(2027, 1)),
    # a leap day is an ordinary day of Q1
    (date(2024, 2, 29), Quarter(2024, 3), Quarter(2025, 1)),
])
def test_second_and_fourth_quarter_after_the_exit_quarter(exited_on, second, fourth):
    assert after_exit(exited_on, 2) == second
    assert after_exit(exited_on, 4) == fourth
    assert after_exit(exited_on, 0) == Quarter.of(exited_on)


def test_plus_and_back_again_over_many_years():
    quarter = Quarter(1999, 4)
    for step in range(-9, 10):
        moved = quarter.plus(step)
        assert 1 <= moved.number <= 4
        assert moved.plus(-step) == quarter
    assert Quarter(1999, 4).plus(1) == Quarter(2000, 1)
    assert Quarter(2000, 1).plus(-1) == Quarter(1999, 4)


def test_a_quarter_has_ended_only_after_its_last_day():
    q = Quarter(2025, 4)
    assert not q.ended_by(date(2025, 12, 30))
    assert not q.ended_by(date(2025, 12, 31))
    assert q.ended_by(date(2026, 1, 1))


@pytest.mark.parametrize(("first", "last", "overlaps"), [
    (date(2025, 6, 1), date(2025, 6, 30), False),   # ends the day before
    (date(2025, 6, 1), date(2025, 7, 1), True),     # one day in
    (date(2025, 9, 30), None, True),                # starts on the last day, still going
    (date(2025, 10, 1), None, False),               # starts the day after
    (date(2024, 1, 1), None, True),                 # long before and still going
    (date(2025, 8, 1), date(2025, 8, 31), True),    # inside
])
def test_a_job_overlaps_a_quarter_when_they_share_a_day(first, last, overlaps):
    assert Quarter(2025, 3).overlaps(first, last) is overlaps


@pytest.mark.parametrize(("exited_on", "anniversary"), [
    (date(2025, 3, 31), date(2026, 3, 31)),
    (date(2025, 12, 31), date(2026, 12, 31)),
    (date(2024, 2, 29), date(2025, 2, 28)),   # a leap day's anniversary in a common year
    (date(2023, 3, 1), date(2024, 3, 1)),     # the year holds a leap day: still the same date
])
def test_the_year_after_an_exit_ends_on_its_anniversary(exited_on, anniversary):
    assert not year_after_exit_ended(exited_on, anniversary)
    assert year_after_exit_ended(exited_on, date.fromordinal(anniversary.toordinal() + 1))
