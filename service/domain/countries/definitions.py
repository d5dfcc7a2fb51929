"""What a country profile is: the rules of one country that the rest of the service asks for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from stdnum import exceptions as stdnum_errors


class InvalidNumber(ValueError):
    """A number its scheme refuses; the message says why and never repeats the number."""


@dataclass(frozen=True, slots=True)
class IdScheme:
    """A kind of identifying number (a person's national id, an employer's tax number).

    `canonical` takes the number without white space and returns its one spelling, or raises
    InvalidNumber. The generic scheme has none: any short printable text is taken as written.
    """

    name: str
    canonical: Callable[[str], str] | None = None


#: For countries whose numbers the service does not know how to check.
GENERIC_SCHEME = IdScheme("generic")


def stdnum_scheme(name: str, module: ModuleType,
                  spell: Callable[[str], str] | None = None) -> IdScheme:
    """A scheme checked by a python-stdnum module; `spell` rewrites a valid number when the
    module's compact form still has several spellings of one number."""

    def canonical(compact: str) -> str:
        try:
            valid: str = module.validate(compact)
            return spell(valid) if spell else valid
        except stdnum_errors.ValidationError as error:
            # The class's own message (what the checks said before profiles), not a raise's argument.
            raise InvalidNumber(str(getattr(error, "message", error))) from None

    return IdScheme(name, canonical)


@dataclass(frozen=True, slots=True)
class CountryProfile:
    """One country's rules. Every field is set; the generic profile's `None`s mean "not known"."""

    #: ISO 3166-1 alpha-2; None for the generic profile.
    code: str | None
    #: The schemes a person's id may follow, the primary one (an organisation's default) first.
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

    @property
    def primary_person_id_scheme(self) -> IdScheme:
        return self.person_id_schemes[0]
