"""The README walk-through of the employer side: refer, interview, hire, see the placement."""

from tests import factories


def test_refer_interview_hire_and_follow_up(client, tenant, programme):
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    employer = client.post("/api/v1/employers", headers=caseworker, json={
        "name": "Ege Lokantası", "tax_number": "1234567890", "sector": "I56", "district": "Konak"})
    assert employer.status_code == 201, employer.get_json()
    employer_id = employer.get_json()["id"]
    user = client.post("/api/v1/users", headers=admin, json={
        "email": "hr@ege.example", "role": "employer", "employer_id": employer_id})
    assert user.status_code == 201, user.get_json()
    hr = {"Authorization": f"Bearer {user.get_json()['token']}"}

    vacancy = client.post("/api/v1/vacancies", headers=hr, json={
        "title": "Commis cook", "occupation": "5120", "positions": 1, "wage_monthly": "28500.00",
        "currency": "TRY", "contract_type": "permanent", "district": "Konak", "closes_on": "2026-12-31"})
    assert vacancy.status_code == 201, vacancy.get_json()
    assert vacancy.get_json()["employer_id"] == employer_id
    vacancy_id = vacancy.get_json()["id"]

    enrolment = client.post("/api/v1/enrolments", headers=caseworker, json=factories.enrolment_body(
        programme["trainee"]["id"], programme["project"]["id"], cohort_id=programme["cohort"]["id"])).get_json()
    referral = client.post(f"/api/v1/vacancies/{vacancy_id}/referrals", headers=caseworker,
                           json={"trainee_id": programme["trainee"]["id"], "note": "Strong practical exam."})
    assert referral.status_code == 201, referral.get_json()
    referral_id = referral.get_json()["id"]

    seen = client.get("/api/v1/referrals", headers=hr).get_json()["items"]
    assert [r["id"] for r in seen] == [referral_id]
    assert seen[0]["trainee"] == {"given_name": "Ayşe", "family_name_initial": "Y.",
                                  "cohort": programme["cohort"]["name"], "occupation": "5120"}
    assert "trainee_id" not in seen[0] and "note" not in seen[0]

    assert client.post(f"/api/v1/referrals/{referral_id}/interview", headers=hr).status_code == 200
    hired = client.post(f"/api/v1/referrals/{referral_id}/hire", headers=hr, json={
        "started_on": "2026-07-01", "wage_monthly": 28500, "currency": "TRY", "hours_per_week": 45,
        "contract_type": "permanent", "formal": True})
    assert hired.status_code == 200, hired.get_json()
    assert hired.get_json()["status"] == "hired"
    placement_id = hired.get_json()["placement_id"]

    placement = client.get(f"/api/v1/placements/{placement_id}", headers=caseworker).get_json()
    assert placement["trainee_id"] == programme["trainee"]["id"]
    assert placement["wage_monthly"] == "28500.00" and placement["formal"] is True
    assert client.get(f"/api/v1/vacancies/{vacancy_id}", headers=hr).get_json()["status"] == "filled"

    client.post(f"/api/v1/enrolments/{enrolment['id']}/complete", headers=caseworker,
                json={"exited_on": "2026-06-30", "qualification_gained": True})
    follow_ups = client.get(f"/api/v1/follow-ups?enrolment_id={enrolment['id']}", headers=caseworker).get_json()
    assert sorted((f["checkpoint"], f["due_on"]) for f in follow_ups["items"]) == [
        ("exit", "2026-06-30"), ("month_12", "2027-06-30"), ("month_6", "2026-12-29")]
    exit_checkpoint = next(f for f in follow_ups["items"] if f["checkpoint"] == "exit")
    recorded = client.post(f"/api/v1/follow-ups/{exit_checkpoint['id']}", headers=caseworker, json={
        "status": "recorded", "employment_status": "employed", "wage_monthly": "28500", "currency": "TRY",
        "observed_on": "2026-07-10"})  # the day the status refers to: within four weeks of leaving
    assert recorded.status_code == 200, recorded.get_json()
    assert recorded.get_json()["status"] == "recorded" and recorded.get_json()["source"] == "caseworker"

    ended = client.post(f"/api/v1/placements/{placement_id}/end", headers=hr,
                        json={"ended_on": "2026-10-31", "reason": "resigned"})
    assert ended.status_code == 200 and ended.get_json()["ended_on"] == "2026-10-31"
    assert "trainee_id" not in ended.get_json()
