"""Valid request bodies and identifiers for tests; every call gives a fresh person."""

from __future__ import annotations

import itertools
import random
from datetime import date

from stdnum.tr import tckimlik

_serial = itertools.count(1)
_rng = random.Random(2026)


def tckn() -> str:
    """A fresh, checksum-valid Turkish identity number."""
    base = f"{_rng.randint(1, 9)}{next(_serial) % 10**8:08d}"
    return base + tckimlik.calc_check_digits(base)


def trainee_body(**overrides) -> dict:
    body = {
        "given_name": "Ayşe",
        "family_name": "Yılmaz",
        "national_id": tckn(),
        "sex": "female",
        "birth_date": "2001-04-02",
        "phone": "+90 532 000 00 00",
        "email": "ayse@example.org",
        "district": "Bayraklı",
        "settlement_type": "urban",
        "education_level": "upper_secondary",
        "labour_status": "unemployed",
        "vulnerable_groups": [],
        "consent": True,
    }
    body.update(overrides)
    return body


def project_body(**overrides) -> dict:
    code = f"P{next(_serial)}"
    body = {"code": code, "name": f"Project {code}", "starts_on": "2026-01-01", "ends_on": "2027-12-31",
            "reach_target": 400,
            "share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.5}]}
    body.update(overrides)
    return body


def cohort_body(**overrides) -> dict:
    body = {"name": "Cooks, spring", "occupation": "5120", "starts_on": "2026-03-01",
            "ends_on": "2026-06-30", "capacity": 20, "district": "Karşıyaka"}
    body.update(overrides)
    return body


def enrolment_body(trainee_id: str, project_id: str, **overrides) -> dict:
    body = {"trainee_id": trainee_id, "project_id": project_id, "enrolled_on": date(2026, 3, 1).isoformat()}
    body.update(overrides)
    return body
