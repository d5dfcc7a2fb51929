"""`/audit`: every write leaves an entry naming actor, action, entity and changed fields."""

from datetime import datetime, timedelta, timezone

import pytest

from tests import factories
from tests.api.helpers import create_cohort, create_project, enrol, ok, problem, random_id, register_trainee, url


def _audit(client, tenant, **params) -> list[dict]:
    page = ok(client.get(url("/audit"), query_string={"limit": 200, **params}, headers=tenant.headers["admin"]))
    assert page["next_cursor"] is None
    return page["items"]


def _entries_for(client, tenant, entity_id: str) -> list[dict]:
    return _audit(client, tenant, entity_id=entity_id)


def _only(entries: list[dict], action: str) -> dict:
    matching = [e for e in entries if e["action"] == action]
    assert len(matching) == 1, entries
    return matching[0]


def test_organisation_settings_change(client, tenant):
    ok(client.patch(url("/organisation"), json={"reach_target": 1400, "min_cell_size": 7},
                    headers=tenant.headers["admin"]))
    entry = _only(_entries_for(client, tenant, tenant.organisation_id), "update")
    assert entry["entity_type"] == "organisations"
    assert entry["actor_id"] == tenant.user_ids["admin"]
    assert entry["changes"] == {"reach_target": [None, 1400], "min_cell_size": [5, 7]}
    assert entry["occurred_at"].endswith("+00:00")


def test_user_creation_and_removal_never_record_the_token(client, tenant):
    admin = tenant.headers["admin"]
    created = ok(client.post(url("/users"), json={"email": "new@example.org", "role": "manager"}, headers=admin), 201)
    assert client.delete(url(f"/users/{created['id']}"), headers=admin).status_code == 204
    entries = _entries_for(client, tenant, created["id"])
    assert [e["action"] for e in entries] == ["update", "create"]  # newest first
    creation, removal = entries[1], entries[0]
    assert creation["entity_type"] == removal["entity_type"] == "users"
    assert creation["actor_id"] == removal["actor_id"] == tenant.user_ids["admin"]
    assert creation["changes"]["email"] == "new@example.org" and creation["changes"]["role"] == "manager"
    assert removal["changes"]["active"] == [True, False]
    assert "token_hash" not in creation["changes"]
    assert removal["changes"]["token_hash"] == "[redacted]"  # revoked: said, never shown
    for entry in entries:
        assert created["token"] not in str(entry)


def test_project_and_cohort_writes(client, tenant):
    admin = tenant.headers["admin"]
    project = create_project(client, admin, code="AUD", reach_target=100)
    ok(client.patch(url(f"/projects/{project['id']}"), json={"name": "Renamed", "reach_target": 150}, headers=admin))
    cohort = create_cohort(client, admin, project["id"], capacity=9)

    update, creation = _entries_for(client, tenant, project["id"])
    assert (creation["action"], creation["entity_type"]) == ("create", "projects")
    assert creation["changes"]["code"] == "AUD" and creation["changes"]["reach_target"] == 100
    assert creation["changes"]["share_targets"] == project["share_targets"]
    assert (update["action"], update["changes"]) == ("update", {
        "name": [project["name"], "Renamed"], "reach_target": [100, 150]})

    cohort_entry = _only(_entries_for(client, tenant, cohort["id"]), "create")
    assert cohort_entry["entity_type"] == "cohorts"
    assert cohort_entry["changes"]["project_id"] == project["id"]
    assert cohort_entry["changes"]["capacity"] == 9
    assert {e["actor_id"] for e in (creation, update, cohort_entry)} == {tenant.user_ids["admin"]}


def test_trainee_writes_name_the_caseworker_and_never_the_national_id(client, tenant):
    caseworker = tenant.headers["caseworker"]
    national_id = factories.tckn()
    trainee = register_trainee(client, caseworker, national_id=national_id, district="Buca")
    ok(client.patch(url(f"/trainees/{trainee['id']}"), json={"district": "Konak", "phone": "+90 555 000 00 01"},
                    headers=caseworker))
    update, creation = _entries_for(client, tenant, trainee["id"])
    assert creation["entity_type"] == update["entity_type"] == "trainees"
    assert creation["actor_id"] == update["actor_id"] == tenant.user_ids["caseworker"]
    # Personal fields are named, never copied (issue 18): "(recorded)", "(changed)", and an update's keyed hashes.
    assert creation["action"] == "create" and creation["changes"]["given_name"] == "(recorded)"
    assert creation["changes"]["district"] == "(recorded)" and creation["changes"]["consent"] is True
    assert update["changes"] == {"district": "(changed)", "phone": "(changed)"}
    assert set(update["personal_hashes"]) == {"district", "phone"}
    assert all(old != new and old and new for old, new in update["personal_hashes"].values())
    for entry in (creation, update):
        assert not {"national_id", "national_id_hash", "national_id_ciphertext"} & set(entry["changes"])
        assert national_id not in str(entry)


def test_enrolment_and_its_exit(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    enrolment = enrol(client, caseworker, programme["trainee"]["id"], programme["project"]["id"],
                      cohort_id=programme["cohort"]["id"])
    ok(client.post(url(f"/enrolments/{enrolment['id']}/complete"),
                   json={"exited_on": "2026-06-30", "qualification_gained": True}, headers=caseworker))
    update, creation = _entries_for(client, tenant, enrolment["id"])
    assert creation["entity_type"] == "enrolments" and creation["action"] == "create"
    assert creation["actor_id"] == update["actor_id"] == tenant.user_ids["caseworker"]
    assert creation["changes"]["status"] == "enrolled"
    assert creation["changes"]["trainee_id"] == programme["trainee"]["id"]
    assert creation["changes"]["enrolled_on"] == "2026-03-01"
    assert update["changes"] == {"status": ["enrolled", "completed"], "exited_on": [None, "2026-06-30"],
                                 "exit_reason": [None, "completed_course"], "qualification_gained": [None, True]}


def test_a_drop_out_records_its_reason(client, tenant, programme):
    admin = tenant.headers["admin"]
    enrolment = enrol(client, admin, programme["trainee"]["id"], programme["project"]["id"])
    ok(client.post(url(f"/enrolments/{enrolment['id']}/drop-out"),
                   json={"exited_on": "2026-04-01", "reason": "family_care"}, headers=admin))
    update = _only(_entries_for(client, tenant, enrolment["id"]), "update")
    assert update["actor_id"] == tenant.user_ids["admin"]
    assert update["changes"]["status"] == ["enrolled", "dropped_out"]
    assert update["changes"]["exit_reason"] == [None, "family_care"]


def test_refused_writes_leave_no_entry(client, tenant, programme):
    admin, caseworker, manager = (tenant.headers[r] for r in ("admin", "caseworker", "manager"))
    before = _audit(client, tenant)
    problem(client.post(url("/trainees"), json=factories.trainee_body(consent=False), headers=caseworker), 422)
    problem(client.post(url("/projects"), json=factories.project_body(code=programme["project"]["code"]),
                        headers=admin), 409)
    problem(client.patch(url("/organisation"), json={"locale": "sv"}, headers=manager), 403)
    problem(client.patch(url(f"/trainees/{programme['trainee']['id']}"), json={"district": "X"}, headers=manager),
            403)
    assert _audit(client, tenant) == before


def test_entries_are_newest_first_and_a_patch_without_change_writes_none(client, tenant):
    admin = tenant.headers["admin"]
    project = create_project(client, admin)
    trainee = register_trainee(client, admin)
    ok(client.patch(url(f"/projects/{project['id']}"), json={"name": project["name"]}, headers=admin))  # no change
    ok(client.patch(url("/organisation"), json={"locale": "tr"}, headers=admin))
    entries = _audit(client, tenant)
    # The registration's national id is a document of its own (issue 15), audited with its number redacted.
    [document] = [e for e in entries if e["entity_type"] == "trainee_documents"]
    assert document["entity_id"] == trainee["documents"][0]["id"] and "number_hash" not in document["changes"]
    entries = [e for e in entries if e is not document]
    assert [(e["entity_type"], e["action"]) for e in entries[:3]] == [
        ("organisations", "update"), ("trainees", "create"), ("projects", "create")]
    assert [e["entity_id"] for e in entries[:3]] == [tenant.organisation_id, trainee["id"], project["id"]]
    times = [e["occurred_at"] for e in entries]
    assert [datetime.fromisoformat(t) for t in times] == sorted((datetime.fromisoformat(t) for t in times),
                                                                reverse=True)


def test_filters(client, tenant, programme):
    caseworker = tenant.headers["caseworker"]
    trainee = register_trainee(client, caseworker)
    project_id = programme["project"]["id"]

    trainees = _audit(client, tenant, entity_type="trainees")
    assert {e["entity_id"] for e in trainees} == {programme["trainee"]["id"], trainee["id"]}
    assert all(e["entity_type"] == "trainees" for e in trainees)

    assert [e["entity_id"] for e in _audit(client, tenant, entity_id=project_id)] == [project_id]

    by_caseworker = _audit(client, tenant, actor_id=tenant.user_ids["caseworker"])
    assert {e["entity_id"] for e in by_caseworker} == {trainee["id"], trainee["documents"][0]["id"]}
    assert _audit(client, tenant, entity_type="trainees", actor_id=tenant.user_ids["manager"]) == []

    now = datetime.now(timezone.utc)
    everything = _audit(client, tenant)
    assert _audit(client, tenant, since=(now - timedelta(hours=1)).isoformat()) == everything
    assert _audit(client, tenant, until=(now - timedelta(hours=1)).isoformat()) == []
    assert _audit(client, tenant, since=(now + timedelta(hours=1)).isoformat()) == []
    newest = everything[0]["occurred_at"]
    # A registration's trainee and document entries share their time (one flush).
    at_newest = [e["id"] for e in everything if e["occurred_at"] == newest]
    assert [e["id"] for e in _audit(client, tenant, since=newest)] == at_newest
    assert not set(at_newest) & {e["id"] for e in _audit(client, tenant, until=newest)}

    assert _audit(client, tenant, entity_id=random_id()) == []


@pytest.mark.parametrize("params", [{"since": "yesterday"}, {"since": "2026-01-01T00:00:00"},
                                    {"actor_id": "me"}, {"action": "create"}])
def test_invalid_filters_are_refused(client, tenant, params):
    problem(client.get(url("/audit"), query_string=params, headers=tenant.headers["admin"]), 422)


@pytest.mark.parametrize("role", ["caseworker", "manager"])
def test_only_admins_read_the_audit(client, tenant, role):
    problem(client.get(url("/audit"), headers=tenant.headers[role]), 403)


def test_another_organisations_entries_are_invisible(client, tenant, other_tenant):
    theirs = register_trainee(client, other_tenant.headers["caseworker"])
    assert _audit(client, tenant, entity_id=theirs["id"]) == []
    assert _audit(client, tenant, actor_id=other_tenant.user_ids["caseworker"]) == []
    mine = {e["entity_id"] for e in _audit(client, tenant)}
    assert theirs["id"] not in mine and other_tenant.organisation_id not in mine
    assert theirs["id"] in {e["entity_id"] for e in _audit(client, other_tenant)}
