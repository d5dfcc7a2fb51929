"""Sweden: personnummer and samordningsnummer, organisationsnummer, krona, Windows-1252 spreadsheets."""

from __future__ import annotations

from stdnum.se import orgnr

from service.domain.countries.definitions import CountryProfile, stdnum_scheme
from service.domain.countries import vocabularies
from service.domain.documents.catalogue import types

PROFILE = CountryProfile(
    code="SE",
    person_id_schemes=types("se_personnummer", "se_samordningsnummer", "passport", "unhcr"),
    tax_id_scheme=stdnum_scheme("se_orgnr", orgnr),
    currency="SEK",
    time_zone="Europe/Stockholm",
    csv_encoding="cp1252",
    csv_delimiter=";",
    language="sv",
    groups=vocabularies.SE,
)
