"""The identity document types, defined once: label, who issues them, how a number is checked and spelled.

The country profiles list the types their people carry (service.domain.countries); an organisation's
`national_id_scheme` names its primary type, which `national_id` is the shorthand for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from stdnum.es import dni, nie
from stdnum.se import personnummer
from stdnum.tr import tckimlik

from service.domain.documents import checks
from service.domain.documents.numbers import IdScheme, stdnum_check
from service.translations import N_


@dataclass(frozen=True, slots=True)
class DocumentType(IdScheme):
    """A kind of identity document. `canonical` (see IdScheme) checks and spells its number.

    `issuing_country`: the one state that issues it, or None for any (passports, UNHCR, and `generic`,
    where the organisation's own country is assumed). `birth_date` and `sex` read what a canonical number
    encodes, where it does."""

    label: str = ""
    issuing_country: str | None = None
    #: How the number is checked, and the source (python-stdnum, an official rule, or a format rule).
    rule: str = ""
    birth_date: Callable[[str], date] | None = None
    sex: Callable[[str], str] | None = None


def _with_century(valid: str) -> str:
    # 880320-0016, 8803200016 and 19880320-0016 are one person: spell out the century.
    return personnummer.get_birth_date(valid).strftime("%Y%m%d") + valid[-4:]


_TYPES = (
    DocumentType("tr_tckn", stdnum_check(tckimlik), N_("T.C. identity number (TCKN)"), "TR",
                 "python-stdnum tr.tckimlik: 11 digits, two check digits"),
    DocumentType("tr_ykn", checks.foreigner_number, N_("Foreigner's identity number (YKN)"), "TR",
                 "11 digits beginning with 99, TCKN check digits (python-stdnum tr.tckimlik)"),
    DocumentType("tr_temporary_protection", checks.foreigner_number,
                 N_("Temporary protection identity document"), "TR",
                 "its foreigner identity number: 11 digits beginning with 99, TCKN check digits"),
    DocumentType("se_personnummer", stdnum_check(personnummer, _with_century),
                 N_("Personal identity number (personnummer)"), "SE",
                 "python-stdnum se.personnummer: date of birth, Luhn check digit",
                 birth_date=checks.swedish_birth_date, sex=checks.swedish_sex),
    DocumentType("se_samordningsnummer", checks.samordningsnummer, N_("Coordination number (samordningsnummer)"), "SE",
                 "Skatteverket: day of birth + 60, Luhn check digit",
                 birth_date=checks.swedish_birth_date, sex=checks.swedish_sex),
    DocumentType("co_cc", checks.digits(3, 10, what="A cédula de ciudadanía"),
                 N_("Citizenship card (cédula de ciudadanía)"), "CO",
                 "format (Registraduría publishes no check digit): 3 to 10 digits, not beginning with 0"),
    DocumentType("co_ti", checks.digits(10, 11, leading_zero=True, what="A tarjeta de identidad"),
                 N_("Identity card for minors (tarjeta de identidad)"), "CO",
                 "format: the NUIP's 10 digits, or 11 on cards issued before it"),
    DocumentType("co_ce", checks.digits(3, 10, what="A cédula de extranjería"),
                 N_("Foreigner's identity card (cédula de extranjería)"), "CO",
                 "format (Migración Colombia publishes no check digit): 3 to 10 digits"),
    DocumentType("co_ppt", checks.digits(3, 15, what="A PPT number"), N_("Temporary Protection Permit (PPT)"), "CO",
                 "format (Migración Colombia publishes no structure): 3 to 15 digits"),
    DocumentType("gt_cui", checks.gt_cui, N_("Unique identification code (CUI) on the DPI"), "GT",
                 "RENAP rule: 13 digits, mod-11 check digit, department and municipality codes"),
    DocumentType("es_dni", stdnum_check(dni), N_("National identity document (DNI)"), "ES",
                 "python-stdnum es.dni: 8 digits and a check letter"),
    DocumentType("es_nie", stdnum_check(nie), N_("Foreigner's identity number (NIE)"), "ES",
                 "python-stdnum es.nie: X, Y or Z, 7 digits and a check letter"),
    DocumentType("passport", checks.passport, N_("Passport"), None,
                 "ICAO Doc 9303 document-number field: 1 to 9 letters and digits (no check digit of its own)"),
    DocumentType("unhcr", checks.unhcr, N_("UNHCR registration number"), None,
                 "format of UNHCR proGres numbers: letters, digits and hyphens"),
    DocumentType("generic", None, N_("National identity number"), None,
                 "not checked: at most 32 printable characters, taken as written (upper case)"),
)

TYPES: Mapping[str, DocumentType] = MappingProxyType({t.name: t for t in _TYPES})

#: Issued by any state, or by UNHCR: never a country's national id, so never an organisation's primary type
#: (the `national_id` shorthand names no issuer).
INTERNATIONAL = frozenset({"passport", "unhcr"})


def types(*names: str) -> tuple[DocumentType, ...]:
    """The types of these names, in this order (a profile's list)."""
    return tuple(TYPES[name] for name in names)


def document_type(name: str) -> DocumentType | None:
    return TYPES.get(name)
