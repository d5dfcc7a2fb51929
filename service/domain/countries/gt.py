"""Guatemala: the NIT for people and employers alike, quetzal, Windows-1252 spreadsheets."""

from __future__ import annotations

from stdnum.gt import nit

from service.domain.countries.definitions import CountryProfile, stdnum_scheme

PROFILE = CountryProfile(
    code="GT",
    person_id_schemes=(stdnum_scheme("gt_nit", nit),),
    tax_id_scheme=stdnum_scheme("gt_nit", nit),
    currency="GTQ",
    time_zone="America/Guatemala",
    # The decimal mark is a point there, so spreadsheets separate with commas.
    csv_encoding="cp1252",
    csv_delimiter=",",
    language="es",
)
