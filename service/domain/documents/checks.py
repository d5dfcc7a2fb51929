"""The checks of numbers python-stdnum has no module for: official check-digit rules, else format rules.

Each function takes the number without white space and returns its one spelling, or raises
InvalidNumber with a message that never repeats the number. The sources are cited at each rule.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum import luhn
from stdnum.se import personnummer
from stdnum.tr import tckimlik

from service.domain.documents.numbers import InvalidNumber, stdnum_check
from service.domain.messages import Msg

_tckn = stdnum_check(tckimlik)


def foreigner_number(compact: str) -> str:
    """Türkiye's foreigner identity number (yabancı kimlik numarası, YKN), also on the temporary-protection
    identity document: 11 digits beginning with 99, as the Presidency of Migration Management (Göç İdaresi)
    issues them to foreigners, with the check digits of the T.C. kimlik numarası (tenth: (7 x odd-place sum
    - even-place sum) mod 10; eleventh: the first ten's sum mod 10), as python-stdnum's tr.tckimlik checks
    them."""
    valid = _tckn(compact)
    if not valid.startswith("99"):
        raise InvalidNumber(Msg("A foreigner's identity number begins with 99."))
    return valid


# --- Sweden: samordningsnummer --------------------------------------------------------------------------

COORDINATION_DAY_OFFSET = 60


def _swedish_parts(compact: str) -> tuple[str, str]:
    """(YYMMDD or YYYYMMDD, NNNC) of a number written with or without its separator (- or +)."""
    spelled = personnummer.compact(compact)  # digits, then '-' or '+', then the last four
    if len(spelled) not in (11, 13) or spelled[-5] not in "-+":
        raise InvalidNumber(Msg("The number has an invalid length."))
    head, tail = spelled[:-5], spelled[-4:]
    if not (head + tail).isdigit():
        raise InvalidNumber(Msg("The number has an invalid format."))
    return spelled, tail


def samordningsnummer(compact: str) -> str:
    """Sweden's coordination number: a personnummer whose day of birth has 60 added (Skatteverket,
    "Samordningsnummer"; Folkbokföringslagen (1991:481)), the last digit a Luhn check over the ten digits
    YYMMDDNNNC. Spelled as twelve digits, the century written out."""
    spelled, tail = _swedish_parts(compact)
    day = int(spelled[-7:-5])
    if not COORDINATION_DAY_OFFSET < day <= COORDINATION_DAY_OFFSET + 31:
        raise InvalidNumber(Msg("A coordination number's day is the day of birth plus 60."))
    born = coordination_birth_date(spelled)
    try:
        luhn.validate(spelled[-11:-5] + tail)
    except stdnum_errors.ValidationError:
        raise InvalidNumber(Msg("The number's checksum or check digit is invalid.")) from None
    return born.strftime("%Y%m") + f"{born.day + COORDINATION_DAY_OFFSET:02d}" + tail


def coordination_birth_date(number: str) -> date:
    """The birth date of a coordination number (any spelling): the day less 60, the century as for a
    personnummer (python-stdnum: a 10-digit number is of the last hundred years, `+` older)."""
    spelled = personnummer.compact(number)
    day = int(spelled[-7:-5]) - COORDINATION_DAY_OFFSET
    try:
        return personnummer.get_birth_date(spelled[:-7] + f"{day:02d}" + spelled[-5:])
    except stdnum_errors.ValidationError:
        raise InvalidNumber(Msg("The number does not hold a valid date of birth.")) from None


def swedish_birth_date(canonical: str) -> date:
    """The birth date in a canonical (12-digit) personnummer or samordningsnummer."""
    day = int(canonical[6:8])
    return date(int(canonical[:4]), int(canonical[4:6]), day - COORDINATION_DAY_OFFSET if day > 60 else day)


def swedish_sex(canonical: str) -> str:
    """The sex the number was given for: its second-to-last digit odd for men, even for women
    (Folkbokföringslagen 18 §; Skatteverket, "Personnummer")."""
    return "male" if int(canonical[-2]) % 2 else "female"


# --- Guatemala: CUI ---------------------------------------------------------------------------------------

#: Municipalities of each department, 01 Guatemala to 22 Jutiapa (INE; 340 in all since Sipacate,
#: Escuintla, and Petatán, Huehuetenango, were created in 2015).
GT_MUNICIPALITIES = (17, 8, 16, 16, 14, 14, 19, 8, 24, 21, 9, 30, 33, 21, 8, 17, 14, 5, 11, 11, 7, 17)


def gt_cui(compact: str) -> str:
    """Guatemala's Código Único de Identificación on the DPI (Ley del RENAP, Decreto 90-2005): 13 digits,
    an 8-digit serial, its check digit (the sum of the serial's digits weighted 2 to 9, mod 11; a remainder
    of 10 is never issued), then the department (01-22) and the municipality within it where the birth was
    registered. The rule as RENAP's numbers are validated by Guatemala's public bodies (e.g. the Ministerio
    de Finanzas Públicas' CUI validator); RENAP publishes no specification of its own that we could cite."""
    digits = compact.replace("-", "")
    if len(digits) != 13 or not digits.isdigit():
        raise InvalidNumber(Msg("A CUI has 13 digits."))
    serial, check, department, municipality = digits[:8], int(digits[8]), int(digits[9:11]), int(digits[11:])
    if not 1 <= department <= len(GT_MUNICIPALITIES):
        raise InvalidNumber(Msg("The department code (digits 10-11) is not 01-22."))
    if not 1 <= municipality <= GT_MUNICIPALITIES[department - 1]:
        raise InvalidNumber(Msg("The municipality code (digits 12-13) is not one of its department's."))
    if sum(int(d) * weight for d, weight in zip(serial, range(2, 10))) % 11 != check:
        raise InvalidNumber(Msg("The number's checksum or check digit is invalid."))
    return digits


# --- Format rules (no check digit exists or is published) ---------------------------------------------------

def digits(shortest: int, longest: int, *, leading_zero: bool = False, what: str = "The number"):
    """Digits only, `shortest` to `longest` of them; dots and hyphens (as printed) dropped."""

    def canonical(compact: str) -> str:
        number = compact.replace(".", "").replace("-", "")
        if not number.isdigit() or not shortest <= len(number) <= longest:
            raise InvalidNumber(Msg("{what} has {shortest} to {longest} digits.", what=Msg(what), shortest=shortest,
                                    longest=longest) if shortest != longest
                                else Msg("{what} has {digits} digits.", what=Msg(what), digits=shortest))
        if not leading_zero and number[0] == "0":
            raise InvalidNumber(Msg("{what} does not begin with 0.", what=Msg(what)))
        return number

    return canonical


_PASSPORT = re.compile(r"[A-Z0-9]{1,9}")


def passport(compact: str) -> str:
    """A passport number as the machine-readable zone holds it (ICAO Doc 9303 Part 4: the document-number
    field, 9 characters A-Z and 0-9; `<` fills a shorter one): 1 to 9 letters and digits, upper case. The
    MRZ check digit covers the zone, not the printed number alone, so nothing more can be checked."""
    number = compact.upper().rstrip("<")
    if not _PASSPORT.fullmatch(number):
        raise InvalidNumber(Msg("A passport number has 1 to 9 letters and digits."))
    return number


_UNHCR = re.compile(r"[A-Z0-9]{3,}(-[A-Z0-9]+)*")


def unhcr(compact: str) -> str:
    """A UNHCR registration number (proGres): operation-specific, e.g. 123-45C67890 before February 2021
    and 123-45-67890 after (UNHCR Malaysia, "UNHCR document numbers"). Letters, digits and hyphens, 6 to
    20 of them with at least 5 digits; upper case, hyphens kept (they tell the two formats apart)."""
    number = compact.upper()
    if not 6 <= len(number) <= 20 or not _UNHCR.fullmatch(number) or sum(c.isdigit() for c in number) < 5:
        raise InvalidNumber(Msg("A UNHCR number has 6 to 20 letters, digits and hyphens, at least 5 of them digits."))
    return number
