"""`/enrolments`: enrolling trainees in projects and cohorts, and their exits."""

import uuid

import pytest

from tests import factories
from tests.api.helpers import create_cohort, create_project, enrol, ids, ok, problem, random_id, register_trainee, url

COMPLETE = {"exited_on": "2026-06-30", "qualification_gained": True}
DROP_OUT = {"exited_on": "2026-04-15", "reason": "found_job"}


def _enrol(client, headers, trainee_id, project_id, **overrides):
    return client.post(url("/enrolments"), json=factories.enrolment_body(trainee_id, project_id, **overrides),
                       headers=headers)


def _exit(client, headers, enrolment_id, action, body):
    return client.post(url(f"/enrolments/{enrolment_id}/{action}"), json=body, headers=headers)


def _enrolments(client, headers, **params) -> list[dict]:
    return ok(client.get(url("/enrolments"), query_string={"limit": 200, **params}, headers=headers))["items"]


@pytest.mark.parametrize("role", ["admin", "caseworker"])
def test_enrol_a_trainee_in_a_cohort(client, tenant, programme, role):
    headers = tenant.headers[role]
    trainee, project, cohort = programme["trainee"], programme["project"], programme["cohort"]
    created = ok(_enrol(client, headers, trainee["id"], project["id"], cohort_id=cohort["id"]), 201)
    assert (created["trainee_id"], created["project_id"], created["cohort_id"]) == (
        trainee["id"], project["id"], cohort["id"])
    assert created["status"] == "enrolled" and created["enrolled_on"] == "2026-03-01"
    assert created["exited_on"] is None and created["exit_reason"] is None
    assert created["qualification_gained"] is None
    for reader in ("admin", "caseworker", "manager"):
        assert ok(client.get(url(f"/enrolments/{created['id']}"), headers=tenant.headers[reader])) == created


def test_a_cohort_is_optional(client, tenant, programme):
    created = enrol(client, tenant.headers["caseworker"], programme["trainee"]["id"], programme["project"]["id"])
    assert created["cohort_id"] is None


def test_the_trainee_must_be_at_least_15_on_the_enrolment_date(client, tenant, programme):
    caseworker, project_id = tenant.headers["caseworker"], programme["project"]["id"]
    young = register_trainee(client, caseworker, birth_date="2011-03-02")  # 15 on 2026-03-02
    body = problem(_enrol(client, caseworker, young["id"], project_id, enrolled_on="2026-03-01"), 422)
    assert "enrolled_on" in body["errors"]
    assert _enrolments(client, caseworker) == []
    on_the_birthday = enrol(client, caseworker, young["id"], project_id, enrolled_on="2026-03-02")
    assert on_the_birthday["status"] == "enrolled"


def test_one_open_enrolment_per_trainee_and_project(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    trainee_id, project_id = programme["trainee"]["id"], programme["project"]["id"]
    first = enrol(client, caseworker, trainee_id, project_id)
    body = problem(_enrol(client, caseworker, trainee_id, project_id, enrolled_on="2026-04-01"), 409)
    assert body["existing_enrolment_id"] == first["id"]
    assert ids({"items": _enrolments(client, caseworker)}) == [first["id"]]

    other_project = create_project(client, tenant.headers["admin"])
    enrol(client, caseworker, trainee_id, other_project["id"])  # another project is fine

    ok(_exit(client, caseworker, first["id"], "complete", COMPLETE))
    again = enrol(client, caseworker, trainee_id, project_id, enrolled_on="2026-09-01")
    assert again["id"] != first["id"] and again["status"] == "enrolled"
    assert len(_enrolments(client, caseworker, trainee_id=trainee_id, project_id=project_id)) == 2


def test_a_full_cohort_refuses_and_a_drop_out_frees_a_place(client, tenant, programme):
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    project_id = programme["project"]["id"]
    cohort = create_cohort(client, admin, project_id, capacity=2)
    first, second, third = (register_trainee(client, caseworker) for _ in range(3))
    in_first = enrol(client, caseworker, first["id"], project_id, cohort_id=cohort["id"])
    in_second = enrol(client, caseworker, second["id"], project_id, cohort_id=cohort["id"])

    full = problem(_enrol(client, caseworker, third["id"], project_id, cohort_id=cohort["id"]), 409)
    assert full["cohort_id"] == cohort["id"]
    assert len(_enrolments(client, caseworker, cohort_id=cohort["id"])) == 2

    ok(_exit(client, caseworker, in_second["id"], "complete", COMPLETE))  # a completer keeps the place
    problem(_enrol(client, caseworker, third["id"], project_id, cohort_id=cohort["id"]), 409)

    ok(_exit(client, caseworker, in_first["id"], "drop-out", DROP_OUT))
    joined = enrol(client, caseworker, third["id"], project_id, cohort_id=cohort["id"])
    assert joined["cohort_id"] == cohort["id"]


def test_the_cohort_must_belong_to_the_project(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    other_project = create_project(client, tenant.headers["admin"])
    body = problem(_enrol(client, caseworker, programme["trainee"]["id"], other_project["id"],
                          cohort_id=programme["cohort"]["id"]), 422)
    assert "cohort_id" in body["errors"]
    assert _enrolments(client, caseworker) == []


def test_unknown_trainee_project_or_cohort_is_not_found(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    trainee_id, project_id = programme["trainee"]["id"], programme["project"]["id"]
    assert "Trainee" in problem(_enrol(client, caseworker, random_id(), project_id), 404)["detail"]
    assert "Project" in problem(_enrol(client, caseworker, trainee_id, random_id()), 404)["detail"]
    assert "Cohort" in problem(_enrol(client, caseworker, trainee_id, project_id, cohort_id=random_id()),
                               404)["detail"]
    assert _enrolments(client, caseworker) == []


def test_enrolling_after_the_project_ended_is_refused(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on="2025-01-01", ends_on="2025-12-31")
    body = problem(_enrol(client, caseworker, programme["trainee"]["id"], project["id"], enrolled_on="2026-01-01"),
                   422)
    assert "enrolled_on" in body["errors"]


def test_a_cohort_that_ended_before_the_enrolment_date_is_refused(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    trainee_id, project_id = programme["trainee"]["id"], programme["project"]["id"]
    cohort_id = programme["cohort"]["id"]  # runs until 2026-06-30
    refused = _enrol(client, {**caseworker, "Accept-Language": "sv"}, trainee_id, project_id, cohort_id=cohort_id,
                     enrolled_on="2026-07-01")
    body = problem(refused, 422)
    assert body["errors"]["cohort_id"] == ["Kursomgången avslutades 2026-06-30, före inskrivningsdatumet."]
    assert _enrolments(client, caseworker) == []
    enrol(client, caseworker, trainee_id, project_id, cohort_id=cohort_id, enrolled_on="2026-06-30")


@pytest.mark.parametrize("role", ["admin", "caseworker"])
def test_complete(client, tenant, programme, role):
    headers = tenant.headers[role]
    enrolment = enrol(client, headers, programme["trainee"]["id"], programme["project"]["id"])
    done = ok(_exit(client, headers, enrolment["id"], "complete", COMPLETE))
    assert done["id"] == enrolment["id"]
    assert (done["status"], done["exited_on"], done["qualification_gained"], done["exit_reason"]) == (
        "completed", "2026-06-30", True, "completed_course")
    assert ok(client.get(url(f"/enrolments/{enrolment['id']}"), headers=tenant.headers["manager"])) == done


def test_complete_without_a_qualification(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    enrolment = enrol(client, caseworker, programme["trainee"]["id"], programme["project"]["id"])
    done = ok(_exit(client, caseworker, enrolment["id"], "complete",
                    {"exited_on": "2026-03-01", "qualification_gained": False}))
    assert (done["status"], done["qualification_gained"], done["exited_on"]) == ("completed", False, "2026-03-01")


@pytest.mark.parametrize("role", ["admin", "caseworker"])
def test_drop_out(client, tenant, programme, role):
    headers = tenant.headers[role]
    enrolment = enrol(client, headers, programme["trainee"]["id"], programme["project"]["id"])
    dropped = ok(_exit(client, headers, enrolment["id"], "drop-out", {"exited_on": "2026-04-15", "reason": "health"}))
    assert (dropped["status"], dropped["exited_on"], dropped["exit_reason"], dropped["qualification_gained"]) == (
        "dropped_out", "2026-04-15", "health", False)
    assert ok(client.get(url(f"/enrolments/{enrolment['id']}"), headers=headers)) == dropped


@pytest.mark.parametrize("first, second", [
    (("complete", COMPLETE), ("complete", COMPLETE)),
    (("complete", COMPLETE), ("drop-out", DROP_OUT)),
    (("drop-out", DROP_OUT), ("complete", COMPLETE)),
    (("drop-out", DROP_OUT), ("drop-out", DROP_OUT)),
])
def test_an_exited_enrolment_cannot_exit_again(client, tenant, programme, first, second):
    caseworker = tenant.headers["caseworker"]
    enrolment = enrol(client, caseworker, programme["trainee"]["id"], programme["project"]["id"])
    exited = ok(_exit(client, caseworker, enrolment["id"], *first))
    body = problem(_exit(client, caseworker, enrolment["id"], *second), 409)
    assert body["current_status"] == exited["status"]
    assert ok(client.get(url(f"/enrolments/{enrolment['id']}"), headers=caseworker)) == exited


@pytest.mark.parametrize("action, body", [
    ("complete", {"exited_on": "2026-02-28", "qualification_gained": True}),
    ("drop-out", {"exited_on": "2026-02-28", "reason": "moved_away"}),
])
def test_an_exit_before_the_entry_is_refused(client, tenant, programme, action, body):
    caseworker = tenant.headers["caseworker"]
    enrolment = enrol(client, caseworker, programme["trainee"]["id"], programme["project"]["id"])
    assert "exited_on" in problem(_exit(client, caseworker, enrolment["id"], action, body), 422)["errors"]
    assert ok(client.get(url(f"/enrolments/{enrolment['id']}"), headers=caseworker)) == enrolment


@pytest.mark.parametrize("action, body, field", [
    ("complete", {"exited_on": "2026-06-30"}, "qualification_gained"),
    ("complete", {"exited_on": "2026-06-30", "qualification_gained": "yes"}, "qualification_gained"),
    ("drop-out", {"exited_on": "2026-06-30"}, "reason"),
    ("drop-out", {"exited_on": "2026-06-30", "reason": "completed_course"}, "reason"),
    ("drop-out", {"exited_on": "2026-06-30", "reason": "bored"}, "reason"),
    ("drop-out", {"reason": "health"}, "exited_on"),
])
def test_invalid_exit_bodies_are_refused(client, tenant, programme, action, body, field):
    caseworker = tenant.headers["caseworker"]
    enrolment = enrol(client, caseworker, programme["trainee"]["id"], programme["project"]["id"])
    assert field in problem(_exit(client, caseworker, enrolment["id"], action, body), 422)["errors"]
    assert ok(client.get(url(f"/enrolments/{enrolment['id']}"), headers=caseworker))["status"] == "enrolled"


def test_exits_of_an_unknown_enrolment_are_not_found(client, tenant):
    caseworker = tenant.headers["caseworker"]
    problem(_exit(client, caseworker, random_id(), "complete", COMPLETE), 404)
    problem(_exit(client, caseworker, random_id(), "drop-out", DROP_OUT), 404)
    problem(client.get(url(f"/enrolments/{random_id()}"), headers=caseworker), 404)


def test_managers_read_but_do_not_enrol_or_exit(client, tenant, programme):
    manager, caseworker = tenant.headers["manager"], tenant.headers["caseworker"]
    trainee_id, project_id = programme["trainee"]["id"], programme["project"]["id"]
    problem(_enrol(client, manager, trainee_id, project_id), 403)
    enrolment = enrol(client, caseworker, trainee_id, project_id)
    problem(_exit(client, manager, enrolment["id"], "complete", COMPLETE), 403)
    problem(_exit(client, manager, enrolment["id"], "drop-out", DROP_OUT), 403)
    assert _enrolments(client, manager) == [enrolment]


def test_list_filters(client, tenant, programme):
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    project_a, cohort_a = programme["project"], programme["cohort"]
    project_b = create_project(client, admin)
    ayse, mehmet = programme["trainee"], register_trainee(client, caseworker, given_name="Mehmet", sex="male")

    a1 = enrol(client, caseworker, ayse["id"], project_a["id"], cohort_id=cohort_a["id"], enrolled_on="2026-03-01")
    a2 = enrol(client, caseworker, mehmet["id"], project_a["id"], enrolled_on="2026-04-10")
    b1 = enrol(client, caseworker, ayse["id"], project_b["id"], enrolled_on="2026-05-20")
    ok(_exit(client, caseworker, a2["id"], "drop-out", {"exited_on": "2026-05-01", "reason": "moved_away"}))
    ok(_exit(client, caseworker, b1["id"], "complete", {"exited_on": "2026-08-01", "qualification_gained": True}))

    def listed(**params) -> set[str]:
        return {e["id"] for e in _enrolments(client, tenant.headers["manager"], **params)}

    assert listed() == {a1["id"], a2["id"], b1["id"]}
    assert listed(project_id=project_a["id"]) == {a1["id"], a2["id"]}
    assert listed(project_id=project_b["id"]) == {b1["id"]}
    assert listed(cohort_id=cohort_a["id"]) == {a1["id"]}
    assert listed(trainee_id=ayse["id"]) == {a1["id"], b1["id"]}
    assert listed(trainee_id=mehmet["id"]) == {a2["id"]}
    assert listed(status="enrolled") == {a1["id"]}
    assert listed(status="dropped_out") == {a2["id"]}
    assert listed(status="completed") == {b1["id"]}
    assert listed(enrolled_from="2026-04-10") == {a2["id"], b1["id"]}  # inclusive
    assert listed(enrolled_to="2026-04-10") == {a1["id"], a2["id"]}  # inclusive
    assert listed(enrolled_from="2026-03-02", enrolled_to="2026-05-19") == {a2["id"]}
    assert listed(project_id=project_a["id"], status="enrolled", trainee_id=ayse["id"]) == {a1["id"]}
    assert listed(project_id=random_id()) == set()


@pytest.mark.parametrize("params", [{"status": "graduated"}, {"enrolled_from": "yesterday"},
                                    {"project_id": "P1"}, {"sex": "female"}])
def test_invalid_list_filters_are_refused(client, tenant, params):
    problem(client.get(url("/enrolments"), query_string=params, headers=tenant.headers["caseworker"]), 422)


# --- the person as at entry ------------------------------------------------------------------------------

AT_ENTRY_KEYS = ("labour_status", "age", "education_level", "settlement_type", "vulnerable_groups", "citizenship")


def _person(client, headers, **overrides) -> dict:
    return register_trainee(client, headers, birth_date="2000-03-02", labour_status="long_term_unemployed",
                            education_level="lower_secondary", settlement_type="rural",
                            vulnerable_groups=["refugee", "disability"], citizenship="SY", **overrides)


def test_an_enrolment_keeps_the_person_as_at_entry(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    person = _person(client, caseworker)
    created = enrol(client, caseworker, person["id"], programme["project"]["id"], enrolled_on="2026-03-01")
    assert created["at_entry"] == {"labour_status": "long_term_unemployed", "age": 25,  # 26 on 2 March
                                   "education_level": "lower_secondary", "settlement_type": "rural",
                                   "vulnerable_groups": ["disability", "refugee"], "citizenship": "SY"}
    assert created["labour_status_at_entry"] == "long_term_unemployed"


def test_the_labour_status_at_entry_may_be_given_at_enrolment(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    person = _person(client, caseworker)
    created = enrol(client, caseworker, person["id"], programme["project"]["id"], labour_status_at_entry="employed")
    assert (created["labour_status_at_entry"], created["at_entry"]["labour_status"]) == ("employed", "employed")
    assert ok(client.get(url(f"/trainees/{person['id']}"), headers=caseworker))["labour_status"] == (
        "long_term_unemployed")  # the person's own status is not changed by it
    bad = problem(_enrol(client, caseworker, person["id"], create_project(client, tenant.headers["admin"])["id"],
                         labour_status_at_entry="retired"), 422)
    assert list(bad["errors"]) == ["labour_status_at_entry"]


def test_editing_the_person_changes_open_enrolments_and_not_closed_ones(client, tenant, programme):
    caseworker, admin = tenant.headers["caseworker"], tenant.headers["admin"]
    person = _person(client, caseworker)
    closed = enrol(client, caseworker, person["id"], programme["project"]["id"], enrolled_on="2026-03-01")
    ok(_exit(client, caseworker, closed["id"], "complete", COMPLETE))
    closed = ok(client.get(url(f"/enrolments/{closed['id']}"), headers=caseworker))
    other_project = create_project(client, admin)
    open_ = enrol(client, caseworker, person["id"], other_project["id"], enrolled_on="2026-07-01")
    assert open_["at_entry"]["age"] == 26

    ok(client.patch(url(f"/trainees/{person['id']}"), headers=caseworker, json={
        "labour_status": "employed", "education_level": "upper_secondary", "settlement_type": "urban",
        "vulnerable_groups": ["housing_exclusion"], "citizenship": "TR", "district": "Konak"}))

    assert ok(client.get(url(f"/enrolments/{open_['id']}"), headers=caseworker))["at_entry"] == {
        "labour_status": "employed", "age": 26, "education_level": "upper_secondary", "settlement_type": "urban",
        "vulnerable_groups": ["housing_exclusion"], "citizenship": "TR"}
    assert ok(client.get(url(f"/enrolments/{closed['id']}"), headers=caseworker)) == closed
    # A field not edited leaves the open enrolment's value alone (here: a labour status given at entry).
    third = enrol(client, caseworker, person["id"], create_project(client, admin)["id"],
                  labour_status_at_entry="inactive")
    ok(client.patch(url(f"/trainees/{person['id']}"), headers=caseworker, json={"district": "Buca"}))
    assert ok(client.get(url(f"/enrolments/{third['id']}"), headers=caseworker))["labour_status_at_entry"] == (
        "inactive")


def _correct(client, headers, enrolment_id, **body):
    return client.post(url(f"/enrolments/{enrolment_id}/correct-entry"), json=body, headers=headers)


def _audit(client, tenant, entity_id) -> list[dict]:
    return ok(client.get(url("/audit"), query_string={"entity_id": entity_id}, headers=tenant.headers["admin"]))[
        "items"]


@pytest.mark.parametrize("role", ["caseworker", "admin"])
def test_a_closed_enrolment_is_corrected_with_a_reason_in_the_audit(client, tenant, programme, pathways, role):
    from sqlalchemy import select

    from service.db.models import OutboxMessage

    caseworker = tenant.headers["caseworker"]
    person = _person(client, caseworker)
    enrolment = enrol(client, caseworker, person["id"], programme["project"]["id"])
    ok(_exit(client, caseworker, enrolment["id"], "drop-out", DROP_OUT))
    before = ok(client.get(url(f"/enrolments/{enrolment['id']}"), headers=caseworker))

    corrected = ok(_correct(client, tenant.headers[role], enrolment["id"], labour_status="unemployed", age=26,
                            vulnerable_groups=["refugee"], citizenship=None, education_level="lower_secondary",
                            reason="The registration form of March said unemployed for 4 months; typed wrong."))

    assert corrected["at_entry"] == {**before["at_entry"], "labour_status": "unemployed", "age": 26,
                                     "vulnerable_groups": ["refugee"], "citizenship": None}
    assert corrected["labour_status_at_entry"] == "unemployed"
    assert {k: v for k, v in corrected.items() if k not in ("at_entry", "labour_status_at_entry", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("at_entry", "labour_status_at_entry", "updated_at")}
    entries = [e for e in _audit(client, tenant, enrolment["id"]) if e["action"] == "correct"]
    assert len(entries) == 1
    assert entries[0]["actor_id"] == tenant.user_ids[role]
    assert entries[0]["changes"] == {  # the education level given was the same: not a change
        "labour_status_at_entry": ["long_term_unemployed", "unemployed"], "age_at_entry": [25, 26],
        "vulnerable_groups_at_entry": "(changed)", "citizenship_at_entry": "(changed)",  # personal: no values
        "reason": "The registration form of March said unemployed for 4 months; typed wrong."}
    with pathways.session_factory() as session:
        [event] = session.scalars(select(OutboxMessage.envelope).where(
            OutboxMessage.type == "enrolment.entry_corrected",
            OutboxMessage.organisation_id == uuid.UUID(tenant.organisation_id))).all()
    assert event["data"] == {"enrolment_id": enrolment["id"], "trainee_id": person["id"],
                             "project_id": programme["project"]["id"],
                             "corrected": ["age", "citizenship", "labour_status", "vulnerable_groups"]}
    # The person is not changed by a correction of a participation.
    assert ok(client.get(url(f"/trainees/{person['id']}"), headers=caseworker))["citizenship"] == "SY"


def test_an_open_enrolment_may_be_corrected_too(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    enrolment = enrol(client, caseworker, _person(client, caseworker)["id"], programme["project"]["id"])
    corrected = ok(_correct(client, caseworker, enrolment["id"], settlement_type="urban", reason="Moved before."))
    assert corrected["at_entry"]["settlement_type"] == "urban" and corrected["status"] == "enrolled"


BAD_CORRECTIONS = {
    "no-reason": ({"age": 30}, ["reason"]),
    "blank-reason": ({"age": 30, "reason": "  "}, ["reason"]),
    "reason-too-long": ({"age": 30, "reason": "x" * 501}, ["reason"]),
    "nothing-to-correct": ({"reason": "Because."}, ["_schema"]),
    "the-same-values": ({"labour_status": "long_term_unemployed", "reason": "Because."}, ["_schema"]),
    "unknown-labour-status": ({"labour_status": "retired", "reason": "Because."}, ["labour_status"]),
    "age-below-15": ({"age": 14, "reason": "Because."}, ["age"]),
    "age-as-text": ({"age": "30", "reason": "Because."}, ["age"]),
    "unknown-group": ({"vulnerable_groups": ["pirates"], "reason": "Because."}, ["vulnerable_groups"]),
    "not-a-country": ({"citizenship": "XX", "reason": "Because."}, ["citizenship"]),
    "unknown-field": ({"sex": "male", "reason": "Because."}, ["sex"]),
}


def test_bad_corrections_are_422_and_change_nothing(client, tenant, programme, subtests):
    caseworker = tenant.headers["caseworker"]
    enrolment = enrol(client, caseworker, _person(client, caseworker)["id"], programme["project"]["id"])
    for name, (body, fields) in BAD_CORRECTIONS.items():
        with subtests.test(name):
            assert sorted(problem(_correct(client, caseworker, enrolment["id"], **body), 422)["errors"]) == fields
    assert ok(client.get(url(f"/enrolments/{enrolment['id']}"), headers=caseworker)) == enrolment
    assert [e for e in _audit(client, tenant, enrolment["id"]) if e["action"] == "correct"] == []


def test_who_may_correct_and_whose(client, tenant, other_tenant, programme):
    from tests.api.helpers import create_employer_user

    caseworker = tenant.headers["caseworker"]
    enrolment = enrol(client, caseworker, _person(client, caseworker)["id"], programme["project"]["id"])
    body = {"age": 40, "reason": "Checked the identity card."}
    problem(_correct(client, tenant.headers["manager"], enrolment["id"], **body), 403)
    problem(_correct(client, create_employer_user(client, tenant), enrolment["id"], **body), 403)
    problem(_correct(client, {}, enrolment["id"], **body), 401)
    problem(_correct(client, other_tenant.headers["admin"], enrolment["id"], **body), 404)
    problem(_correct(client, caseworker, random_id(), **body), 404)
    assert ok(client.get(url(f"/enrolments/{enrolment['id']}"), headers=caseworker)) == enrolment
