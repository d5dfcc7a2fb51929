"""Consent with a version and withdrawal (issue 18, item 1; SPEC section 7 "Personal data"): registration records
the organisation's current consent text; a published version reaches new registrations only; a withdrawal takes
the person's follow-ups out of the worklist and the person away from employers, in one step."""

from __future__ import annotations

from service.domain.roles import Role
from service.services import caseload, employer_desk, users
from tests import factories
from tests.api.conftest import build_employer, ok, problem, url, vacancy_body


def _consent(client, tenant, trainee_id):
    return ok(client.get(url(f"/trainees/{trainee_id}/consent"), headers=tenant.headers[Role.CASEWORKER]))


def _principal(client, headers):
    pathways = client.application.extensions["pathways"]
    return pathways, users.authenticate(pathways.uow(), headers["Authorization"][len("Bearer "):])


def test_registration_records_the_current_version_and_a_new_one_reaches_new_people_only(client, tenant):
    caseworker, admin = tenant.headers[Role.CASEWORKER], tenant.headers[Role.ADMIN]
    first = ok(client.post(url("/trainees"), json=factories.trainee_body(), headers=caseworker), 201)
    held = _consent(client, tenant, first["id"])
    assert held["version"] == 0 and held["purposes"] == ["programme", "follow_up_contact", "employer_sharing"]
    assert held["given_by"] == tenant.user_ids[Role.CASEWORKER] and held["withdrawn"] == []
    listed = ok(client.get(url("/organisation/consent-texts"), query_string={"language": "tr"}, headers=caseworker))
    assert listed["current"]["default"] is True and "Organisation" in listed["current"]["text"]
    assert listed["current"]["language"] == "tr" and listed["items"] == []

    published = ok(client.post(url("/organisation/consent-texts"), headers=admin, json={
        "texts": {"en": "I agree to take part.", "tr": "Programa katılmayı kabul ediyorum."},
        "purposes": ["programme", "follow_up_contact"]}), 201)
    assert {item["version"] for item in published["items"]} == {1}
    second = ok(client.post(url("/trainees"), headers=caseworker, json=factories.trainee_body(
        given_name="Mehmet", family_name="Demir", sex="male", consent_language="tr")), 201)
    now = _consent(client, tenant, second["id"])
    assert (now["version"], now["language"]) == (1, "tr")
    assert now["purposes"] == ["programme", "follow_up_contact"]
    assert _consent(client, tenant, first["id"])["version"] == 0  # the old person keeps theirs
    # A purpose the current text does not ask for is refused; programme is required.
    for purposes in (["programme", "employer_sharing"], ["follow_up_contact"]):
        problem(client.post(url("/trainees"), headers=caseworker, json=factories.trainee_body(
            given_name="Elif", family_name="Kaya", consent_purposes=purposes)), 422)


def test_only_an_admin_publishes_and_other_organisations_answer_404(client, tenant, other_tenant):
    body = {"texts": {"en": "I agree."}}
    problem(client.post(url("/organisation/consent-texts"), json=body, headers=tenant.headers[Role.CASEWORKER]), 403)
    problem(client.post(url("/organisation/consent-texts"), json={"texts": {}}, headers=tenant.headers[Role.ADMIN]),
            422)
    trainee = ok(client.post(url("/trainees"), json=factories.trainee_body(),
                             headers=tenant.headers[Role.CASEWORKER]), 201)
    other = other_tenant.headers[Role.CASEWORKER]
    problem(client.get(url(f"/trainees/{trainee['id']}/consent"), headers=other), 404)
    problem(client.post(url(f"/trainees/{trainee['id']}/consent/withdraw"), json={"purposes": ["programme"]},
                        headers=other), 404)
    assert _consent(client, tenant, trainee["id"])["withdrawn"] == []


def test_withdrawing_follow_up_contact_takes_the_follow_ups_out_of_the_worklist(client, tenant, programme):
    caseworker = tenant.headers[Role.CASEWORKER]
    trainee = programme["trainee"]
    enrolment = ok(client.post(url("/enrolments"), headers=caseworker, json=factories.enrolment_body(
        trainee["id"], programme["project"]["id"], cohort_id=programme["cohort"]["id"])), 201)
    ok(client.post(url(f"/enrolments/{enrolment['id']}/complete"), headers=caseworker,
                   json={"exited_on": "2026-06-30", "qualification_gained": True}))
    pathways, principal = _principal(client, caseworker)

    def listed():
        return {row.trainee_id for row in caseload.worklist(pathways.uow(), principal,
                                                            caseload.Query(status=caseload.ALL)).rows}

    assert {str(person) for person in listed()} == {trainee["id"]}
    answer = ok(client.post(url(f"/trainees/{trainee['id']}/consent/withdraw"), headers=caseworker,
                            json={"purposes": ["follow_up_contact"]}))
    assert answer["withdrawn"] == ["follow_up_contact"] and answer["purposes"] == ["programme", "employer_sharing"]
    assert "stays" in answer["remains"] and answer["withdrawn_at"]
    assert listed() == set()

def test_the_follow_ups_list_leaves_out_people_who_withdrew_follow_up_contact(client, tenant, programme):
    caseworker = tenant.headers[Role.CASEWORKER]
    trainee = programme["trainee"]
    enrolment = ok(client.post(url("/enrolments"), headers=caseworker, json=factories.enrolment_body(
        trainee["id"], programme["project"]["id"], cohort_id=programme["cohort"]["id"])), 201)
    ok(client.post(url(f"/enrolments/{enrolment['id']}/complete"), headers=caseworker,
                   json={"exited_on": "2026-06-30", "qualification_gained": True}))
    before = ok(client.get(url("/follow-ups"), query_string={"trainee_id": trainee["id"]}, headers=caseworker))
    assert len(before["items"]) == 3
    ok(client.post(url(f"/trainees/{trainee['id']}/consent/withdraw"), headers=caseworker,
                   json={"purposes": ["follow_up_contact"]}))
    for query in ({"trainee_id": trainee["id"]}, {}, {"status": "due"}):
        assert ok(client.get(url("/follow-ups"), query_string=query, headers=caseworker))["items"] == []
    # The follow-ups themselves are unchanged (the figures count them as before: not recorded).
    kept = ok(client.get(url(f"/follow-ups/{before['items'][0]['id']}"), headers=caseworker))
    assert kept["status"] == before["items"][0]["status"]


def test_withdrawing_sharing_refuses_referrals_and_hides_the_person_from_the_employer(client, tenant, programme):
    caseworker = tenant.headers[Role.CASEWORKER]
    employer = build_employer(client, tenant)
    trainee = programme["trainee"]
    referral = ok(client.post(url(f"/vacancies/{employer.vacancy['id']}/referrals"), headers=caseworker,
                              json={"trainee_id": trainee["id"]}), 201)
    pathways, principal = _principal(client, employer.headers)
    assert employer_desk.inbox(pathways.uow(), principal).total == 1
    answer = ok(client.post(url(f"/trainees/{trainee['id']}/consent/withdraw"), headers=caseworker,
                            json={"purposes": ["employer_sharing"]}))
    assert answer["remains_codes"] == ["record_stays", "open_referrals_withdrawn"]
    assert "open referrals were withdrawn (1)" in answer["remains"]
    assert employer_desk.inbox(pathways.uow(), principal).total == 0
    assert employer_desk.counts(pathways.uow(), principal).open_referrals == 0
    assert ok(client.get(url("/referrals"), headers=employer.headers))["items"] == []
    problem(client.get(url(f"/referrals/{referral['id']}"), headers=employer.headers), 404)
    problem(client.post(url(f"/referrals/{referral['id']}/interview"), json={}, headers=employer.headers), 404)
    # The open referral was withdrawn in the same step, by the caseworker who withdrew the consent.
    assert ok(client.get(url(f"/referrals/{referral['id']}"), headers=caseworker))["status"] == "withdrawn"
    audited = ok(client.get(url("/audit"), query_string={"entity_id": referral["id"], "limit": 50},
                            headers=tenant.headers[Role.ADMIN]))["items"]
    assert any(entry["actor_id"] == tenant.user_ids[Role.CASEWORKER] and "status" in str(entry)
               for entry in audited if entry["action"] == "update")
    other_vacancy = ok(client.post(url("/vacancies"), headers=employer.headers, json=vacancy_body()), 201)
    refused = problem(client.post(url(f"/vacancies/{other_vacancy['id']}/referrals"), headers=caseworker,
                                  json={"trainee_id": trainee["id"]}), 409)
    assert "sharing with employers" in refused["detail"]


def test_patch_consent_false_withdraws_everything_and_true_does_not_give_it_back(client, tenant):
    caseworker = tenant.headers[Role.CASEWORKER]
    trainee = ok(client.post(url("/trainees"), json=factories.trainee_body(), headers=caseworker), 201)
    assert ok(client.patch(url(f"/trainees/{trainee['id']}"), json={"consent": True}, headers=caseworker))["consent"]
    changed = ok(client.patch(url(f"/trainees/{trainee['id']}"), json={"consent": False}, headers=caseworker))
    assert changed["consent"] is False
    held = _consent(client, tenant, trainee["id"])
    assert held["purposes"] == [] and held["withdrawn"] == ["programme", "follow_up_contact", "employer_sharing"]
    problem(client.patch(url(f"/trainees/{trainee['id']}"), json={"consent": True}, headers=caseworker), 422)
    withdrawn = ok(client.post(url(f"/trainees/{trainee['id']}/consent/withdraw"), headers=caseworker,
                               json={"purposes": ["programme"]}))
    assert "erase" in withdrawn["remains"] and withdrawn["purposes"] == []
    assert withdrawn["remains_codes"] == ["record_until_erased"]
    problem(client.post(url(f"/trainees/{trainee['id']}/consent/withdraw"), headers=tenant.headers[Role.MANAGER],
                        json={"purposes": ["programme"]}), 403)
