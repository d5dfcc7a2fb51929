"""Guatemala: the CUI of the DPI for people, the NIT for employers only, quetzal, Windows-1252."""

from __future__ import annotations

from stdnum.gt import nit

from service.domain.countries.definitions import CountryProfile, stdnum_scheme
from service.domain.countries import vocabularies
from service.domain.documents.catalogue import types

PROFILE = CountryProfile(
    code="GT",
    person_id_schemes=types("gt_cui", "passport", "unhcr"),
    tax_id_scheme=stdnum_scheme("gt_nit", nit),
    currency="GTQ",
    time_zone="America/Guatemala",
    # The decimal mark is a point there, so spreadsheets separate with commas.
    csv_encoding="cp1252",
    csv_delimiter=",",
    language="es",
    groups=vocabularies.GT,
)
