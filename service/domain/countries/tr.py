"""Turkey: T.C. kimlik numarası, vergi kimlik numarası, lira, Windows-1254 spreadsheets."""

from __future__ import annotations

from stdnum.tr import tckimlik, vkn

from service.domain.countries.definitions import CountryProfile, stdnum_scheme

PROFILE = CountryProfile(
    code="TR",
    person_id_schemes=(stdnum_scheme("tr_tckn", tckimlik),),
    tax_id_scheme=stdnum_scheme("tr_vkn", vkn),
    currency="TRY",
    time_zone="Europe/Istanbul",
    csv_encoding="cp1254",
    csv_delimiter=";",
    language="tr",
)
