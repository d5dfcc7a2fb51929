"""Any country without a profile of its own: ids taken as written, UTF-8 files only, English."""

from __future__ import annotations

from service.domain.countries.definitions import GENERIC_SCHEME, CountryProfile
from service.domain.countries import vocabularies
from service.domain.documents.catalogue import types

PROFILE = CountryProfile(
    code=None,
    person_id_schemes=types("generic", "passport", "unhcr"),
    tax_id_scheme=GENERIC_SCHEME,
    currency=None,
    time_zone="UTC",
    # No guess: a file that is not UTF-8 must name its encoding.
    csv_encoding=None,
    csv_delimiter=",",
    language="en",
    groups=vocabularies.GENERIC,
)
