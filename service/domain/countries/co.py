"""Colombia: cédulas, PPT and passports for people, the NIT for employers only, peso, Windows-1252."""

from __future__ import annotations

from stdnum.co import nit

from service.domain.countries.definitions import CountryProfile, stdnum_scheme
from service.domain.countries import vocabularies
from service.domain.documents.catalogue import types

PROFILE = CountryProfile(
    code="CO",
    person_id_schemes=types("co_cc", "co_ti", "co_ce", "co_ppt", "passport", "unhcr"),
    tax_id_scheme=stdnum_scheme("co_nit", nit),
    currency="COP",
    time_zone="America/Bogota",
    csv_encoding="cp1252",
    csv_delimiter=";",
    language="es",
    groups=vocabularies.CO,
)
