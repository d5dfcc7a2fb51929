"""A use case writes its record, its outbox event and its audit entries in one transaction, or none of them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import object_session

from schemas.events import load_envelope
from service.db.models import AuditEntry, Enrolment, OutboxMessage, Trainee
from service.domain import enrolments as enrolment_rules
from service.domain import trainees as trainee_rules
from service.domain.events import EnrolmentCreated, TraineeRegistered
from service.services import enrolments, trainees
from service.services import unit_of_work

PERSON = {"given_name": "Elif", "family_name": "Demirtaşoğlu", "phone": "+90 555 123 45 67",
          "email": "elif.demirtas@example.org"}


class Forced(Exception):
    """The failure injected after the flush."""


def _outbox(pathways, organisation_id, event_type: str) -> list[OutboxMessage]:
    with pathways.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.organisation_id == organisation_id, OutboxMessage.type == event_type)))


def _audit(pathways, organisation_id, entity_type: str) -> list[AuditEntry]:
    with pathways.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(
            AuditEntry.organisation_id == organisation_id, AuditEntry.entity_type == entity_type)))


def _count(pathways, model, *where) -> int:
    with pathways.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def _assert_no_personal_data(envelope: dict, *secrets: str) -> None:
    data = envelope["data"]
    assert not {"given_name", "family_name", "name", "phone", "email", "national_id",
                "national_id_hash", "birth_date", "birth_year", "sex", "age_band", "vulnerable_groups",
                "district", "settlement_type", "education_level", "labour_status"} & set(data)
    as_text = json.dumps(envelope, ensure_ascii=False)
    for secret in secrets:
        assert secret not in as_text


def _same_transaction(pathways, rows: list[tuple[str, object]], *, not_with: tuple[str, object]) -> None:
    """On PostgreSQL, rows inserted by one (sub)transaction carry its id in `xmin`;
    `not_with`, a row written by an earlier use case, shows that the check can tell them apart."""
    if pathways.engine.dialect.name != "postgresql":
        return
    with pathways.uow() as uow:
        def xmin(table, row_id):
            return uow.session.scalar(text(f"SELECT xmin::text FROM {table} WHERE id = :id"), {"id": row_id})

        xids = {xmin(table, row_id) for table, row_id in rows}
        assert len(xids) == 1, xids
        assert xmin(*not_with) not in xids


def test_registration_writes_its_event_and_audit_entry(pathways, seed):
    principal = seed.organisation()
    data = seed.trainee_data(**PERSON)
    raw_national_id = data["national_id"]

    trainee = trainees.register(pathways.uow(actor_id=principal.user_id), principal, data, pathways.vault)

    [row] = _outbox(pathways, principal.organisation_id, "trainee.registered")
    envelope = load_envelope(row.envelope)
    assert envelope.id == row.id
    assert envelope.event == TraineeRegistered(organisation_id=principal.organisation_id, trainee_id=trainee.id)
    _assert_no_personal_data(row.envelope, raw_national_id, trainee.national_id_hash, *PERSON.values())

    [entry] = _audit(pathways, principal.organisation_id, "trainees")
    assert (entry.action, entry.entity_id, entry.actor_id) == ("create", trainee.id, principal.user_id)
    assert entry.changes["given_name"] == "[personal]"  # named, never copied (issue 18)
    assert not [value for value in PERSON.values() if value in json.dumps(entry.changes, ensure_ascii=False)]
    assert raw_national_id not in json.dumps(entry.changes)
    assert not {"national_id_hash", "national_id_ciphertext"} & set(entry.changes)

    _same_transaction(pathways, [("trainees", trainee.id), ("outbox", row.id), ("audit_entries", entry.id)],
                      not_with=("organisations", principal.organisation_id))


def test_enrolment_writes_its_event_and_audit_entry(pathways, seed):
    principal = seed.organisation()
    project = seed.project(principal)
    cohort = seed.cohort(principal, project)
    data = seed.trainee_data(**PERSON)
    trainee = trainees.register(pathways.uow(), principal, data, pathways.vault)

    enrolment = enrolments.enrol(pathways.uow(actor_id=principal.user_id), principal,
                                 _enrolment(trainee, project, cohort))

    [row] = _outbox(pathways, principal.organisation_id, "enrolment.created")
    envelope = load_envelope(row.envelope)
    assert envelope.event == EnrolmentCreated(organisation_id=principal.organisation_id, enrolment_id=enrolment.id,
                                              trainee_id=trainee.id, project_id=project.id, cohort_id=cohort.id,
                                              enrolled_on=date(2026, 3, 1))
    _assert_no_personal_data(row.envelope, data["national_id"], trainee.national_id_hash, *PERSON.values())

    [entry] = _audit(pathways, principal.organisation_id, "enrolments")
    assert (entry.action, entry.entity_id, entry.actor_id) == ("create", enrolment.id, principal.user_id)

    _same_transaction(pathways, [("enrolments", enrolment.id), ("outbox", row.id), ("audit_entries", entry.id)],
                      not_with=("trainees", trainee.id))


def _enrolment(trainee, project, cohort=None) -> dict:
    return {"trainee_id": trainee.id, "project_id": project.id, "cohort_id": cohort.id if cohort else None,
            "enrolled_on": date(2026, 3, 1)}


def _fail_when_building_the_event(monkeypatch, rules_module, builder: str) -> None:
    """Fail after the record's flush: the record and its audit entry are in the transaction by then."""

    def fail(record, *_args):
        session = object_session(record)
        audited = select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == record.id)
        assert session.scalar(audited) == 1  # autoflush writes the pending audit entry
        raise Forced

    monkeypatch.setattr(rules_module, builder, fail)


def _fail_after_the_outbox_flush(monkeypatch) -> None:
    """Fail at the last moment before COMMIT, with the outbox rows written too."""
    real_add_events = unit_of_work.add_events

    def add_then_fail(session, events):
        real_add_events(session, events)
        session.flush()
        written = select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.organisation_id == events[0].organisation_id,
            OutboxMessage.type == events[0].routing_key)
        assert session.scalar(written) == len(events) == 1
        raise Forced

    monkeypatch.setattr(unit_of_work, "add_events", add_then_fail)


FAILURE_POINTS = ["building-the-event", "after-the-outbox-flush"]


@pytest.mark.parametrize("fail_at", FAILURE_POINTS)
def test_a_failed_registration_leaves_no_record_event_or_audit_entry(committing_pathways, committed_seed,
                                                                    monkeypatch, fail_at):
    pathways = committing_pathways
    principal = committed_seed.organisation()
    data = committed_seed.trainee_data(**PERSON)
    if fail_at == "building-the-event":
        _fail_when_building_the_event(monkeypatch, trainee_rules, "registered_event")
    else:
        _fail_after_the_outbox_flush(monkeypatch)

    with pytest.raises(Forced):
        trainees.register(pathways.uow(actor_id=principal.user_id), principal, data, pathways.vault)

    org = principal.organisation_id
    assert _count(pathways, Trainee, Trainee.organisation_id == org) == 0
    assert _outbox(pathways, org, "trainee.registered") == []
    assert _audit(pathways, org, "trainees") == []

    # Nothing half-written holds the national id: the same person registers cleanly now.
    monkeypatch.undo()
    trainee = trainees.register(pathways.uow(actor_id=principal.user_id), principal, data, pathways.vault)
    assert [row.envelope["data"]["trainee_id"] for row in _outbox(pathways, org, "trainee.registered")] == [
        str(trainee.id)]


@pytest.mark.parametrize("fail_at", FAILURE_POINTS)
def test_a_failed_enrolment_leaves_no_record_event_or_audit_entry(committing_pathways, committed_seed,
                                                                  monkeypatch, fail_at):
    pathways = committing_pathways
    principal = committed_seed.organisation()
    project = committed_seed.project(principal)
    cohort = committed_seed.cohort(principal, project, capacity=1)
    trainee = committed_seed.trainee(principal)
    if fail_at == "building-the-event":
        _fail_when_building_the_event(monkeypatch, enrolment_rules, "created_event")
    else:
        _fail_after_the_outbox_flush(monkeypatch)

    with pytest.raises(Forced):
        enrolments.enrol(pathways.uow(actor_id=principal.user_id), principal, _enrolment(trainee, project, cohort))

    org = principal.organisation_id
    assert _count(pathways, Enrolment, Enrolment.organisation_id == org) == 0
    assert _outbox(pathways, org, "enrolment.created") == []
    assert _audit(pathways, org, "enrolments") == []

    # The only place of the cohort is still free.
    monkeypatch.undo()
    enrolment = enrolments.enrol(pathways.uow(actor_id=principal.user_id), principal,
                                 _enrolment(trainee, project, cohort))
    assert [row.envelope["data"]["enrolment_id"] for row in _outbox(pathways, org, "enrolment.created")] == [
        str(enrolment.id)]
