"""Small helpers shared by the API tests: URLs, bearer headers, problem checks, record creation."""

from __future__ import annotations

import itertools
import uuid

from stdnum.gt import nit as gt_nit
from stdnum.tr import vkn

from tests import factories

API = "/api/v1"
PROBLEM = "application/problem+json"

#: The organisation staff roles every tenant fixture carries a token for.
STAFF_ROLES = ("admin", "caseworker", "manager")


def url(path: str) -> str:
    return API + path


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def random_id() -> str:
    return str(uuid.uuid4())


def problem(response, status: int) -> dict:
    """Assert `response` is an RFC 9457 problem with `status`; return its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM, response.mimetype
    body = response.get_json()
    assert body["status"] == status
    assert body["title"] and body["type"] and body["detail"]
    return body


def ok(response, status: int = 200) -> dict:
    """Assert a successful JSON answer with `status`; return its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/json", response.mimetype
    return response.get_json()


def ids(page: dict) -> list[str]:
    return [item["id"] for item in page["items"]]


def create_project(client, headers, **overrides) -> dict:
    return ok(client.post(url("/projects"), json=factories.project_body(**overrides), headers=headers), 201)


def create_cohort(client, headers, project_id: str, **overrides) -> dict:
    return ok(client.post(url(f"/projects/{project_id}/cohorts"), json=factories.cohort_body(**overrides),
                          headers=headers), 201)


def register_trainee(client, headers, **overrides) -> dict:
    return ok(client.post(url("/trainees"), json=factories.trainee_body(**overrides), headers=headers), 201)


def enrol(client, headers, trainee_id: str, project_id: str, **overrides) -> dict:
    body = factories.enrolment_body(trainee_id, project_id, **overrides)
    return ok(client.post(url("/enrolments"), json=body, headers=headers), 201)


def walk(client, path: str, headers, *, limit: int, **params) -> list[dict]:
    """Every item of a list endpoint, page by page; asserts each page respects `limit`."""
    items, cursor = [], None
    for _ in range(1000):
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        page = ok(client.get(url(path), query_string=query, headers=headers))
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        assert page["items"], "a page with a next cursor must not be empty"
    raise AssertionError("pagination did not end")


_tax_serial = itertools.count(500_000_001)  # apart from tests/api/conftest.py's serials


#: A fresh serial made a checksum-valid tax number of the organisation's country (its profile's scheme).
_TAX_NUMBERS = {"TR": lambda base: base + vkn.calc_check_digit(base),
                "GT": lambda base: base + gt_nit.calc_check_digit(base)}


def create_employer(client, headers, country: str = "TR") -> dict:
    """An employer of an organisation of `country`, with a fresh, checksum-valid tax number (a VKN in Türkiye).

    The number must follow the organisation's own scheme: a Turkish VKN is a valid Guatemalan NIT only by
    chance (so a test using the wrong one passed or failed with the serial's state, that is, the test order)."""
    base = str(next(_tax_serial))
    tax_number = _TAX_NUMBERS[country](base)
    return ok(client.post(url("/employers"), headers=headers, json={
        "name": f"Employer {base}", "tax_number": tax_number, "sector": "I56", "district": "Konak"}), 201)


def create_employer_user(client, tenant, country: str = "TR") -> dict[str, str]:
    """An employer with one employer-role user; returns that user's headers."""
    employer = create_employer(client, tenant.headers["admin"], country)
    user = ok(client.post(url("/users"), headers=tenant.headers["admin"], json={
        "email": f"hr-{employer['tax_number']}@employer.example", "role": "employer",
        "employer_id": employer["id"]}), 201)
    return bearer(user["token"])
