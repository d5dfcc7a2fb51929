"""Referrals: a caseworker proposes a trainee for a vacancy; referred -> interviewing -> hired |
rejected, withdrawn from any open state. Hiring creates the placement. An employer user sees the
trainee only as a summary (given name, family-name initial, cohort, occupation)."""

from __future__ import annotations

import json

import pytest

from tests import factories
from tests.api.conftest import SUMMARY_KEYS, ids, ok, problem, random_id, url, vacancy_body, work_terms

STEPS = ("interview", "hire", "reject", "withdraw")
#: The SPEC's state machine, written out: step -> {state it may start from: state it leads to}.
ALLOWED = {
    "interview": {"referred": "interviewing"},
    "hire": {"referred": "hired", "interviewing": "hired"},
    "reject": {"referred": "rejected", "interviewing": "rejected"},
    "withdraw": {"referred": "withdrawn", "interviewing": "withdrawn"},
}
#: How to bring a fresh referral into each state.
PATH_TO = {"referred": [], "interviewing": ["interview"], "hired": ["interview", "hire"],
           "rejected": ["reject"], "withdrawn": ["withdraw"]}


@pytest.fixture
def world(client, tenant, programme, lone_employer):
    """The programme's trainee, enrolled in its cohort, and one employer with an open vacancy."""
    ok(client.post(url("/enrolments"), headers=tenant.headers["caseworker"], json=factories.enrolment_body(
        programme["trainee"]["id"], programme["project"]["id"], cohort_id=programme["cohort"]["id"])), 201)
    return {"tenant": tenant, "trainee": programme["trainee"], "cohort": programme["cohort"],
            "employer": lone_employer}


def refer(client, world, vacancy_id=None, trainee_id=None, **body):
    return client.post(url(f"/vacancies/{vacancy_id or world['employer'].vacancy['id']}/referrals"),
                       headers=world["tenant"].headers["caseworker"],
                       json={"trainee_id": trainee_id or world["trainee"]["id"], **body})


def take(client, world, referral_id, step, headers=None):
    """Take `step`, as the employer user unless told otherwise; `hire` with the usual work terms."""
    return client.post(url(f"/referrals/{referral_id}/{step}"), headers=headers or world["employer"].headers,
                       json=work_terms() if step == "hire" else None)


def new_vacancy(client, world, **fields) -> str:
    return ok(client.post(url("/vacancies"), json=vacancy_body(**fields), headers=world["employer"].headers), 201)["id"]


def referral_in(client, world, state: str, *, vacancy_id=None, trainee_id=None, **body) -> dict:
    referral = ok(refer(client, world, vacancy_id=vacancy_id, trainee_id=trainee_id, **body), 201)
    for step in PATH_TO[state]:
        referral = ok(take(client, world, referral["id"], step))
    assert referral["status"] == state
    return referral


def test_a_caseworker_refers_a_trainee(client, world, row_counts):
    before = row_counts(world["tenant"])
    referral = ok(refer(client, world, note="Strong practical exam.\nSpeaks English."), 201)
    employer = world["employer"]
    assert {k: v for k, v in referral.items() if k not in ("id", "created_at", "updated_at")} == {
        "vacancy_id": employer.vacancy["id"], "employer_id": employer.employer["id"],
        "trainee_id": world["trainee"]["id"],
        "trainee": {"given_name": "Ayşe", "family_name_initial": "Y.", "cohort": world["cohort"]["name"],
                    "occupation": world["cohort"]["occupation"]},
        "status": "referred", "note": "Strong practical exam.\nSpeaks English.", "placement_id": None}
    after = row_counts(world["tenant"])
    assert (after["referrals"], after["outbox"]) == (before["referrals"] + 1, before["outbox"] + 1)
    admin = world["tenant"].headers["admin"]
    assert ok(client.get(url(f"/referrals/{referral['id']}"), headers=admin)) == referral


PATHS = [["interview", "hire"], ["hire"], ["interview", "reject"], ["reject"], ["withdraw"],
         ["interview", "withdraw"]]


@pytest.mark.parametrize("actor", ["employer", "caseworker", "admin"])
def test_every_allowed_path(client, world, subtests, actor):
    headers = world["employer"].headers if actor == "employer" else world["tenant"].headers[actor]
    for path in PATHS:
        with subtests.test(path=" -> ".join(path)):
            referral = ok(refer(client, world, vacancy_id=new_vacancy(client, world)), 201)
            status = "referred"
            for step in path:
                status = ALLOWED[step][status]
                answered = ok(take(client, world, referral["id"], step, headers=headers))
                assert answered["status"] == status
            stored = ok(client.get(url(f"/referrals/{referral['id']}"), headers=world["tenant"].headers["admin"]))
            assert stored["status"] == status
            assert (stored["placement_id"] is not None) == (status == "hired")


REFUSED = [(state, step) for state in PATH_TO for step in STEPS if state not in ALLOWED[step]]


def test_every_refused_step_is_409_and_changes_nothing(client, world, snapshot, subtests):
    for state, step in REFUSED:
        with subtests.test(f"{step} when {state}"):
            referral = referral_in(client, world, state, vacancy_id=new_vacancy(client, world))
            before = snapshot(world["tenant"])
            body = problem(take(client, world, referral["id"], step), 409)
            assert body["current_status"] == state
            assert snapshot(world["tenant"]) == before


def test_the_refused_table_is_what_the_spec_says():
    assert sorted(REFUSED) == sorted([
        ("interviewing", "interview"),
        *[(state, step) for state in ("hired", "rejected", "withdrawn") for step in STEPS]])


@pytest.mark.parametrize("status", ["closed", "filled"])
def test_a_closed_or_filled_vacancy_takes_no_referrals(client, world, row_counts, status):
    vacancy = world["employer"].vacancy
    ok(client.patch(url(f"/vacancies/{vacancy['id']}"), json={"status": status}, headers=world["employer"].headers))
    before = row_counts(world["tenant"])
    body = problem(refer(client, world), 409)
    assert body["current_status"] == status
    assert row_counts(world["tenant"]) == before


@pytest.mark.parametrize("state", ["referred", "interviewing"])
def test_a_second_open_referral_is_409_naming_the_first(client, world, row_counts, state):
    first = referral_in(client, world, state)
    before = row_counts(world["tenant"])
    body = problem(refer(client, world), 409)
    assert body["existing_referral_id"] == first["id"]
    assert row_counts(world["tenant"]) == before


@pytest.mark.parametrize("state", ["rejected", "withdrawn"])
def test_a_new_referral_after_a_closed_one_is_allowed(client, world, state):
    first = referral_in(client, world, state)
    second = ok(refer(client, world), 201)
    assert second["id"] != first["id"] and second["status"] == "referred"
    listed = ok(client.get(url("/referrals"), query_string={"trainee_id": world["trainee"]["id"]},
                           headers=world["tenant"].headers["caseworker"]))
    assert [(r["id"], r["status"]) for r in listed["items"]] == [(first["id"], state), (second["id"], "referred")]


def test_the_same_trainee_may_be_referred_to_two_vacancies(client, world):
    other = ok(client.post(url("/vacancies"), json=vacancy_body(), headers=world["employer"].headers), 201)
    first, second = ok(refer(client, world), 201), ok(refer(client, world, vacancy_id=other["id"]), 201)
    assert first["vacancy_id"] != second["vacancy_id"]


@pytest.mark.parametrize(("positions", "vacancy_status"), [(1, "filled"), (2, "open")])
def test_hire_creates_the_placement_with_the_work_terms(client, world, row_counts, positions, vacancy_status):
    employer = world["employer"]
    vacancy = ok(client.post(url("/vacancies"), json=vacancy_body(positions=positions), headers=employer.headers),
                 201)
    referral = ok(refer(client, world, vacancy_id=vacancy["id"]), 201)
    before = row_counts(world["tenant"])
    terms = work_terms(started_on="2026-09-01", wage_monthly=29750.5, currency="TRY", hours_per_week=40,
                       contract_type="apprenticeship", formal=False)
    hired = ok(client.post(url(f"/referrals/{referral['id']}/hire"), json=terms, headers=employer.headers))
    assert hired["status"] == "hired" and hired["placement_id"]
    placement = ok(client.get(url(f"/placements/{hired['placement_id']}"), headers=world["tenant"].headers["admin"]))
    assert {k: placement[k] for k in terms} == {**terms, "wage_monthly": "29750.50"}
    assert (placement["trainee_id"], placement["employer_id"], placement["vacancy_id"]) == (
        world["trainee"]["id"], employer.employer["id"], vacancy["id"])
    assert (placement["ended_on"], placement["end_reason"]) == (None, None)
    assert ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=employer.headers))["status"] == vacancy_status
    after = row_counts(world["tenant"])
    assert after["placements"] == before["placements"] + 1
    assert after["outbox"] == before["outbox"] + 2  # referral.hired and placement.started


def test_a_refused_hire_creates_no_placement(client, world, row_counts):
    referral = referral_in(client, world, "rejected")
    before = row_counts(world["tenant"])
    problem(take(client, world, referral["id"], "hire"), 409)
    assert row_counts(world["tenant"]) == before


# ---------------------------------------------------------------------------------------------
# What an employer user sees of the trainee.

PRIVATE = {
    "given_name": "Zeynep", "family_name": "Karaca", "national_id": None, "sex": "female",
    "birth_date": "1999-09-19", "phone": "+90 532 111 22 33", "email": "zeynep.karaca@example.org",
    "vulnerable_groups": ["roma", "disability"],
}
NOTE = "Lives with a disability; call her mother first."


@pytest.fixture
def private_referral(client, world):
    """A referral of a trainee whose personal details must never reach the employer."""
    caseworker = world["tenant"].headers["caseworker"]
    body = factories.trainee_body(**{k: v for k, v in PRIVATE.items() if v is not None})
    trainee = ok(client.post(url("/trainees"), json=body, headers=caseworker), 201)
    ok(client.post(url("/enrolments"), headers=caseworker, json=factories.enrolment_body(
        trainee["id"], world["cohort"]["project_id"], cohort_id=world["cohort"]["id"])), 201)
    referral = ok(refer(client, world, trainee_id=trainee["id"], note=NOTE), 201)
    needles = [trainee["id"], body["national_id"], "Karaca", PRIVATE["birth_date"], PRIVATE["phone"],
               PRIVATE["email"], "roma", "disability", "female", NOTE, "mother",
               '"trainee_id"', '"note"', '"family_name"', '"national_id"', '"birth_date"', '"phone"', '"email"',
               '"vulnerable_groups"', '"sex"']
    return referral, needles


def _assert_summary_only(response, cohort, needles):
    text = response.get_data(as_text=True)
    for needle in needles:
        assert needle not in text, needle
    decoded = json.dumps(response.get_json(), ensure_ascii=False)
    for needle in needles:
        assert needle not in decoded, needle
    items = response.get_json().get("items", [response.get_json()])
    for item in items:
        assert set(item["trainee"]) == SUMMARY_KEYS
        assert item["trainee"] == {"given_name": "Zeynep", "family_name_initial": "K.", "cohort": cohort["name"],
                                   "occupation": cohort["occupation"]}
        assert "trainee_id" not in item and "note" not in item


def test_an_employer_user_sees_only_the_trainee_summary(client, world, private_referral, subtests):
    referral, needles = private_referral
    headers, base = world["employer"].headers, url(f"/referrals/{referral['id']}")
    requests = {
        "get": lambda: client.get(base, headers=headers),
        "list": lambda: client.get(url("/referrals"), headers=headers),
        "list-by-vacancy": lambda: client.get(url("/referrals"), headers=headers,
                                              query_string={"vacancy_id": referral["vacancy_id"]}),
        "interview": lambda: client.post(f"{base}/interview", headers=headers),
        "reject": lambda: client.post(f"{base}/reject", headers=headers),
    }
    for name, send in requests.items():
        with subtests.test(name):
            response = send()
            assert response.status_code == 200, response.get_data(as_text=True)
            _assert_summary_only(response, world["cohort"], needles)
    for step in ("withdraw", "hire"):
        with subtests.test(step):
            again = referral_in(client, world, "referred", trainee_id=referral_trainee(client, world, referral),
                                note=NOTE)
            response = client.post(url(f"/referrals/{again['id']}/{step}"), headers=headers,
                                   json=work_terms() if step == "hire" else None)
            assert response.status_code == 200, response.get_data(as_text=True)
            _assert_summary_only(response, world["cohort"], needles)
    placement_id = response.get_json()["placement_id"]
    for name, placement in (("placement", client.get(url(f"/placements/{placement_id}"), headers=headers)),
                            ("placements", client.get(url("/placements"), headers=headers))):
        with subtests.test(name):
            assert placement.status_code == 200
            text = placement.get_data(as_text=True)
            assert [n for n in needles if n in text] == []


def referral_trainee(client, world, referral) -> str:
    return ok(client.get(url(f"/referrals/{referral['id']}"), headers=world["tenant"].headers["admin"]))["trainee_id"]


def test_staff_see_the_trainee_id_and_the_note(client, world, private_referral, subtests):
    referral, _ = private_referral
    for role in ("admin", "caseworker", "manager"):
        with subtests.test(role=role):
            seen = ok(client.get(url(f"/referrals/{referral['id']}"), headers=world["tenant"].headers[role]))
            assert seen["trainee_id"] == referral["trainee_id"] and seen["note"] == NOTE
            assert seen["trainee"]["family_name_initial"] == "K."


def test_a_trainee_without_a_cohort_has_an_empty_summary_cohort(client, world):
    trainee = ok(client.post(url("/trainees"), json=factories.trainee_body(given_name="Can", family_name="Öz"),
                             headers=world["tenant"].headers["caseworker"]), 201)
    referral = ok(refer(client, world, trainee_id=trainee["id"]), 201)
    seen = ok(client.get(url(f"/referrals/{referral['id']}"), headers=world["employer"].headers))
    assert seen["trainee"] == {"given_name": "Can", "family_name_initial": "Ö.", "cohort": None, "occupation": None}


# ---------------------------------------------------------------------------------------------
# Roles and ids.

@pytest.mark.parametrize(("role", "status"), [("admin", 201), ("caseworker", 201), ("manager", 403),
                                               ("employer", 403)])
def test_who_may_refer(client, world, row_counts, role, status):
    headers = world["employer"].headers if role == "employer" else world["tenant"].headers[role]
    before = row_counts(world["tenant"])
    response = client.post(url(f"/vacancies/{world['employer'].vacancy['id']}/referrals"), headers=headers,
                           json={"trainee_id": world["trainee"]["id"]})
    if status == 201:
        ok(response, 201)
    else:
        problem(response, status)
        assert row_counts(world["tenant"]) == before


def test_a_manager_may_not_take_steps(client, world, row_counts, subtests):
    referral = ok(refer(client, world), 201)
    before = row_counts(world["tenant"])
    for step in STEPS:
        with subtests.test(step=step):
            problem(take(client, world, referral["id"], step, headers=world["tenant"].headers["manager"]), 403)
            assert row_counts(world["tenant"]) == before


@pytest.mark.parametrize("missing", ["vacancy", "trainee", "other-organisations-trainee"])
def test_unknown_ids_are_404(client, world, other_tenant, row_counts, missing):
    trainee_id = vacancy_id = None
    if missing == "vacancy":
        vacancy_id = random_id()
    elif missing == "trainee":
        trainee_id = random_id()
    else:
        trainee_id = ok(client.post(url("/trainees"), json=factories.trainee_body(),
                                    headers=other_tenant.headers["caseworker"]), 201)["id"]
    before = row_counts(world["tenant"])
    body = problem(refer(client, world, vacancy_id=vacancy_id, trainee_id=trainee_id), 404)
    assert body["detail"] == ("Vacancy not found." if missing == "vacancy" else "Trainee not found.")
    assert row_counts(world["tenant"]) == before
    for step in STEPS:
        problem(take(client, world, random_id(), step), 404)


def test_list_filters(client, world):
    employer, caseworker = world["employer"], world["tenant"].headers["caseworker"]
    other_vacancy = ok(client.post(url("/vacancies"), json=vacancy_body(), headers=employer.headers), 201)
    second_trainee = ok(client.post(url("/trainees"), json=factories.trainee_body(), headers=caseworker), 201)
    first = ok(refer(client, world), 201)
    second = ok(refer(client, world, vacancy_id=other_vacancy["id"]), 201)
    third = ok(refer(client, world, trainee_id=second_trainee["id"]), 201)
    ok(take(client, world, second["id"], "interview"))

    def listed(**query):
        return ids(ok(client.get(url("/referrals"), query_string=query, headers=caseworker)))

    assert listed() == [first["id"], second["id"], third["id"]]
    assert listed(vacancy_id=employer.vacancy["id"]) == [first["id"], third["id"]]
    assert listed(trainee_id=world["trainee"]["id"]) == [first["id"], second["id"]]
    assert listed(status="interviewing") == [second["id"]]
    assert listed(status="hired") == []
    assert listed(employer_id=employer.employer["id"], status="referred") == [first["id"], third["id"]]
    assert listed(employer_id=random_id()) == []
    page = ok(client.get(url("/referrals"), query_string={"limit": 2}, headers=employer.headers))
    rest = ok(client.get(url("/referrals"), query_string={"cursor": page["next_cursor"]}, headers=employer.headers))
    assert ids(page) + ids(rest) == [first["id"], second["id"], third["id"]]
    problem(client.get(url("/referrals"), query_string={"status": "open"}, headers=caseworker), 422)
