"""Invented identity and tax numbers that the service's own checks accept, for the country demos.

Each generator builds a number by the rule its type is checked by (service.domain.documents.checks and
the catalogue; python-stdnum for tax numbers), from a seeded random stream, so a demo is the same on every
load; `unique` keeps a demo from giving one number to two people. The tests validate every one with the
catalogue's own check.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from stdnum import luhn
from stdnum.co import nit as stdnum_co_nit
from stdnum.gt import nit as stdnum_gt_nit

from service.domain.documents.checks import COORDINATION_DAY_OFFSET, GT_MUNICIPALITIES


def unique(used: set[str], draw: Callable[[], str]) -> str:
    """A number drawn until no earlier one has its letters and digits (the service refuses a number held
    under any type), then kept in `used`."""
    while True:
        number = draw()
        key = "".join(char for char in number if char.isalnum()).upper()
        if key not in used:
            used.add(key)
            return number


# --- Sweden -------------------------------------------------------------------------------------------------

def _swedish(rng: random.Random, birth_date: date, sex: str, day_offset: int) -> str:
    """YYYYMMDD-NNNC: the birth number's last digit odd for a man, even for a woman (either for a person
    of another sex: the number was given for one of the two), C the Luhn digit over YYMMDDNNN."""
    serial = rng.randrange(100)
    parity = {"male": 1, "female": 0}.get(sex, rng.randrange(2))
    sex_digit = rng.randrange(5) * 2 + parity
    head = birth_date.strftime("%y%m") + f"{birth_date.day + day_offset:02d}{serial:02d}{sex_digit}"
    return f"{birth_date.year:04d}"[:2] + head[:6] + "-" + head[6:] + luhn.calc_check_digit(head)


def personnummer(rng: random.Random, birth_date: date, sex: str) -> str:
    """A personnummer (Skatteverket; python-stdnum se.personnummer), written with the century."""
    return _swedish(rng, birth_date, sex, 0)


def samordningsnummer(rng: random.Random, birth_date: date, sex: str) -> str:
    """A coordination number: the personnummer's rule with the day of birth plus 60 (Skatteverket)."""
    return _swedish(rng, birth_date, sex, COORDINATION_DAY_OFFSET)


def se_orgnr(rng: random.Random, form: str = "55") -> str:
    """An organisationsnummer: ten digits, the third at least 2, a Luhn check digit; `form` the first two
    (55: aktiebolag, 76: ekonomisk förening, 21: kommun), as Bolagsverket numbers them."""
    head = form + f"{rng.randint(2, 9)}{rng.randrange(10 ** 6):06d}"
    return f"{head[:6]}-{head[6:]}{luhn.calc_check_digit(head)}"


# --- Guatemala ----------------------------------------------------------------------------------------------

def cui(rng: random.Random, department: int, municipality: int | None = None) -> str:
    """A CUI of the DPI as RENAP numbers it: an 8-digit serial, its check digit (the serial's digits
    weighted 2 to 9, mod 11; a remainder of 10 is never issued, so such a serial is drawn again), the
    department (01-22) and a municipality of it where the birth was registered. Written 4-5-4, as printed."""
    if municipality is None:
        municipality = rng.randint(1, GT_MUNICIPALITIES[department - 1])
    while True:
        serial = f"{rng.randint(1, 9)}{rng.randrange(10 ** 7):07d}"
        check = sum(int(d) * weight for d, weight in zip(serial, range(2, 10))) % 11
        if check < 10:
            digits = f"{serial}{check}{department:02d}{municipality:02d}"
            return f"{digits[:4]} {digits[4:9]} {digits[9:]}"


def gt_nit(rng: random.Random) -> str:
    """A Guatemalan NIT: digits and a mod-11 check character (0-9 or K), python-stdnum gt.nit."""
    base = f"{rng.randint(1, 9)}{rng.randrange(10 ** 6):06d}"
    return f"{base}-{stdnum_gt_nit.calc_check_digit(base)}"


# --- Colombia -----------------------------------------------------------------------------------------------

def cedula(rng: random.Random, birth_date: date, sex: str) -> str:
    """A cédula de ciudadanía as the Registraduría issued them: ten digits beginning 10 for those issued
    from 2003-2004 on (to people of 18 then: born from about 1985), else the older eight-digit ranges
    (women's 20-65 million, men's 70-99 million, in Bogotá's series). No check digit exists."""
    if birth_date.year >= 1986:
        return f"10{rng.randint(0, 9)}{rng.randrange(10 ** 7):07d}"
    low, high = (20_000_000, 65_999_999) if sex == "female" else (70_000_000, 99_999_999)
    return f"{rng.randint(low, high):,}".replace(",", ".")


def tarjeta_de_identidad(rng: random.Random, birth_date: date) -> str:
    """A tarjeta de identidad: the NUIP given at birth registration, ten digits (its first two from the
    year of birth, as the Registraduría has issued them since 2000)."""
    return f"{birth_date.year % 100:02d}{rng.randrange(10 ** 8):08d}"


def cedula_de_extranjeria(rng: random.Random) -> str:
    """A cédula de extranjería: six or seven digits (Migración Colombia's series)."""
    return str(rng.randint(100_000, 9_999_999))


def ppt(rng: random.Random) -> str:
    """A Permiso por Protección Temporal number: seven digits (Migración Colombia, Decreto 216 de 2021)."""
    return str(rng.randint(1_000_000, 9_999_999))


def co_nit(rng: random.Random) -> str:
    """A Colombian NIT of a company: nine digits (companies' begin with 8 or 9) and the DIAN check digit,
    python-stdnum co.nit."""
    base = f"{rng.choice((8, 9))}{rng.randrange(10 ** 8):08d}"
    return f"{base[:3]}.{base[3:6]}.{base[6:]}-{stdnum_co_nit.calc_check_digit(base)}"


# --- Any country --------------------------------------------------------------------------------------------

#: How each country's passports are numbered (the MRZ's document number: letters and digits, at most 9).
PASSPORT_FORMATS = {"VE": "#########", "SY": "N########", "SO": "P#######", "AF": "P########", "ER": "#######",
                    "FI": "FP#######", "HN": "F#######", "SV": "A########", "NI": "C#######", "PL": "E#######",
                    "MX": "N########", "UA": "FX######", "IQ": "A########"}


def passport(rng: random.Random, country: str) -> str:
    """A passport number in its country's pattern (# a digit), or nine digits for another country."""
    pattern = PASSPORT_FORMATS.get(country, "#########")
    return "".join(str(rng.randrange(10)) if char == "#" else char for char in pattern)


def unhcr(rng: random.Random, year: int) -> str:
    """A UNHCR proGres number: 123-45C67890 (registered before February 2021) or 123-45-67890 after."""
    office, serial = rng.randint(100, 999), rng.randrange(10 ** 5)
    if year < 2021:
        return f"{office}-{year % 100:02d}C{serial:05d}"
    return f"{office}-{year % 100:02d}-{serial:05d}"
