"""`/employers`: staff register employers (tax number checked by the organisation's country,
NACE sector); every role reads them, an employer user only its own."""

from __future__ import annotations

import pytest

from tests.api.conftest import employer_body, ids, ok, problem, random_id, url


def test_caseworker_registers_an_employer(client, tenant):
    body = employer_body(name="  Ege Lokantası ", tax_number="454 053 6920", sector="I56.1", district="Konak")
    created = ok(client.post(url("/employers"), json=body, headers=tenant.headers["caseworker"]), 201)
    assert {k: v for k, v in created.items() if k not in ("id", "created_at")} == {
        "name": "Ege Lokantası", "tax_number": "4540536920", "sector": "I56.1", "district": "Konak"}
    fetched = ok(client.get(url(f"/employers/{created['id']}"), headers=tenant.headers["admin"]))
    assert fetched == created


BAD_VKNS = {
    "wrong-check-digit": "4540536921",
    "nine-digits": "454053692",
    "eleven-digits": "45405369200",
    "a-letter": "45405369A0",
    "no-digits": "-",
    "empty": "",
    "longer-than-32": "4" * 33,
    "a-number": 4540536920,
    "nul": "4540536920\u0000",
}


def test_a_turkish_tax_number_must_be_a_valid_vkn(client, tenant, row_counts, subtests):
    before = row_counts(tenant)
    for name, value in BAD_VKNS.items():
        with subtests.test(name, value=value):
            body = problem(client.post(url("/employers"), json=employer_body(tax_number=value),
                                       headers=tenant.headers["caseworker"]), 422)
            assert list(body["errors"]) == ["tax_number"]
            assert row_counts(tenant) == before


@pytest.mark.parametrize(("value", "status"), [
    ("123456-7897", 201),
    ("556036-0793", 201),
    ("123456-7890", 422),
    ("4540536920", 422),
], ids=["valid", "valid-2", "bad-check-digit", "turkish-vkn"])
def test_a_swedish_organisation_checks_swedish_organisation_numbers(client, make_tenant, value, status):
    swedish = make_tenant("SE")
    response = client.post(url("/employers"), json=employer_body(tax_number=value), headers=swedish.headers["admin"])
    if status == 201:
        assert ok(response, 201)["tax_number"] == value.replace("-", "")
    else:
        assert list(problem(response, 422)["errors"]) == ["tax_number"]


def test_a_known_tax_number_answers_409_naming_the_existing_employer(client, tenant, row_counts, subtests):
    caseworker = tenant.headers["caseworker"]
    first = ok(client.post(url("/employers"), json=employer_body(tax_number="4540536920"), headers=caseworker), 201)
    before = row_counts(tenant)
    for variant in ("4540536920", "454 053 69 20", " 4540536920 "):
        with subtests.test(variant=variant):
            body = problem(client.post(url("/employers"), json=employer_body(name="Another", tax_number=variant),
                                       headers=caseworker), 409)
            assert body["existing_employer_id"] == first["id"]
            assert row_counts(tenant) == before


def test_another_organisation_may_register_the_same_tax_number(client, tenant, other_tenant):
    ours = ok(client.post(url("/employers"), json=employer_body(tax_number="4540536920"),
                          headers=tenant.headers["admin"]), 201)
    theirs = ok(client.post(url("/employers"), json=employer_body(tax_number="4540536920"),
                            headers=other_tenant.headers["admin"]), 201)
    assert ours["id"] != theirs["id"]


VALID_SECTORS = ["A", "C10", "C10.1", "C10.11", "I56", "U99"]
INVALID_SECTORS = {
    "lower-case": "i56",
    "no-such-section": "V01",
    "one-digit-division": "I5",
    "three-digit-division": "I567",
    "dot-without-group": "C10.",
    "three-digit-class": "C10.111",
    "space": "C 10",
    "trailing-newline": "I56\n",
    "arabic-indic-digits": "I\u0665\u0666",
    "empty": "",
    "number": 56,
    "null": None,
}


def test_nace_sectors(client, tenant, row_counts, subtests):
    caseworker = tenant.headers["caseworker"]
    for sector in VALID_SECTORS:
        with subtests.test(sector=sector):
            assert ok(client.post(url("/employers"), json=employer_body(sector=sector), headers=caseworker),
                      201)["sector"] == sector
    before = row_counts(tenant)
    for name, sector in INVALID_SECTORS.items():
        with subtests.test(name, sector=sector):
            body = problem(client.post(url("/employers"), json=employer_body(sector=sector), headers=caseworker),
                           422)
            assert list(body["errors"]) == ["sector"]
            assert row_counts(tenant) == before


def test_who_may_register_employers(client, tenant, lone_employer, row_counts, subtests):
    for role, status in (("manager", 403), ("employer", 403), ("no token", 401), ("admin", 201),
                         ("caseworker", 201)):
        with subtests.test(role=role):
            headers = {"employer": lone_employer.headers, "no token": {}, **tenant.headers}[role]
            before = row_counts(tenant)
            response = client.post(url("/employers"), json=employer_body(), headers=headers)
            if status == 201:
                ok(response, 201)
                assert row_counts(tenant)["employers"] == before["employers"] + 1
            else:
                problem(response, status)
                assert row_counts(tenant) == before


def test_list_filters_and_pages(client, tenant):
    caseworker = tenant.headers["caseworker"]
    made = [ok(client.post(url("/employers"), json=employer_body(sector=sector, district=district),
                           headers=caseworker), 201)
            for sector, district in (("I56", "Konak"), ("C10.7", "Konak"), ("I56", "Bornova"))]
    listed = lambda **query: ids(ok(client.get(url("/employers"), query_string=query,  # noqa: E731
                                               headers=tenant.headers["manager"])))
    assert listed() == [e["id"] for e in made]
    assert listed(sector="I56") == [made[0]["id"], made[2]["id"]]
    assert listed(district="Konak") == [made[0]["id"], made[1]["id"]]
    assert listed(sector="I56", district="Bornova") == [made[2]["id"]]
    first = ok(client.get(url("/employers"), query_string={"limit": 2}, headers=caseworker))
    rest = ok(client.get(url("/employers"), query_string={"cursor": first["next_cursor"]}, headers=caseworker))
    assert ids(first) + ids(rest) == [e["id"] for e in made] and rest["next_cursor"] is None


def test_an_employer_user_sees_only_its_own_employer(client, employer_side):
    a, b = employer_side.a, employer_side.b
    assert ids(ok(client.get(url("/employers"), headers=a.headers))) == [a.employer["id"]]
    assert ok(client.get(url(f"/employers/{a.employer['id']}"), headers=a.headers)) == a.employer
    other = problem(client.get(url(f"/employers/{b.employer['id']}"), headers=a.headers), 404)
    missing = problem(client.get(url(f"/employers/{random_id()}"), headers=a.headers), 404)
    assert other == missing
    assert ids(ok(client.get(url("/employers"), query_string={"sector": "I56"}, headers=b.headers))) == [
        b.employer["id"]]


def test_another_organisations_employer_is_missing(client, employer_side, other_employer_side):
    theirs = other_employer_side.a.employer["id"]
    for role in ("admin", "caseworker", "manager"):
        headers = employer_side.tenant.headers[role]
        assert problem(client.get(url(f"/employers/{theirs}"), headers=headers), 404) == problem(
            client.get(url(f"/employers/{random_id()}"), headers=headers), 404)
        assert theirs not in ids(ok(client.get(url("/employers"), query_string={"limit": 200}, headers=headers)))

