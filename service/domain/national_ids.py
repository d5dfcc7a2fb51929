"""National-id validation by the organisation's scheme, delegated to python-stdnum."""

from __future__ import annotations

from stdnum import exceptions as stdnum_errors
from stdnum.co import nit as co_nit
from stdnum.gt import nit as gt_nit
from stdnum.se import personnummer as se_personnummer
from stdnum.tr import tckimlik as tr_tckn

_VALIDATORS = {
    "tr_tckn": tr_tckn,
    "se_personnummer": se_personnummer,
    "co_nit": co_nit,
    "gt_nit": gt_nit,
}

SCHEMES = (*_VALIDATORS, "generic")

#: The scheme an organisation gets when it names none, by ISO 3166-1 country.
DEFAULT_SCHEME_BY_COUNTRY = {"TR": "tr_tckn", "SE": "se_personnummer", "CO": "co_nit", "GT": "gt_nit"}

GENERIC_MAX_LENGTH = 32


def default_scheme(country: str) -> str:
    return DEFAULT_SCHEME_BY_COUNTRY.get(country.upper(), "generic")


def normalise(scheme: str, value: str) -> str:
    """Return the canonical form of `value`, or raise ValueError with a safe message.

    The message never repeats the number itself: national ids must not reach logs
    or error bodies.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError("A national id is required.")
    compact = "".join(value.split())
    validator = _VALIDATORS.get(scheme)
    if validator is None:
        if len(compact) > GENERIC_MAX_LENGTH or not compact.isprintable():
            raise ValueError(f"Not a valid identifier (at most {GENERIC_MAX_LENGTH} printable characters).")
        return compact.upper()
    try:
        valid = validator.validate(compact)
    except stdnum_errors.ValidationError as error:
        raise ValueError(f"Not a valid {scheme} number: {error.message}") from None
    if scheme == "se_personnummer":
        # 880320-0016, 8803200016 and 19880320-0016 are one person: spell out the century.
        return validator.get_birth_date(valid).strftime("%Y%m%d") + valid[-4:]
    return valid
