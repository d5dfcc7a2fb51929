"""The walk of the README: bootstrap, register, enrol, complete."""

from tests import factories


def test_register_enrol_complete(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    body = factories.enrolment_body(programme["trainee"]["id"], programme["project"]["id"],
                                    cohort_id=programme["cohort"]["id"])
    created = client.post("/api/v1/enrolments", json=body, headers=caseworker)
    assert created.status_code == 201, created.get_json()
    enrolment = created.get_json()
    assert enrolment["status"] == "enrolled"

    done = client.post(f"/api/v1/enrolments/{enrolment['id']}/complete",
                       json={"exited_on": "2026-06-30", "qualification_gained": True}, headers=caseworker)
    assert done.status_code == 200
    assert done.get_json()["status"] == "completed"
    assert done.get_json()["exited_on"] == "2026-06-30"
