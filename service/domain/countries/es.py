"""Spain: DNI and NIE for people (no employer tax scheme checked yet: generic), euro, Windows-1252."""

from __future__ import annotations

from service.domain.countries.definitions import GENERIC_SCHEME, CountryProfile
from service.domain.countries import vocabularies
from service.domain.documents.catalogue import types

PROFILE = CountryProfile(
    code="ES",
    person_id_schemes=types("es_dni", "es_nie", "passport", "unhcr"),
    tax_id_scheme=GENERIC_SCHEME,
    currency="EUR",
    time_zone="Europe/Madrid",
    csv_encoding="cp1252",
    csv_delimiter=";",
    language="es",
    groups=vocabularies.ES,
)
