"""NACE Rev. 2 (Eurostat, Statistical classification of economic activities in the European Community,
Regulation (EC) No 1893/2006): the 21 sections A to U, which figures by sector group employers by.

Employers carry a NACE code as `employers.NACE_PATTERN` allows: a section letter, optionally with
division, group and class ("C", "C10", "C10.1", "C10.11"). Titles are Eurostat's English section
titles, as gettext msgids.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from service.domain.employers import NACE_PATTERN
from service.translations import N_

SECTIONS: Mapping[str, str] = MappingProxyType({
    "A": N_("Agriculture, forestry and fishing"),
    "B": N_("Mining and quarrying"),
    "C": N_("Manufacturing"),
    "D": N_("Electricity, gas, steam and air conditioning supply"),
    "E": N_("Water supply; sewerage, waste management and remediation activities"),
    "F": N_("Construction"),
    "G": N_("Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    "H": N_("Transportation and storage"),
    "I": N_("Accommodation and food service activities"),
    "J": N_("Information and communication"),
    "K": N_("Financial and insurance activities"),
    "L": N_("Real estate activities"),
    "M": N_("Professional, scientific and technical activities"),
    "N": N_("Administrative and support service activities"),
    "O": N_("Public administration and defence; compulsory social security"),
    "P": N_("Education"),
    "Q": N_("Human health and social work activities"),
    "R": N_("Arts, entertainment and recreation"),
    "S": N_("Other service activities"),
    "T": N_("Activities of households as employers; undifferentiated goods- and services-producing "
            "activities of households for own use"),
    "U": N_("Activities of extraterritorial organisations and bodies"),
})

#: The divisions (two digits) of each section, as NACE Rev. 2 numbers them (gaps are unused numbers).
DIVISIONS: Mapping[str, range] = MappingProxyType({
    "A": range(1, 4), "B": range(5, 10), "C": range(10, 34), "D": range(35, 36), "E": range(36, 40),
    "F": range(41, 44), "G": range(45, 48), "H": range(49, 54), "I": range(55, 57), "J": range(58, 64),
    "K": range(64, 67), "L": range(68, 69), "M": range(69, 76), "N": range(77, 83), "O": range(84, 85),
    "P": range(85, 86), "Q": range(86, 89), "R": range(90, 94), "S": range(94, 97), "T": range(97, 99),
    "U": range(99, 100),
})


def section(code: str) -> str:
    """The section letter of a NACE code as employers carry it; ValueError when it is not one.

    The letter is the employer's own statement of its section and is kept as given: a division that
    belongs to another section (accepted before divisions were checked) does not move the employer.
    `check` refuses such codes for new records."""
    if not isinstance(code, str) or not NACE_PATTERN.match(code):
        raise ValueError(f"Not a NACE Rev. 2 code such as 'C' or 'C10.7': {code!r}.")
    return code[0]


def check(code: str) -> str:
    """`code` when it is a NACE code whose division (if any) belongs to its section; ValueError otherwise."""
    letter = section(code)
    if len(code) > 1 and int(code[1:3]) not in DIVISIONS[letter]:
        divisions = DIVISIONS[letter]
        raise ValueError(f"Division {code[1:3]} is not in section {letter} "
                         f"(divisions {divisions.start:02d} to {divisions.stop - 1:02d}).")
    return code


def title(letter: str) -> str:
    """The msgid of a section's title; KeyError for anything but A to U."""
    return SECTIONS[letter]
