"""The test organisations' "today": they are Turkish unless a test says otherwise (tests/conftest.py
`make_tenant`), so their day is İzmir's (Europe/Istanbul), not UTC's: from 21:00 UTC it is tomorrow."""

from __future__ import annotations

from datetime import date

from service import clock
from service.domain.countries import profile


def today(country: str = "TR") -> date:
    """Today where an organisation of `country` keeps its time (its profile's time zone)."""
    return clock.today(profile(country).time_zone)
