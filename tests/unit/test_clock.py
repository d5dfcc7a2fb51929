"""The clock: timestamps in UTC, "today" in a named time zone (an organisation's)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from service import clock
from service.domain.countries import GENERIC, PROFILES

LATE_EVENING_UTC = datetime(2026, 3, 10, 22, 30, tzinfo=timezone.utc)


def test_frozen_at_22_30_utc_it_is_already_tomorrow_in_izmir_but_not_in_utc_or_guatemala():
    with clock.frozen(LATE_EVENING_UTC):
        assert clock.utcnow() == LATE_EVENING_UTC
        assert clock.today("Europe/Istanbul") == date(2026, 3, 11)  # UTC+3: 01:30
        assert clock.today("UTC") == date(2026, 3, 10)
        assert clock.today("America/Guatemala") == date(2026, 3, 10)  # UTC-6: 16:30
        assert clock.utc_today() == date(2026, 3, 10)


def test_guatemala_reaches_a_day_six_hours_after_utc():
    with clock.frozen(datetime(2026, 3, 11, 3, 0, tzinfo=timezone.utc)):
        assert clock.today("America/Guatemala") == date(2026, 3, 10)  # 21:00 the evening before
        assert clock.today("UTC") == date(2026, 3, 11)
    with clock.frozen(datetime(2026, 3, 11, 6, 0, tzinfo=timezone.utc)):
        assert clock.today("America/Guatemala") == date(2026, 3, 11)  # its midnight
    with clock.frozen(datetime(2026, 3, 11, 5, 59, 59, tzinfo=timezone.utc)):
        assert clock.today("America/Guatemala") == date(2026, 3, 10)


def test_a_day_turns_at_the_zones_midnight_in_summer_time_too():
    """Stockholm keeps UTC+1 in winter and UTC+2 from the last Sunday of March (29 March 2026)."""
    with clock.frozen(datetime(2026, 3, 10, 23, 0, tzinfo=timezone.utc)):
        assert clock.today("Europe/Stockholm") == date(2026, 3, 11)
    with clock.frozen(datetime(2026, 6, 10, 22, 0, tzinfo=timezone.utc)):
        assert clock.today("Europe/Stockholm") == date(2026, 6, 11)
    with clock.frozen(datetime(2026, 6, 10, 21, 59, tzinfo=timezone.utc)):
        assert clock.today("Europe/Stockholm") == date(2026, 6, 10)


def test_the_latest_today_is_kiribatis():
    with clock.frozen(datetime(2026, 3, 10, 9, 59, tzinfo=timezone.utc)):
        assert clock.latest_today() == date(2026, 3, 10)
        assert clock.today("Pacific/Kiritimati") == date(2026, 3, 10)
    with clock.frozen(datetime(2026, 3, 10, 10, 0, tzinfo=timezone.utc)):
        assert clock.latest_today() == date(2026, 3, 11) == clock.today("Pacific/Kiritimati")


def test_acting_today_is_the_acting_organisations_else_the_latest_anywhere():
    with clock.frozen(LATE_EVENING_UTC):
        assert clock.acting_today() == clock.latest_today() == date(2026, 3, 11)
        with clock.acting_in("America/Guatemala"):
            assert clock.acting_today() == date(2026, 3, 10)
            with clock.acting_in("Europe/Istanbul"):
                assert clock.acting_today() == date(2026, 3, 11)
            assert clock.acting_today() == date(2026, 3, 10)
        with clock.acting_in(None):
            assert clock.acting_today() == date(2026, 3, 11)


def test_the_frozen_instant_ends_with_its_block_and_needs_an_offset():
    with clock.frozen(LATE_EVENING_UTC):
        pass
    assert abs(clock.utcnow() - datetime.now(timezone.utc)) < timedelta(minutes=5)
    with pytest.raises(ValueError):
        with clock.frozen(datetime(2026, 3, 10, 22, 30)):
            pass
    with clock.frozen(datetime(2026, 3, 11, 1, 30, tzinfo=timezone(timedelta(hours=3)))):
        assert clock.utcnow() == LATE_EVENING_UTC and clock.utcnow().tzinfo == timezone.utc


def test_a_replayed_day_wins_over_every_zone():
    """The demo writes its history day by day: each action is judged on its own day, wherever."""
    with clock.frozen(LATE_EVENING_UTC), clock.as_of(date(2025, 1, 2)):
        assert clock.today("Europe/Istanbul") == clock.today("America/Guatemala") == date(2025, 1, 2)
        assert clock.utc_today() == clock.latest_today() == date(2025, 1, 2)


@pytest.mark.parametrize("name", ["Europe/Istanbul", "America/Guatemala", "America/Bogota", "Europe/Stockholm",
                                  "Europe/Madrid", "UTC", "Asia/Kolkata", "America/Argentina/Buenos_Aires"])
def test_iana_names_are_time_zones(name):
    assert clock.is_time_zone(name)
    assert clock.zone(name).key == name


@pytest.mark.parametrize("name", ["", "Europe/Izmir", "europe/istanbul", "UTC+3", "+03:00", "Istanbul",
                                  "localtime", "Factory", "../../etc/passwd", "/usr/share/zoneinfo/UTC",
                                  "Europe/Istanbul\x00", " Europe/Istanbul", 3, None])
def test_other_names_are_not(name):
    assert not clock.is_time_zone(name)
    with pytest.raises(clock.UnknownTimeZone):
        clock.zone(name)
    with pytest.raises(ValueError):
        clock.today(name)


def test_every_country_profile_names_a_time_zone():
    for profile in (*PROFILES.values(), GENERIC):
        assert clock.is_time_zone(profile.time_zone), profile.code
    assert {code: p.time_zone for code, p in PROFILES.items()} | {None: GENERIC.time_zone} == {
        "TR": "Europe/Istanbul", "SE": "Europe/Stockholm", "CO": "America/Bogota", "GT": "America/Guatemala",
        "ES": "Europe/Madrid", None: "UTC"}
