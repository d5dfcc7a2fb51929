"""Employers: tax numbers checked by the organisation's country, NACE sector codes."""

from __future__ import annotations

import re

from stdnum import exceptions as stdnum_errors
from stdnum.co import nit as co_nit
from stdnum.gt import nit as gt_nit
from stdnum.se import orgnr as se_orgnr
from stdnum.tr import vkn as tr_vkn

_TAX_NUMBER_VALIDATORS = {"TR": tr_vkn, "SE": se_orgnr, "CO": co_nit, "GT": gt_nit}

#: NACE Rev. 2: a section letter, optionally with division, group and class ("C", "C10", "C10.1", "C10.11").
#: ASCII digits only, and `\Z` rather than `$`, which would let a trailing newline through.
NACE_PATTERN = re.compile(r"^[A-U]([0-9]{2}(\.[0-9]{1,2})?)?\Z")


def normalise_tax_number(country: str, value: str) -> str:
    compact = "".join(value.split())
    validator = _TAX_NUMBER_VALIDATORS.get(country.upper())
    if validator is None:
        if not compact or len(compact) > 32 or not compact.isprintable():
            raise ValueError("Not a valid tax number (1 to 32 printable characters).")
        return compact.upper()
    try:
        return validator.compact(validator.validate(compact))
    except stdnum_errors.ValidationError as error:
        raise ValueError(f"Not a valid {country.upper()} tax number: {error.message}") from None
