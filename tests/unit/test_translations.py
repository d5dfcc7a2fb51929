"""Gettext catalogues: a language is a folder of domains read as one, the compiled catalogues are
those of the `.po` files, and exports read the labels they read before gettext (whether every
language translates every msgid is tests/unit/test_translations_complete.py's)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

import service.translations as translations
from service.metrics.labels import column_label, value_label



def _po(lang: str, domain: str):
    with (translations.DIRECTORY / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        return read_po(file, locale=lang, domain=domain)


def test_the_four_languages_have_catalogues_and_exports_are_a_domain():
    assert set(translations.LANGUAGES) == {"en", "tr", "sv", "es"}
    for lang in translations.LANGUAGES:
        assert translations.domains(lang)[0] == "messages"


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_the_compiled_catalogue_is_the_po_files(lang):
    """A `.mo` missing or older than its `.po` fails here: run `make install`. Every domain is read,
    the first one holding a msgid (`messages` first) answers for it."""
    expected: dict[tuple[str | None, str], str] = {}
    for domain in translations.domains(lang):
        compiled = io.BytesIO()
        write_mo(compiled, _po(lang, domain))
        compiled.seek(0)
        one = Translations(compiled)
        for message in _po(lang, domain):
            if message.id and isinstance(message.id, str):
                expected.setdefault((message.context, message.id), _read(one, message.context, message.id))
    loaded = translations.catalogue(lang)
    assert expected and {key: _read(loaded, *key) for key in expected} == expected, \
        f"the compiled {lang} catalogue is not its .po files: run `make install`"


def _read(catalogue: Translations, context: str | None, msgid: str) -> str:
    return catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)


def test_every_domain_of_a_language_is_read(monkeypatch, tmp_path):
    """messages.po first: a msgid both files hold reads the exports' word; one only labels.po holds is found."""
    folder = tmp_path / "sv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    for domain, entries in (("messages", {"Total": "Summa"}), ("labels", {"Total": "Totalt", "Roma": "Romer"})):
        catalog = Catalog(locale="sv", domain=domain)
        for msgid, msgstr in entries.items():
            catalog.add(msgid, msgstr)
        with (folder / f"{domain}.mo").open("wb") as file:
            write_mo(file, catalog)
        (folder / f"{domain}.po").write_text('msgid ""\nmsgstr ""\n')
    monkeypatch.setattr(translations, "DIRECTORY", tmp_path)
    assert translations.domains("sv") == ("messages", "labels")
    merged = translations.catalogue.__wrapped__("sv")
    assert (merged.gettext("Total"), merged.gettext("Roma"), merged.gettext("Unknown")) == ("Summa", "Romer",
                                                                                            "Unknown")


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


@pytest.mark.parametrize("locale, lang", [("en", "en"), ("tr", "tr"), ("tr-TR", "tr"), ("en-GB", "en"),
                                          ("xx", "en"), ("", "en")])
def test_exports_read_the_labels_they_read_before_gettext(locale, lang):
    """Every label of the former (en, tr) tables, read through the catalogues."""
    for entry in LABELS_BEFORE:
        if "column" in entry:
            assert column_label(entry["column"], locale) == entry[lang], entry
        else:
            assert value_label(entry["dimension"], entry["value"], locale) == entry[lang], entry
