"""Colombia: the NIT for people and employers alike, peso, Windows-1252 spreadsheets."""

from __future__ import annotations

from stdnum.co import nit

from service.domain.countries.definitions import CountryProfile, stdnum_scheme

PROFILE = CountryProfile(
    code="CO",
    person_id_schemes=(stdnum_scheme("co_nit", nit),),
    tax_id_scheme=stdnum_scheme("co_nit", nit),
    currency="COP",
    time_zone="America/Bogota",
    csv_encoding="cp1252",
    csv_delimiter=";",
    language="es",
)
