"""Employers: tax numbers checked by the organisation's country profile, NACE sector codes."""

from __future__ import annotations

import re

from service.domain import countries
from service.domain.messages import Msg, message_of

#: NACE Rev. 2: a section letter, optionally with division, group and class ("C", "C10", "C10.1", "C10.11").
#: ASCII digits only, and `\Z` rather than `$`, which would let a trailing newline through.
NACE_PATTERN = re.compile(r"^[A-U]([0-9]{2}(\.[0-9]{1,2})?)?\Z")


def normalise_tax_number(country: str, value: str) -> str:
    compact = "".join(value.split())
    canonical = countries.profile(country).tax_id_scheme.canonical
    if canonical is None:
        if not compact or len(compact) > 32 or not compact.isprintable():
            raise ValueError(Msg("Not a valid tax number (1 to 32 printable characters)."))
        return compact.upper()
    try:
        return canonical(compact)
    except countries.InvalidNumber as error:
        raise ValueError(Msg("Not a valid {country} tax number: {error}", country=country.upper(),
                             error=message_of(error))) from None
