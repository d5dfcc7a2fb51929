"""National-id validation by the organisation's scheme, as the country profiles define them."""

from __future__ import annotations

from service.domain import countries
from service.domain.documents.catalogue import INTERNATIONAL
from service.domain.messages import Msg, Term, message_of

#: Every scheme an organisation may use as its primary document: what the country profiles name but the
#: international documents, `generic` last.
SCHEMES = tuple(scheme.name for scheme in countries.person_id_schemes() if scheme.name not in INTERNATIONAL)

GENERIC_MAX_LENGTH = 32


def default_scheme(country: str) -> str:
    """The scheme an organisation gets when it names none: its country's primary one."""
    return countries.profile(country).primary_person_id_scheme.name


def normalise(scheme: str, value: str) -> str:
    """Return the canonical form of `value`, or raise ValueError with a safe message.

    The message never repeats the number itself: national ids must not reach logs
    or error bodies.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(Msg("A national id is required."))
    compact = "".join(value.split())
    known = countries.person_id_scheme(scheme)
    if known is None or known.canonical is None:
        if len(compact) > GENERIC_MAX_LENGTH or not compact.isprintable():
            raise ValueError(Msg("Not a valid identifier (at most {max} printable characters).",
                                 max=GENERIC_MAX_LENGTH))
        return compact.upper()
    try:
        return known.canonical(compact)
    except countries.InvalidNumber as error:
        label = getattr(known, "label", "")
        named = Term(scheme, label) if label else scheme
        raise ValueError(Msg("Not a valid {scheme} number: {error}", scheme=named, error=message_of(error))) from None
