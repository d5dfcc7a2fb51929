"""Country profiles: one module per country holds its rules, and everything else asks `profile()`.

A new country is a module beside these (a `PROFILE`) and its line in `_PROFILES`. A profile
that brings a person-id scheme no other has also needs a migration, as the organisations
table keeps `national_id_scheme` within the known names.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from service.domain.countries import co, es, generic, gt, se, tr
from service.domain.countries.definitions import GENERIC_SCHEME, CountryProfile, IdScheme, InvalidNumber

__all__ = ["GENERIC", "GENERIC_SCHEME", "PROFILES", "CountryProfile", "IdScheme", "InvalidNumber",
           "person_id_scheme", "person_id_schemes", "profile"]

#: In this order the schemes are listed (API choices, the database's CHECK).
_PROFILES = (tr.PROFILE, se.PROFILE, co.PROFILE, gt.PROFILE, es.PROFILE)

PROFILES: Mapping[str, CountryProfile] = MappingProxyType({p.code: p for p in _PROFILES if p.code})
GENERIC = generic.PROFILE


def profile(country_code: str) -> CountryProfile:
    """The profile of an ISO 3166-1 alpha-2 code (any case); the generic one for any other."""
    return PROFILES.get(country_code.upper(), GENERIC)


def person_id_schemes() -> tuple[IdScheme, ...]:
    """Every person-id scheme a profile names, once each, the generic one last."""
    found = dict(_schemes_by_name())
    generic_last = found.pop(GENERIC_SCHEME.name)
    return (*found.values(), generic_last)


def person_id_scheme(name: str) -> IdScheme | None:
    """The scheme of that name, as the first profile to name it holds it; None if none does."""
    return _schemes_by_name().get(name)


#: The schemes by name, and the registry they were read from (a test may swap PROFILES):
#: national ids are checked per imported row, so the profiles are not walked each time.
_index: tuple[Mapping[str, CountryProfile], dict[str, IdScheme]] | None = None


def _schemes_by_name() -> dict[str, IdScheme]:
    global _index
    if _index is None or _index[0] is not PROFILES:
        found: dict[str, IdScheme] = {}
        for country in (*PROFILES.values(), GENERIC):
            for scheme in country.person_id_schemes:
                found.setdefault(scheme.name, scheme)
        _index = (PROFILES, found)
    return _index[1]
