"""Turkey: T.C. kimlik numarası (and foreigners' numbers), vergi kimlik numarası, lira, Windows-1254."""

from __future__ import annotations

from stdnum.tr import vkn

from service.domain.countries.definitions import CountryProfile, stdnum_scheme
from service.domain.countries import vocabularies
from service.domain.documents.catalogue import types

PROFILE = CountryProfile(
    code="TR",
    person_id_schemes=types("tr_tckn", "tr_ykn", "tr_temporary_protection", "passport", "unhcr"),
    tax_id_scheme=stdnum_scheme("tr_vkn", vkn),
    currency="TRY",
    time_zone="Europe/Istanbul",
    csv_encoding="cp1254",
    csv_delimiter=";",
    language="tr",
    groups=vocabularies.TR,
)
