"""Spain: no id schemes checked yet (generic), euro, Windows-1252 spreadsheets."""

from __future__ import annotations

from service.domain.countries.definitions import GENERIC_SCHEME, CountryProfile

PROFILE = CountryProfile(
    code="ES",
    person_id_schemes=(GENERIC_SCHEME,),
    tax_id_scheme=GENERIC_SCHEME,
    currency="EUR",
    time_zone="Europe/Madrid",
    csv_encoding="cp1252",
    csv_delimiter=";",
    language="es",
)
