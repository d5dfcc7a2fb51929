"""Gettext catalogues: every language translates every msgid the code marks, the compiled
catalogues are those of the `.po` files, and exports read the labels they read before gettext."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

import service.translations as translations
from service.metrics.labels import column_label, value_label

ROOT = Path(__file__).resolve().parents[2]
#: Where msgids are marked; the web issue adds its templates here.
SOURCES = ("service", "schemas", "workers")


def _marked_msgids() -> set[str]:
    found = set()
    for directory in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / directory, method_map=[("**.py", "python")]):
            found.add(message if isinstance(message, str) else message[0])
    return found


MSGIDS = _marked_msgids()


def _po(lang: str):
    with (translations.DIRECTORY / lang / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=lang)


def test_en_and_tr_have_catalogues_and_the_code_marks_msgids():
    assert {"en", "tr"} <= set(translations.LANGUAGES)
    assert "Placement rate" in MSGIDS and len(MSGIDS) > 80


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_every_language_translates_every_msgid_and_no_other(lang):
    catalogue = _po(lang)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert sorted(MSGIDS - translated) == [], f"{lang} lacks these translations"
    assert sorted({m.id for m in catalogue if m.id} - MSGIDS) == [], f"{lang} has msgids the code no longer marks"
    assert [problem for _message, problems in catalogue.check() for problem in problems] == []


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_the_compiled_catalogue_is_the_po_files(lang):
    """A `.mo` missing or older than its `.po` fails here: run `make install`."""
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang))
    compiled.seek(0)
    expected = Translations(compiled)
    loaded = translations.catalogue(lang)
    assert {m: loaded.gettext(m) for m in MSGIDS} == {m: expected.gettext(m) for m in MSGIDS}, \
        f"the compiled {lang} catalogue is not its .po file: run `make install`"


def test_a_missing_compiled_catalogue_is_a_loud_error(monkeypatch, tmp_path):
    (tmp_path / "xx" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "xx" / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n')
    monkeypatch.setattr(translations, "DIRECTORY", tmp_path)
    with pytest.raises(translations.CatalogueMissing, match="make install"):
        translations.catalogue.__wrapped__("xx")


def test_a_language_is_a_catalogue_folder(monkeypatch, tmp_path):
    for lang in ("en", "sv"):
        (tmp_path / lang / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / lang / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n')
    monkeypatch.setattr(translations, "DIRECTORY", tmp_path)
    monkeypatch.setattr(translations, "LANGUAGES", translations.languages())
    assert translations.LANGUAGES == ("en", "sv")
    assert translations.language("sv-SE") == "sv"
    assert translations.language("tr") == "en"


LABELS_BEFORE = json.loads((Path(__file__).parent / "labels_before_gettext.json").read_text())


@pytest.mark.parametrize("locale, lang", [("en", "en"), ("tr", "tr"), ("tr-TR", "tr"), ("sv", "en"),
                                          ("es", "en"), ("", "en")])
def test_exports_read_the_labels_they_read_before_gettext(locale, lang):
    """Every label of the former (en, tr) tables, read through the catalogues."""
    for entry in LABELS_BEFORE:
        if "column" in entry:
            assert column_label(entry["column"], locale) == entry[lang], entry
        else:
            assert value_label(entry["dimension"], entry["value"], locale) == entry[lang], entry
