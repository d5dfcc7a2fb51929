"""A code inside a message (an identity scheme) stays the code in English and reads as its label translated."""

from __future__ import annotations

import pickle

import pytest

from service.domain import national_ids
from service.domain.messages import Term
from service.translations.localise import localise


def _refusal(scheme: str, number: str):
    with pytest.raises(ValueError) as refused:
        national_ids.normalise(scheme, number)
    return refused.value.args[0]


def test_english_keeps_the_scheme_code_api_clients_match_on():
    assert str(_refusal("tr_tckn", "12138003571")).startswith("Not a valid tr_tckn number: ")


@pytest.mark.parametrize("lang, expected", [("tr", "Geçersiz T.C. kimlik numarası (TCKN): "),
                                            ("es", "Número de identidad turco"),
                                            ("sv", "Turkiskt identitetsnummer")])
def test_a_translation_names_the_document_by_its_label_never_by_its_code(lang, expected):
    translated = localise(_refusal("tr_tckn", "12138003571"), lang)
    assert translated.startswith(expected) and "tr_tckn" not in translated


def test_a_term_survives_a_process_boundary():
    term = Term("se_personnummer", "Personal identity number (personnummer)")
    copy = pickle.loads(pickle.dumps(term))
    assert str(copy) == "se_personnummer" and copy.msgid == term.msgid
