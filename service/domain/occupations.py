"""ISCO-08 (ILO, International Standard Classification of Occupations 2008): major and sub-major groups.

Vacancies, cohorts and placements carry an ISCO-08 code of 1 to 4 digits (a major group, a sub-major
group, a minor group or a unit group); figures by occupation group them at the two levels every
national labour force survey publishes, so a programme's placements can be set beside official
employment statistics. Titles are the ILO's official English titles (ISCO-08, Volume I, 2012), as
gettext msgids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from service.translations import N_
from service.domain.messages import Msg

#: 1 to 4 ASCII digits; `\Z`, not `$`, which would let a trailing newline through.
CODE_PATTERN = re.compile(r"^[0-9]{1,4}\Z")

MAJOR = "major"
SUB_MAJOR = "sub_major"

MAJOR_GROUPS: Mapping[str, str] = MappingProxyType({
    "0": N_("Armed forces occupations"),
    "1": N_("Managers"),
    "2": N_("Professionals"),
    "3": N_("Technicians and associate professionals"),
    "4": N_("Clerical support workers"),
    "5": N_("Service and sales workers"),
    "6": N_("Skilled agricultural, forestry and fishery workers"),
    "7": N_("Craft and related trades workers"),
    "8": N_("Plant and machine operators, and assemblers"),
    "9": N_("Elementary occupations"),
})

SUB_MAJOR_GROUPS: Mapping[str, str] = MappingProxyType({
    "01": N_("Commissioned armed forces officers"),
    "02": N_("Non-commissioned armed forces officers"),
    "03": N_("Armed forces occupations, other ranks"),
    "11": N_("Chief executives, senior officials and legislators"),
    "12": N_("Administrative and commercial managers"),
    "13": N_("Production and specialised services managers"),
    "14": N_("Hospitality, retail and other services managers"),
    "21": N_("Science and engineering professionals"),
    "22": N_("Health professionals"),
    "23": N_("Teaching professionals"),
    "24": N_("Business and administration professionals"),
    "25": N_("Information and communications technology professionals"),
    "26": N_("Legal, social and cultural professionals"),
    "31": N_("Science and engineering associate professionals"),
    "32": N_("Health associate professionals"),
    "33": N_("Business and administration associate professionals"),
    "34": N_("Legal, social, cultural and related associate professionals"),
    "35": N_("Information and communications technicians"),
    "41": N_("General and keyboard clerks"),
    "42": N_("Customer services clerks"),
    "43": N_("Numerical and material recording clerks"),
    "44": N_("Other clerical support workers"),
    "51": N_("Personal service workers"),
    "52": N_("Sales workers"),
    "53": N_("Personal care workers"),
    "54": N_("Protective services workers"),
    "61": N_("Market-oriented skilled agricultural workers"),
    "62": N_("Market-oriented skilled forestry, fishery and hunting workers"),
    "63": N_("Subsistence farmers, fishers, hunters and gatherers"),
    "71": N_("Building and related trades workers, excluding electricians"),
    "72": N_("Metal, machinery and related trades workers"),
    "73": N_("Handicraft and printing workers"),
    "74": N_("Electrical and electronic trades workers"),
    "75": N_("Food processing, wood working, garment and other craft and related trades workers"),
    "81": N_("Stationary plant and machine operators"),
    "82": N_("Assemblers"),
    "83": N_("Drivers and mobile plant operators"),
    "91": N_("Cleaners and helpers"),
    "92": N_("Agricultural, forestry and fishery labourers"),
    "93": N_("Labourers in mining, construction, manufacturing and transport"),
    "94": N_("Food preparation assistants"),
    "95": N_("Street and related sales and service workers"),
    "96": N_("Refuse workers and other elementary workers"),
})


def _checked(code: str) -> str:
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise ValueError(Msg("Not an ISCO-08 code of 1 to 4 digits: {code}.", code=repr(code)))
    return code


def major(code: str) -> str:
    """The major group (1 digit) of a 1-4 digit code; ValueError when it is not one."""
    return _checked(code)[0]


def sub_major(code: str) -> str | None:
    """The sub-major group (2 digits) of a 1-4 digit code: None for a major group's code (one digit says
    nothing finer) or when its first two digits are no ISCO-08 sub-major group (such codes were accepted
    before the groups were checked, and a figure must still place them); ValueError when it is no code."""
    code = _checked(code)
    return code[:2] if len(code) >= 2 and code[:2] in SUB_MAJOR_GROUPS else None


def check(code: str) -> str:
    """`code` when it is an ISCO-08 code within a known sub-major group (or a major group); ValueError
    saying why not. For new records: `sub_major` is lenient with what is stored already."""
    code = _checked(code)
    if len(code) >= 2 and code[:2] not in SUB_MAJOR_GROUPS:
        raise ValueError(Msg("{code} is in no ISCO-08 sub-major group ({group} is none).", code=repr(code),
                             group=repr(code[:2])))
    return code


def level(code: str) -> str:
    """`major` or `sub_major`: the level of a group code (1 or 2 digits) of ISCO-08; ValueError otherwise."""
    if code in MAJOR_GROUPS:
        return MAJOR
    if code in SUB_MAJOR_GROUPS:
        return SUB_MAJOR
    raise ValueError(Msg("Not an ISCO-08 major (1 digit) or sub-major (2 digits) group: {code}.", code=repr(code)))


def title(group: str) -> str:
    """The msgid of a major or sub-major group's official title; KeyError for any other code."""
    return MAJOR_GROUPS[group] if len(group) == 1 else SUB_MAJOR_GROUPS[group]
