"""What a country profile is: the rules of one country that the rest of the service asks for."""

from __future__ import annotations

from dataclasses import dataclass

# The number primitives live beside the document catalogue (a leaf both build on); named here as before.
from service.domain.documents.numbers import GENERIC_SCHEME, IdScheme, InvalidNumber, stdnum_scheme
from service.domain.groups import Group

__all__ = ["GENERIC_SCHEME", "CountryProfile", "IdScheme", "InvalidNumber", "stdnum_scheme"]


@dataclass(frozen=True, slots=True)
class CountryProfile:
    """One country's rules. Every field is set; the generic profile's `None`s mean "not known"."""

    #: ISO 3166-1 alpha-2; None for the generic profile.
    code: str | None
    #: The identity documents people there carry (service.domain.documents), the primary one (an
    #: organisation's default national id) first.
    person_id_schemes: tuple[IdScheme, ...]
    #: The scheme of an employer's tax number.
    tax_id_scheme: IdScheme
    #: ISO 4217 code of the national currency.
    currency: str | None
    #: IANA time zone of the country's offices (the capital's).
    time_zone: str
    #: What spreadsheet programs there save "CSV" in when it is not UTF-8, and their list separator
    #: (`;` where the comma is the decimal mark).
    csv_encoding: str | None
    csv_delimiter: str
    #: The language people there read (ISO 639-1).
    language: str
    #: The default vocabulary of groups a person may belong to (an organisation starts from it).
    groups: tuple[Group, ...] = ()

    @property
    def primary_person_id_scheme(self) -> IdScheme:
        return self.person_id_schemes[0]
