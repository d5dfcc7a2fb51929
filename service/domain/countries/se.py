"""Sweden: personnummer, organisationsnummer, krona, Windows-1252 spreadsheets."""

from __future__ import annotations

from stdnum.se import orgnr, personnummer

from service.domain.countries.definitions import CountryProfile, stdnum_scheme


def _with_century(valid: str) -> str:
    # 880320-0016, 8803200016 and 19880320-0016 are one person: spell out the century.
    return personnummer.get_birth_date(valid).strftime("%Y%m%d") + valid[-4:]


PROFILE = CountryProfile(
    code="SE",
    person_id_schemes=(stdnum_scheme("se_personnummer", personnummer, _with_century),),
    tax_id_scheme=stdnum_scheme("se_orgnr", orgnr),
    currency="SEK",
    time_zone="Europe/Stockholm",
    csv_encoding="cp1252",
    csv_delimiter=";",
    language="sv",
)
