"""Minimal copies and the cell-size guard rail (issue 18, items 3 and 9): audit entries name a person's
fields and keep keyed hashes, never the values; idempotency rows keep the replay sealed and go after 24 h;
the minimum cell size cannot go below 3, nor below 5 without a recorded reason."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlalchemy import select

from service.clock import utcnow
from service.db import retention
from service.db.models import AuditEntry, IdempotencyRecord
from tests import factories
from tests.api.helpers import enrol, ok, problem, register_trainee, url


def _raw_changes(pathways, organisation_id: str) -> list[str]:
    with pathways.session_factory() as session:
        return [json.dumps(changes, ensure_ascii=False) for changes in session.scalars(
            select(AuditEntry.changes).where(AuditEntry.organisation_id == uuid.UUID(organisation_id)))]


def test_no_audit_row_holds_a_persons_values_and_equal_values_hash_equal(client, tenant, pathways):
    caseworker, national_id = tenant.headers["caseworker"], factories.tckn()
    person = register_trainee(client, caseworker, given_name="Zübeyde", family_name="Karaçalı",
                              birth_date="1999-07-13", phone="+90 532 111 22 33", national_id=national_id)
    path = url(f"/trainees/{person['id']}")
    ok(client.patch(path, json={"given_name": "Zeynep", "phone": "+90 532 444 55 66", "labour_status": "employed"},
                    headers=caseworker))
    ok(client.patch(path, json={"phone": "+90 532 111 22 33"}, headers=caseworker))  # back to the first number

    rows = _raw_changes(pathways, tenant.organisation_id)
    for value in ("Zübeyde", "Karaçalı", "Zeynep", "1999-07-13", "+90 532 111 22 33", "+90 532 444 55 66",
                  national_id, "ayse@example.org"):
        assert not [row for row in rows if value in row], value
    entries = ok(client.get(url("/audit"), query_string={"entity_id": person["id"]},
                            headers=tenant.headers["admin"]))["items"]
    back, edit, creation = entries
    assert creation["changes"]["birth_date"] == "(recorded)" and creation["changes"]["consent"] is True
    assert edit["changes"] == {"given_name": "(changed)", "phone": "(changed)",
                               "labour_status": ["unemployed", "employed"]}  # not personal: old -> new
    assert back["personal_hashes"]["phone"] == edit["personal_hashes"]["phone"][::-1]  # the same value again


def test_a_status_change_still_shows_old_and_new(client, tenant, programme):
    admin = tenant.headers["admin"]
    enrolment = enrol(client, admin, programme["trainee"]["id"], programme["project"]["id"],
                      cohort_id=programme["cohort"]["id"])
    ok(client.post(url(f"/enrolments/{enrolment['id']}/complete"),
                   json={"exited_on": "2026-06-30", "qualification_gained": True}, headers=admin))
    [update] = [e for e in ok(client.get(url("/audit"), query_string={"entity_id": enrolment["id"]},
                                         headers=admin))["items"] if e["action"] == "update"]
    assert update["changes"]["status"] == ["enrolled", "completed"] and update["personal_hashes"] == {}


def test_the_audit_says_changed_in_the_readers_language(client, tenant):
    person = register_trainee(client, tenant.headers["caseworker"])
    ok(client.patch(url(f"/trainees/{person['id']}"), json={"phone": "+90 532 999 99 99"},
                    headers=tenant.headers["caseworker"]))
    said = {}
    for language in ("en", "tr", "sv", "es"):
        [entry, _created] = ok(client.get(url("/audit"), query_string={"entity_id": person["id"]},
                                          headers={**tenant.headers["admin"], "Accept-Language": language}))["items"]
        said[language] = entry["changes"]["phone"]
    assert said == {"en": "(changed)", "tr": "(değişti)", "sv": "(ändrad)", "es": "(modificado)"}


def test_an_idempotent_replay_works_with_its_body_sealed_and_old_rows_are_purged(client, tenant, pathways):
    headers = {**tenant.headers["caseworker"], "Idempotency-Key": f"reg-{uuid.uuid4()}"}
    body = factories.trainee_body(given_name="Nilüfer")
    first = client.post(url("/trainees"), json=body, headers=headers)
    again = client.post(url("/trainees"), json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    organisation_id, user_id = uuid.UUID(tenant.organisation_id), uuid.UUID(tenant.user_ids["caseworker"])
    with pathways.session_factory() as session:
        [stored] = session.scalars(select(IdempotencyRecord.response_body).where(
            IdempotencyRecord.organisation_id == organisation_id)).all()
        assert stored.startswith("sealed:") and "Nilüfer" not in stored and body["national_id"] not in stored
        old, recent = (IdempotencyRecord(organisation_id=organisation_id, user_id=user_id, key=f"k-{age}",
                                         fingerprint="f" * 64, status_code=201, response_body="{}",
                                         created_at=utcnow() - timedelta(hours=age)) for age in (25, 23))
        session.add_all([old, recent])
        session.commit()
        old_id, recent_id = old.id, recent.id
    assert retention.purge(pathways)["idempotency"] >= 1
    with pathways.session_factory() as session:
        kept = set(session.scalars(select(IdempotencyRecord.id).where(IdempotencyRecord.id.in_([old_id, recent_id]))))
    assert kept == {recent_id}


def test_the_minimum_cell_size_has_a_guard_rail_and_its_reason_is_audited(client, tenant):
    admin = tenant.headers["admin"]
    below = problem(client.patch(url("/organisation"), json={"min_cell_size": 2},
                                 headers={**admin, "Accept-Language": "sv"}), 422)
    assert "lägre än 3" in json.dumps(below, ensure_ascii=False)
    no_reason = problem(client.patch(url("/organisation"), json={"min_cell_size": 4}, headers=admin), 422)
    assert "needs a reason" in json.dumps(no_reason)
    reason = "The funder's agreement of 2026 on groups of four."
    saved = ok(client.patch(url("/organisation"), json={"min_cell_size": 4, "min_cell_size_reason": reason},
                            headers=admin))
    assert (saved["min_cell_size"], saved["min_cell_size_reason"]) == (4, reason)
    [entry] = [e for e in ok(client.get(url("/audit"), query_string={"entity_id": tenant.organisation_id},
                                        headers=admin))["items"] if e["action"] == "update"]
    assert entry["changes"] == {"min_cell_size": [5, 4], "min_cell_size_reason": [None, reason]}
    # Saving the other settings with the size unchanged keeps it and its reason; 5 or more needs none.
    assert ok(client.patch(url("/organisation"), json={"min_cell_size": 4, "locale": "tr"},
                           headers=admin))["min_cell_size_reason"] == reason
    assert ok(client.patch(url("/organisation"), json={"min_cell_size": 6}, headers=admin))["min_cell_size_reason"] \
        is None
