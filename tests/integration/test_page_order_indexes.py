"""The pages' order indexes (migration 0018, issue 16 P7), and that the dates a page writes are Babel's.

On PostgreSQL each language's index of people's names holds them in the collation the pages sort by
(service.services.directory.collated), or the planner could not read a page by name from it; and the
latest cohorts' index is in the order the cohort choices are read. No timing is asserted here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel import dates
from flask_babel import force_locale
from sqlalchemy import text

from service.db.models.trainees import NAME_COLLATIONS
from service.web import formatting


def _definition(engine, name: str) -> str:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_get_indexdef(to_regclass(:name))"), {"name": name}) or ""


@pytest.mark.parametrize("language", sorted(NAME_COLLATIONS))
def test_each_languages_name_index_holds_the_names_in_its_collation(pg_engine, language):
    collation = NAME_COLLATIONS[language]

    definition = _definition(pg_engine, f"ix_trainees_name_{language}")

    assert (f'(organisation_id, family_name COLLATE "{collation}", given_name COLLATE "{collation}", id)'
            in definition)


def test_the_latest_cohorts_index_is_in_the_order_the_choices_are_read(pg_engine):
    assert "(organisation_id, starts_on DESC NULLS LAST)" in _definition(pg_engine, "ix_cohorts_latest")


@pytest.mark.parametrize("language", ["en", "es", "sv", "tr"])
def test_a_day_is_written_as_babel_writes_it_in_each_language(app, language):
    days = [date(2026, 1, 1) + timedelta(days=step * 37) for step in range(12)]

    with app.test_request_context("/"), force_locale(language):
        written = [formatting.day(day) for day in days + days]  # the second time from what was kept

    assert written == [dates.format_date(day, "medium", locale=language) for day in days + days]
