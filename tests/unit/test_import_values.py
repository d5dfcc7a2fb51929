"""An import's cells as offices write them (service.imports.values): labels in any language for codes,
local dates for ISO dates; codes and ISO dates as they are; anything else left for the schema to refuse."""

from __future__ import annotations

import pytest

from service.imports import reading, values
from service.translations import LANGUAGES, labels


def test_every_label_in_every_language_names_its_code_whatever_its_case_and_accents():
    for field, kind in values.CODED.items():
        for code in labels.LABELS[kind]:
            assert values.code(field, code) == code
            for lang in LANGUAGES:
                label = labels.label(kind, code, lang)
                for written in (label, label.upper(), label.lower(), f"  {label} "):
                    assert values.code(field, written) == code, (field, lang, written)
    assert values.code("sex", "KADIN") == values.code("sex", "kadin") == "female"
    assert values.code("labour_status", "İŞSİZ") == "unemployed"
    assert values.code("education_level", "lise") == "upper_secondary"
    assert values.code("sex", "Kentsel") == "Kentsel"  # a settlement label is no sex: left for the schema
    assert values.code("settlement_type", "somewhere") == "somewhere"
    # a row of the engine (service.imports.reading): labels and a local date as the API's values
    columns = ("sex", "birth_date", "settlement_type", "education_level", "labour_status", "consent")
    record = reading.record(2, 2, columns, ["Kadın", "14.03.1999", "Kentsel", "Lise", "İşsiz", "evet"], language="tr")
    assert record.body == {"sex": "female", "birth_date": "1999-03-14", "settlement_type": "urban",
                           "education_level": "upper_secondary", "labour_status": "unemployed", "consent": True}


@pytest.mark.parametrize(("cell", "language", "read"), [
    ("1999-03-14", "tr", "1999-03-14"),
    ("14.03.1999", "tr", "1999-03-14"),
    ("14.03.1999", "en", "1999-03-14"),  # dots: day first everywhere
    ("03.04.1999", "en", "1999-04-03"),
    ("14/03/1999", "es", "1999-03-14"),
    ("14/03/1999", "en", "1999-03-14"),  # 14 is no month
    ("03/14/1999", "es", "1999-03-14"),  # nor here
    ("03/04/1999", "es", "1999-04-03"),  # either way: the language decides
    ("03/04/1999", "sv", "1999-04-03"),
    ("03/04/1999", "en", "1999-03-04"),
    ("1999.03.14", "sv", "1999-03-14"),
    ("31.02.1998", "tr", "31.02.1998"),  # no such day: left for the schema's "Not a valid date."
    ("yesterday", "en", "yesterday"),
])
def test_dates_in_the_files_language_are_read_as_iso_dates(cell, language, read):
    assert values.iso_date(cell, language) == read
    assert values.ambiguous(cell) == (cell in ("03/04/1999",))

