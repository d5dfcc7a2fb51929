"""`/vacancies`: employer users post their own, staff post for a named employer; wages are exact
decimals with an ISO 4217 currency; open -> filled (by hires) | closed, and back to open."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import EmployerRecords, ids, ok, problem, random_id, url, vacancy_body, work_terms


def test_an_employer_user_posts_for_its_own_employer(client, tenant, lone_employer):
    a = lone_employer
    created = ok(client.post(url("/vacancies"), json=vacancy_body(title="Waiter", occupation="5131", positions=2,
                                                                 wage_monthly="26000.5", currency="TRY",
                                                                 contract_type="seasonal", closes_on=None),
                             headers=a.headers), 201)
    assert {k: v for k, v in created.items() if k not in ("id", "created_at", "updated_at")} == {
        "employer_id": a.employer["id"], "title": "Waiter", "occupation": "5131", "positions": 2,
        "wage_monthly": "26000.50", "currency": "TRY", "contract_type": "seasonal", "district": "Konak",
        "closes_on": None, "status": "open"}
    assert ok(client.get(url(f"/vacancies/{created['id']}"), headers=tenant.headers["admin"])) == created
    named = ok(client.post(url("/vacancies"), json=vacancy_body(employer_id=a.employer["id"]), headers=a.headers), 201)
    assert named["employer_id"] == a.employer["id"]


@pytest.mark.parametrize("role", ["admin", "caseworker"])
def test_staff_must_name_the_employer(client, tenant, lone_employer, row_counts, role):
    caseworker = tenant.headers[role]
    before = row_counts(tenant)
    body = problem(client.post(url("/vacancies"), json=vacancy_body(), headers=caseworker), 422)
    assert list(body["errors"]) == ["employer_id"]
    assert row_counts(tenant) == before
    employer_id = lone_employer.employer["id"]
    assert ok(client.post(url("/vacancies"), json=vacancy_body(employer_id=employer_id), headers=caseworker), 201)[
        "employer_id"] == employer_id
    problem(client.post(url("/vacancies"), json=vacancy_body(employer_id=random_id()), headers=caseworker), 404)


def test_a_manager_reads_vacancies_but_does_not_post_or_change_them(client, tenant, lone_employer):
    manager, vacancy = tenant.headers["manager"], lone_employer.vacancy
    assert ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=manager)) == vacancy
    assert ids(ok(client.get(url("/vacancies"), headers=manager))) == [vacancy["id"]]
    problem(client.post(url("/vacancies"), json=vacancy_body(employer_id=lone_employer.employer["id"]),
                        headers=manager), 403)
    problem(client.patch(url(f"/vacancies/{vacancy['id']}"), json={"title": "x"}, headers=manager), 403)


GOOD_WAGES = {
    "string-two-places": ("28500.00", "28500.00"),
    "string-integer": ("28500", "28500.00"),
    "string-one-place": ("28500.5", "28500.50"),
    "json-integer": (28500, "28500.00"),
    "json-number-two-places": (28500.25, "28500.25"),
    "smallest": ("0.01", "0.01"),
    "maximum": ("100000000", "100000000.00"),
}

BAD_MONEY = {
    "zero": {"wage_monthly": "0"},
    "float-three-places": {"wage_monthly": 28500.123},
    "string-three-places": {"wage_monthly": "28500.001"},
    "negative": {"wage_monthly": "-1.00"},
    "negative-number": {"wage_monthly": -1},
    "above-maximum": {"wage_monthly": "100000000.01"},
    "nan": {"wage_monthly": "NaN"},
    "infinity": {"wage_monthly": "Infinity"},
    "comma": {"wage_monthly": "28,500"},
    "with-currency": {"wage_monthly": "TRY 28500"},
    "boolean": {"wage_monthly": True},
    "null": {"wage_monthly": None},
    "unknown-currency": {"currency": "XYZ"},
    "lower-case-currency": {"currency": "try"},
    "not-a-code": {"currency": "TL"},
    "gold-is-not-money": {"currency": "XAU"},
    "numeric-code": {"currency": 949},
}


def test_wages_are_exact_decimals_answered_as_strings(client, lone_employer, subtests):
    headers = lone_employer.headers
    for name, (given, stored) in GOOD_WAGES.items():
        with subtests.test(name, given=given):
            created = ok(client.post(url("/vacancies"), json=vacancy_body(wage_monthly=given), headers=headers), 201)
            assert created["wage_monthly"] == stored
            assert ok(client.get(url(f"/vacancies/{created['id']}"), headers=headers))["wage_monthly"] == stored


def test_bad_wages_and_currencies_are_422(client, tenant, lone_employer, row_counts, subtests):
    headers, vacancy = lone_employer.headers, lone_employer.vacancy
    before = row_counts(tenant)
    for name, changes in BAD_MONEY.items():
        with subtests.test(name, **changes):
            body = problem(client.post(url("/vacancies"), json=vacancy_body(**changes), headers=headers), 422)
            assert list(body["errors"]) == list(changes)
            body = problem(client.patch(url(f"/vacancies/{vacancy['id']}"), json=changes, headers=headers), 422)
            assert list(body["errors"]) == list(changes)
            assert row_counts(tenant) == before
    assert ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=headers)) == vacancy


def test_patch_changes_the_given_fields_only(client, lone_employer):
    vacancy, headers = lone_employer.vacancy, lone_employer.headers
    changes = {"title": "Head cook", "positions": 5, "wage_monthly": "31000", "currency": "EUR",
               "contract_type": "fixed_term", "district": "Bornova", "closes_on": "2027-03-31"}
    patched = ok(client.patch(url(f"/vacancies/{vacancy['id']}"), json=changes, headers=headers))
    assert patched == {**vacancy, **changes, "wage_monthly": "31000.00", "updated_at": patched["updated_at"]}
    assert patched["updated_at"] >= vacancy["updated_at"]
    cleared = ok(client.patch(url(f"/vacancies/{vacancy['id']}"), json={"district": None, "closes_on": None},
                              headers=headers))
    assert cleared["district"] is None and cleared["closes_on"] is None and cleared["title"] == "Head cook"


FORBIDDEN_CHANGES = {
    "move-to-another-employer": {"employer_id": random_id()},
    "occupation-is-fixed": {"occupation": "7512"},
    "id": {"id": random_id()},
    "no-positions": {"positions": 0},
    "positions-as-string": {"positions": "2"},
    "empty-title": {"title": ""},
    "unknown-status": {"status": "deleted"},
    "unknown-contract-type": {"contract_type": "zero_hours"},
    "impossible-date": {"closes_on": "2027-02-30"},
}


def test_patch_refuses_what_it_may_not_change(client, lone_employer, subtests):
    vacancy, headers = lone_employer.vacancy, lone_employer.headers
    for name, changes in FORBIDDEN_CHANGES.items():
        with subtests.test(name):
            body = problem(client.patch(url(f"/vacancies/{vacancy['id']}"), json=changes, headers=headers), 422)
            assert list(body["errors"]) == list(changes)
            assert ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=headers)) == vacancy


def _patch_status(client, headers, vacancy_id, status):
    return client.patch(url(f"/vacancies/{vacancy_id}"), json={"status": status}, headers=headers)


def test_open_closed_open(client, lone_employer):
    vacancy_id, headers = lone_employer.vacancy["id"], lone_employer.headers
    for status in ("closed", "closed", "open", "closed", "open"):
        assert ok(_patch_status(client, headers, vacancy_id, status))["status"] == status


def _hire_onto(client, tenant, employer: EmployerRecords, vacancy_id: str) -> None:
    """Refer a newly registered trainee to the vacancy and let the employer hire them."""
    caseworker = tenant.headers["caseworker"]
    trainee = ok(client.post(url("/trainees"), json=factories.trainee_body(), headers=caseworker), 201)
    referral = ok(client.post(url(f"/vacancies/{vacancy_id}/referrals"), headers=caseworker,
                              json={"trainee_id": trainee["id"]}), 201)
    ok(client.post(url(f"/referrals/{referral['id']}/hire"), json=work_terms(), headers=employer.headers))


@pytest.mark.parametrize(("start", "target", "status"), [
    ("open", "filled", 200),
    ("open", "closed", 200),
    ("closed", "open", 200),
    ("closed", "filled", 409),
    ("filled", "closed", 409),
    ("filled", "open", 200),
], ids=lambda v: str(v))
def test_status_transitions(client, tenant, lone_employer, row_counts, start, target, status):
    headers = lone_employer.headers
    vacancy = ok(client.post(url("/vacancies"), json=vacancy_body(positions=1), headers=headers), 201)
    if start == "closed":
        ok(_patch_status(client, headers, vacancy["id"], "closed"))
    elif start == "filled":
        _hire_onto(client, tenant, lone_employer, vacancy["id"])
    current = ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=headers))
    assert current["status"] == start
    before = row_counts(tenant)
    response = _patch_status(client, headers, vacancy["id"], target)
    if status == 200:
        assert ok(response)["status"] == target
    else:
        body = problem(response, 409)
        assert body["current_status"] == start
        assert row_counts(tenant) == before
        assert ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=headers)) == current


def test_a_refused_transition_changes_no_other_field_either(client, lone_employer):
    vacancy_id, headers = lone_employer.vacancy["id"], lone_employer.headers
    closed = ok(_patch_status(client, headers, vacancy_id, "closed"))
    problem(client.patch(url(f"/vacancies/{vacancy_id}"), json={"title": "Renamed", "status": "filled"},
                         headers=headers), 409)
    assert ok(client.get(url(f"/vacancies/{vacancy_id}"), headers=headers)) == closed


def test_hires_fill_the_vacancy_once_all_positions_are_taken(client, tenant, lone_employer):
    headers = lone_employer.headers
    vacancy = ok(client.post(url("/vacancies"), json=vacancy_body(positions=2), headers=headers), 201)
    for expected in ("open", "filled"):
        _hire_onto(client, tenant, lone_employer, vacancy["id"])
        assert ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=headers))["status"] == expected
    trainee = ok(client.post(url("/trainees"), json=factories.trainee_body(), headers=tenant.headers["admin"]), 201)
    problem(client.post(url(f"/vacancies/{vacancy['id']}/referrals"), headers=tenant.headers["caseworker"],
                        json={"trainee_id": trainee["id"]}), 409)


def test_lowering_positions_to_the_hires_made_fills_the_vacancy(client, tenant, lone_employer):
    headers = lone_employer.headers
    vacancy = ok(client.post(url("/vacancies"), json=vacancy_body(positions=2), headers=headers), 201)
    _hire_onto(client, tenant, lone_employer, vacancy["id"])
    assert ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=headers))["status"] == "open"
    patched = ok(client.patch(url(f"/vacancies/{vacancy['id']}"), json={"positions": 1}, headers=headers))
    assert patched["status"] == "filled"


def test_list_filters(client, employer_side):
    side, admin = employer_side, employer_side.tenant.headers["admin"]
    closed = ok(client.post(url("/vacancies"), json=vacancy_body(occupation="7512", district="Bornova"),
                            headers=side.b.headers), 201)
    ok(_patch_status(client, side.b.headers, closed["id"], "closed"))
    a, b = side.a.vacancy["id"], side.b.vacancy["id"]

    def listed(**query):
        return ids(ok(client.get(url("/vacancies"), query_string=query, headers=admin)))

    assert listed() == [a, b, closed["id"]]
    assert listed(status="open") == [a, b]
    assert listed(status="closed") == [closed["id"]]
    assert listed(employer_id=side.b.employer["id"]) == [b, closed["id"]]
    assert listed(occupation="7512") == [closed["id"]]
    assert listed(district="Konak") == [a, b]
    assert listed(employer_id=side.b.employer["id"], status="open") == [b]
    assert listed(employer_id=random_id()) == []
    assert ids(ok(client.get(url("/vacancies"), query_string={"status": "closed"}, headers=side.a.headers))) == []


BAD_QUERIES = {
    "unknown-status": {"status": "archived"},
    "employer-id-not-a-uuid": {"employer_id": "acme"},
    "occupation-too-long": {"occupation": "51200"},
    "limit-zero": {"limit": "0"},
    "limit-above-200": {"limit": "201"},
    "unknown-parameter": {"colour": "red"},
}


def test_bad_list_parameters_are_422(client, tenant, subtests):
    for name, query in BAD_QUERIES.items():
        with subtests.test(name):
            body = problem(client.get(url("/vacancies"), query_string=query, headers=tenant.headers["admin"]), 422)
            assert list(body["errors"]) == list(query)
