"""`/placements`: job starts recorded by staff (an employer records its jobs by hiring its own
referrals), ended once with a date and a reason; lists filter by the obvious fields."""

from __future__ import annotations

import pytest

from tests.api.conftest import ids, ok, problem, random_id, url, vacancy_body, work_terms


def test_staff_record_a_placement_directly(client, employer_side, row_counts, subtests):
    side = employer_side
    terms = work_terms(started_on="2026-08-03", wage_monthly="31000", currency="EUR", hours_per_week=38,
                       contract_type="fixed_term", formal=False)
    for role in ("admin", "caseworker"):
        for with_vacancy in (True, False):
            with subtests.test(role=role, with_vacancy=with_vacancy):
                body = {**terms, "employer_id": side.b.employer["id"], "trainee_id": side.free_trainee["id"],
                        "vacancy_id": side.b.vacancy["id"] if with_vacancy else None}
                before = row_counts(side.tenant)
                created = ok(client.post(url("/placements"), json=body, headers=side.tenant.headers[role]), 201)
                assert {k: v for k, v in created.items() if k not in ("id", "created_at", "updated_at")} == {
                    **body, "wage_monthly": "31000.00", "ended_on": None, "end_reason": None,
                    "trainee": {"given_name": "Elif", "family_name_initial": "K.", "cohort": side.cohort["name"],
                                "occupation": side.cohort["occupation"]}}
                stored = ok(client.get(url(f"/placements/{created['id']}"), headers=side.tenant.headers["manager"]))
                assert stored == created
                after = row_counts(side.tenant)
                assert (after["placements"], after["outbox"]) == (before["placements"] + 1, before["outbox"] + 1)


def test_staff_must_name_the_employer(client, employer_side, row_counts):
    before = row_counts(employer_side.tenant)
    body = problem(client.post(url("/placements"), json=work_terms(trainee_id=employer_side.free_trainee["id"]),
                               headers=employer_side.tenant.headers["caseworker"]), 422)
    assert list(body["errors"]) == ["employer_id"]
    assert row_counts(employer_side.tenant) == before


def test_an_employer_user_may_not_record_a_placement(client, employer_side, other_employer_side, row_counts,
                                                    subtests):
    """Employers record jobs only through their own referrals (hire): a free placement would let
    them declare anyone employed, at any wage, for the funder's outcomes. 403 whoever is named."""
    side = employer_side
    trainees = {"referred-to-it": side.a.trainee["id"], "referred-to-another-employer": side.b.trainee["id"],
                "referred-nowhere": side.free_trainee["id"],
                "of-another-organisation": other_employer_side.a.trainee["id"], "unknown": random_id()}
    before = row_counts(side.tenant, other_employer_side.tenant)
    for trainee, trainee_id in trainees.items():
        for named in ("nothing more", "own employer and vacancy"):
            with subtests.test(trainee=trainee, named=named):
                body = work_terms(trainee_id=trainee_id)
                if named != "nothing more":
                    body.update(employer_id=side.a.employer["id"], vacancy_id=side.a.vacancy["id"])
                problem(client.post(url("/placements"), json=body, headers=side.a.headers), 403)
                assert row_counts(side.tenant, other_employer_side.tenant) == before


def test_an_employer_user_still_hires_its_referral_and_ends_the_job(client, employer_side):
    side = employer_side
    hired = ok(client.post(url(f"/referrals/{side.a.referral['id']}/hire"), headers=side.a.headers,
                           json=work_terms(started_on="2026-08-01")))
    ended = ok(client.post(url(f"/placements/{hired['placement_id']}/end"), headers=side.a.headers,
                           json={"ended_on": "2026-10-31", "reason": "resigned"}))
    assert (ended["employer_id"], ended["ended_on"]) == (side.a.employer["id"], "2026-10-31")


def test_a_vacancy_of_another_employer_is_422_for_staff(client, employer_side, row_counts):
    side = employer_side
    before = row_counts(side.tenant)
    body = problem(client.post(url("/placements"), headers=side.tenant.headers["caseworker"], json=work_terms(
        employer_id=side.a.employer["id"], trainee_id=side.a.trainee["id"], vacancy_id=side.b.vacancy["id"])), 422)
    assert list(body["errors"]) == ["vacancy_id"]
    problem(client.post(url("/placements"), headers=side.tenant.headers["caseworker"], json=work_terms(
        employer_id=side.a.employer["id"], trainee_id=side.a.trainee["id"], vacancy_id=random_id())), 404)
    assert row_counts(side.tenant) == before


def test_a_placement_onto_the_last_position_fills_the_vacancy(client, employer_side):
    side = employer_side
    vacancy = ok(client.post(url("/vacancies"), json=vacancy_body(positions=1), headers=side.a.headers), 201)
    ok(client.post(url("/placements"), headers=side.tenant.headers["caseworker"], json=work_terms(
        employer_id=side.a.employer["id"], trainee_id=side.a.trainee["id"], vacancy_id=vacancy["id"])), 201)
    assert ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=side.a.headers))["status"] == "filled"


def test_a_manager_may_not_record_placements(client, employer_side, row_counts):
    side = employer_side
    before = row_counts(side.tenant)
    problem(client.post(url("/placements"), headers=side.tenant.headers["manager"], json=work_terms(
        employer_id=side.a.employer["id"], trainee_id=side.a.trainee["id"])), 403)
    problem(client.post(url(f"/placements/{side.a.placement['id']}/end"), headers=side.tenant.headers["manager"],
                        json={"ended_on": "2026-10-31", "reason": "resigned"}), 403)
    assert row_counts(side.tenant) == before


# ---------------------------------------------------------------------------------------------
# Ending a placement.

END_CASES = [
    ("employer", "2026-10-31", "resigned"),
    ("employer", "2026-07-01", "dismissed"),  # the day it started
    ("caseworker", "2026-09-30", "contract_ended"),
    ("admin", "2026-12-31", "business_closed"),
    ("employer", "2026-08-31", "health"),
]


def test_end_with_a_date_and_a_reason(client, employer_side, row_counts, subtests):
    side = employer_side
    for actor, ended_on, reason in END_CASES:
        with subtests.test(actor=actor, ended_on=ended_on, reason=reason):
            headers = side.a.headers if actor == "employer" else side.tenant.headers[actor]
            placement = ok(client.post(url("/placements"), headers=side.tenant.headers["caseworker"], json=work_terms(
                employer_id=side.a.employer["id"], trainee_id=side.a.trainee["id"])), 201)
            before = row_counts(side.tenant)
            ended = ok(client.post(url(f"/placements/{placement['id']}/end"), headers=headers,
                                   json={"ended_on": ended_on, "reason": reason}))
            assert (ended["ended_on"], ended["end_reason"]) == (ended_on, reason)
            stored = ok(client.get(url(f"/placements/{placement['id']}"), headers=side.tenant.headers["admin"]))
            assert {k: v for k, v in stored.items() if k not in ("trainee_id", "updated_at")} == {
                **{k: v for k, v in placement.items() if k not in ("trainee_id", "updated_at")}, "ended_on": ended_on,
                "end_reason": reason}
            assert row_counts(side.tenant)["outbox"] == before["outbox"] + 1


def test_an_end_before_the_start_is_422(client, employer_side, row_counts):
    side, placement = employer_side, employer_side.a.placement
    before = row_counts(side.tenant)
    body = problem(client.post(url(f"/placements/{placement['id']}/end"), headers=side.a.headers,
                               json={"ended_on": "2026-06-30", "reason": "resigned"}), 422)
    assert list(body["errors"]) == ["ended_on"]
    assert row_counts(side.tenant) == before
    assert ok(client.get(url(f"/placements/{placement['id']}"), headers=side.a.headers))["ended_on"] is None


def test_a_second_end_is_409_and_keeps_the_first(client, employer_side, row_counts):
    side, placement = employer_side, employer_side.a.placement
    ok(client.post(url(f"/placements/{placement['id']}/end"), headers=side.a.headers,
                   json={"ended_on": "2026-10-31", "reason": "resigned"}))
    before = row_counts(side.tenant)
    body = problem(client.post(url(f"/placements/{placement['id']}/end"), headers=side.tenant.headers["caseworker"],
                               json={"ended_on": "2026-11-15", "reason": "dismissed"}), 409)
    assert body["ended_on"] == "2026-10-31"
    assert row_counts(side.tenant) == before
    stored = ok(client.get(url(f"/placements/{placement['id']}"), headers=side.a.headers))
    assert (stored["ended_on"], stored["end_reason"]) == ("2026-10-31", "resigned")


BAD_ENDS = {
    "no-reason": ({"ended_on": "2026-10-31"}, ["reason"]),
    "no-date": ({"reason": "resigned"}, ["ended_on"]),
    "unknown-reason": ({"ended_on": "2026-10-31", "reason": "bored"}, ["reason"]),
    "not-iso-date": ({"ended_on": "31.10.2026", "reason": "resigned"}, ["ended_on"]),
    "null-date": ({"ended_on": None, "reason": "resigned"}, ["ended_on"]),
}


def test_an_end_needs_a_valid_date_and_reason(client, employer_side, row_counts, subtests):
    side = employer_side
    before = row_counts(side.tenant)
    for name, (body, fields) in BAD_ENDS.items():
        with subtests.test(name):
            answer = problem(client.post(url(f"/placements/{side.a.placement['id']}/end"), headers=side.a.headers,
                                         json=body), 422)
            assert sorted(answer["errors"]) == fields
            assert row_counts(side.tenant) == before


# ---------------------------------------------------------------------------------------------
# Work terms.

WORK_TERM_CASES = [
    ("hours_per_week", 0, 422), ("hours_per_week", 81, 422), ("hours_per_week", -40, 422),
    ("hours_per_week", "40", 422), ("hours_per_week", 40.5, 422), ("hours_per_week", None, 422),
    ("hours_per_week", True, 422), ("hours_per_week", 1, 201), ("hours_per_week", 80, 201),
    ("formal", True, 201), ("formal", False, 201), ("formal", "true", 422), ("formal", "false", 422),
    ("formal", 1, 422), ("formal", 0, 422), ("formal", "yes", 422), ("formal", None, 422),
]


@pytest.mark.parametrize("field", ["hours_per_week", "formal"])
def test_hours_between_1_and_80_and_formal_a_json_boolean(client, employer_side, row_counts, subtests, field):
    side = employer_side
    for _field, value, status in [case for case in WORK_TERM_CASES if case[0] == field]:
        with subtests.test(value=value, expected=status):
            before = row_counts(side.tenant)
            response = client.post(url("/placements"), headers=side.tenant.headers["caseworker"], json=work_terms(
                employer_id=side.a.employer["id"], trainee_id=side.a.trainee["id"], **{field: value}))
            if status == 201:
                stored = ok(response, 201)[field]
                assert stored == value and type(stored) is type(value)
            else:
                assert list(problem(response, 422)["errors"]) == [field]
                assert row_counts(side.tenant) == before


# ---------------------------------------------------------------------------------------------
# Lists.

@pytest.fixture
def placements(client, employer_side):
    """Four placements: A's and B's from the side (started 2026-07-01, active), and two more."""
    side, caseworker = employer_side, employer_side.tenant.headers["caseworker"]
    late = ok(client.post(url("/placements"), headers=caseworker, json=work_terms(
        employer_id=side.a.employer["id"], trainee_id=side.free_trainee["id"], started_on="2026-09-15")), 201)
    ok(client.post(url(f"/placements/{late['id']}/end"), headers=caseworker,
                   json={"ended_on": "2026-10-31", "reason": "moved_away"}))
    early = ok(client.post(url("/placements"), headers=caseworker, json=work_terms(
        employer_id=side.b.employer["id"], trainee_id=side.a.trainee["id"], started_on="2026-02-01")), 201)
    ok(client.post(url(f"/placements/{early['id']}/end"), headers=caseworker,
                   json={"ended_on": "2026-05-31", "reason": "contract_ended"}))
    return {"a": side.a.placement["id"], "b": side.b.placement["id"], "late": late["id"], "early": early["id"]}


LIST_CASES = [
    ({}, ["a", "b", "late", "early"]),
    ({"active": "true"}, ["a", "b"]),
    ({"active": "false"}, ["late", "early"]),
    ({"employer_id": "A"}, ["a", "late"]),
    ({"employer_id": "B", "active": "false"}, ["early"]),
    ({"trainee_id": "trainee A"}, ["a", "early"]),
    ({"vacancy_id": "vacancy A"}, ["a"]),
    ({"started_from": "2026-07-01"}, ["a", "b", "late"]),
    ({"started_to": "2026-07-01"}, ["a", "b", "early"]),
    ({"started_from": "2026-07-02", "started_to": "2026-12-31"}, ["late"]),
    ({"started_from": "2027-01-01"}, []),
    ({"employer_id": "random"}, []),
]


EMPLOYER_A_LIST_CASES = [({}, ["a", "late"]), ({"active": "true"}, ["a"]), ({"employer_id": "B"}, [])]


def test_list_filters(client, employer_side, placements, subtests):
    side = employer_side
    values = {"A": side.a.employer["id"], "B": side.b.employer["id"], "trainee A": side.a.trainee["id"],
              "vacancy A": side.a.vacancy["id"], "random": random_id()}
    for who, headers, cases in (("manager", side.tenant.headers["manager"], LIST_CASES),
                                ("employer A", side.a.headers, EMPLOYER_A_LIST_CASES)):
        for query, expected in cases:
            with subtests.test(who=who, query=query):
                listed = ok(client.get(url("/placements"), headers=headers,
                                       query_string={k: values.get(v, v) for k, v in query.items()}))
                assert ids(listed) == [placements[name] for name in expected]
                assert all(("trainee_id" in item) == (who == "manager") for item in listed["items"])


BAD_QUERIES = {
    "active-yes": {"active": "yes"},
    "active-1": {"active": "1"},
    "active-capitalised": {"active": "True"},
    "impossible-month": {"started_from": "2026-13-01"},
    "not-a-date": {"started_to": "yesterday"},
    "trainee-id-not-a-uuid": {"trainee_id": "42"},
    "foreign-cursor": {"cursor": "!!"},
}


def test_bad_list_parameters_are_422(client, tenant, subtests):
    for name, query in BAD_QUERIES.items():
        with subtests.test(name):
            body = problem(client.get(url("/placements"), query_string=query, headers=tenant.headers["admin"]), 422)
            assert list(body["errors"]) == list(query)
