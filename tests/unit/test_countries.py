"""Country profiles: each is complete and right, and the rules that depend on a country ask them."""

from __future__ import annotations

import codecs
import dataclasses
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.numbers import list_currencies

from service.domain import countries, employers, national_ids
from service.domain.countries import CountryProfile, IdScheme, InvalidNumber
from service.imports import reading

EVERY_PROFILE = (*countries.PROFILES.values(), countries.GENERIC)


@pytest.mark.parametrize("country", EVERY_PROFILE, ids=lambda p: p.code or "generic")
def test_every_profile_is_complete(country: CountryProfile):
    assert country.person_id_schemes and all(isinstance(s, IdScheme) for s in country.person_id_schemes)
    assert isinstance(country.tax_id_scheme, IdScheme)
    assert country.currency is None or country.currency in list_currencies()
    assert ZoneInfo(country.time_zone)
    assert country.csv_encoding is None or codecs.lookup(country.csv_encoding)
    assert country.csv_delimiter in (",", ";")
    assert Locale.parse(country.language).language == country.language
    assert all(getattr(country, f.name) is not None for f in dataclasses.fields(country)
               if f.name not in ("code", "currency", "csv_encoding")), "only the generic profile lacks these"
    if country.code is not None:
        assert countries.profile(country.code.lower()) is country
        assert country.code in Locale.parse("en").territories
        assert None not in (country.currency, country.csv_encoding)


@pytest.mark.parametrize("code, person, tax, currency, zone, encoding, delimiter, language", [
    ("TR", ("tr_tckn", "tr_ykn", "tr_temporary_protection", "passport", "unhcr"), "tr_vkn", "TRY", "Europe/Istanbul",
     "cp1254", ";", "tr"),
    ("SE", ("se_personnummer", "se_samordningsnummer", "passport", "unhcr"), "se_orgnr", "SEK", "Europe/Stockholm",
     "cp1252", ";", "sv"),
    ("CO", ("co_cc", "co_ti", "co_ce", "co_ppt", "passport", "unhcr"), "co_nit", "COP", "America/Bogota", "cp1252",
     ";", "es"),
    ("GT", ("gt_cui", "passport", "unhcr"), "gt_nit", "GTQ", "America/Guatemala", "cp1252", ",", "es"),
    ("ES", ("es_dni", "es_nie", "passport", "unhcr"), "generic", "EUR", "Europe/Madrid", "cp1252", ";", "es"),
    ("DE", ("generic", "passport", "unhcr"), "generic", None, "UTC", None, ",", "en"),
])
def test_each_field_of_each_profile(code, person, tax, currency, zone, encoding, delimiter, language):
    country = countries.profile(code)
    assert tuple(s.name for s in country.person_id_schemes) == person
    assert (country.tax_id_scheme.name, country.currency, country.time_zone, country.csv_encoding,
            country.csv_delimiter, country.language) == (tax, currency, zone, encoding, delimiter, language)


def test_profiles_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        countries.profile("TR").currency = "EUR"  # type: ignore[misc]


def test_the_schemes_an_organisation_may_use_come_from_the_profiles_in_order():
    # People's documents only: the CO and GT NIT are employers' tax numbers (tax_id_scheme).
    # Nor are passports and UNHCR numbers any country's national id.
    assert national_ids.SCHEMES == (
        "tr_tckn", "tr_ykn", "tr_temporary_protection", "se_personnummer", "se_samordningsnummer",
        "co_cc", "co_ti", "co_ce", "co_ppt", "gt_cui", "es_dni", "es_nie", "generic")


# A country the service does not know, with rules unlike any real one's.

def _digits_reversed(compact: str) -> str:
    if not compact.isdigit():
        raise InvalidNumber("Digits only.")
    return compact[::-1]


XX = CountryProfile(
    code="XX",
    person_id_schemes=(IdScheme("xx_pin", _digits_reversed), IdScheme("xx_passport")),
    tax_id_scheme=IdScheme("xx_tin", lambda compact: "TIN-" + _digits_reversed(compact)),
    currency="EUR", time_zone="Europe/Vienna", csv_encoding="cp1250", csv_delimiter=";", language="de",
)


@pytest.fixture
def with_xx(monkeypatch):
    monkeypatch.setattr(countries, "PROFILES", {**countries.PROFILES, "XX": XX})


def test_a_new_profile_changes_the_domain_rules(with_xx):
    assert countries.profile("xx") is XX
    assert national_ids.default_scheme("XX") == "xx_pin"
    assert national_ids.normalise("xx_pin", " 12 34 ") == "4321"
    with pytest.raises(ValueError, match="Not a valid xx_pin number: Digits only."):
        national_ids.normalise("xx_pin", "12a4")
    assert national_ids.normalise("xx_passport", "ab 12") == "AB12"  # a scheme without a check
    assert employers.normalise_tax_number("XX", "5 6 7") == "TIN-765"
    with pytest.raises(ValueError, match="Not a valid XX tax number: Digits only."):
        employers.normalise_tax_number("XX", "56x")


def test_a_new_profile_changes_how_import_files_are_read(with_xx, tmp_path):
    assert reading.decode("Łódź".encode("cp1250"), country="XX") == ("Łódź", "cp1250")
    # A header with as many commas as semicolons is read with the country's delimiter.
    path = tmp_path / "odd.csv"
    path.write_bytes(b"given_name;family_name,national_id\n")
    with pytest.raises(reading.UnusableInput, match="unknown column.*'family_name,national_id'"):
        reading.read_table(path, country="XX")
    with pytest.raises(reading.UnusableInput, match="unknown column.*'given_name;family_name'"):
        reading.read_table(path, country="GT")
    assert reading.sniff_delimiter("a;b,c", countries.profile("XX").csv_delimiter) == ";"


def test_without_the_profile_the_country_is_generic():
    assert national_ids.default_scheme("XX") == "generic"
    assert employers.normalise_tax_number("XX", "5 6 7") == "567"
    assert countries.person_id_scheme("xx_pin") is None
    with pytest.raises(reading.UnusableInput, match="no legacy encoding is known for country XX"):
        reading.decode("Łódź".encode("cp1250"), country="XX")
    assert reading.sniff_delimiter("a;b,c", countries.profile("XX").csv_delimiter) == ","


@pytest.mark.parametrize("country, encoding", [("TR", "cp1254"), ("se", "cp1252"), ("CO", "cp1252"),
                                               ("GT", "cp1252"), ("ES", "cp1252")])
def test_legacy_files_are_read_in_the_countrys_encoding(country, encoding):
    text = "Şükrü;Åsa;Peña"
    raw = text.encode(encoding, errors="replace")
    assert reading.decode(raw, country=country) == (raw.decode(encoding), encoding)
