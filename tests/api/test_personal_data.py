"""National ids are never returned, logged, audited or queued (SPEC section 2): after a
registration and its error paths, no response, database row, audit entry, outbox row or log
record holds the number in any spelling, and the trainee row keeps only a keyed hash and a
ciphertext that decrypts to the canonical number.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from service.db.base import Base
from service.db.models import AuditEntry, OutboxMessage, Trainee
from tests import factories

API = "/api/v1"


@dataclass(frozen=True)
class Person:
    country: str
    submitted: str  # as the caseworker types it
    same_person: str  # another spelling of the same number: a duplicate
    mistyped: str  # a wrong check digit
    canonical: str  # what the vault keeps
    spellings: tuple[str, ...]  # every form that must appear nowhere

    @property
    def forbidden(self) -> tuple[str, ...]:
        return (self.submitted, self.same_person, self.mistyped, self.canonical, *self.spellings)


PEOPLE = [
    pytest.param(Person("TR", submitted="374 6891 2538", same_person="37468912538", mistyped="37468912539",
                        canonical="37468912538", spellings=("374 689 125 38", "374-689-125-38")), id="tr_tckn"),
    pytest.param(Person("SE", submitted="811218-9876", same_person="19811218-9876", mistyped="811218-9877",
                        canonical="198112189876", spellings=("8112189876", "811218 9876")), id="se_personnummer"),
    # Issue 15: the CUI on the DPI (check digit 9 over 12345678: RENAP's rule) and a cédula de ciudadanía.
    pytest.param(Person("GT", submitted="1234 56789 0101", same_person="1234567890101", mistyped="1234567800101",
                        canonical="1234567890101", spellings=("1234-56789-0101",)), id="gt_cui"),
    pytest.param(Person("CO", submitted="52.523.478", same_person="52523478", mistyped="052523478",
                        canonical="52523478", spellings=("52 523 478",)), id="co_cc"),
]


@pytest.fixture(autouse=True)
def every_log_record(caplog):
    """DEBUG for every logger, the SQL engine's included (statements and result rows, as
    `echo="debug"` would print them). Autouse, so it is in force before the fixtures open
    their database connections: a connection decides once whether it logs."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    return caplog


def _texts(value) -> list[str]:
    """The searchable text of a database value; bytes are searched as they are."""
    if value is None:
        return []
    if isinstance(value, bytes):
        return [value.decode("latin-1")]
    if isinstance(value, (dict, list)):
        return [json.dumps(value, ensure_ascii=False, default=str)]
    return [str(value)]


def _unkeyed_digests(person: Person, bodies: list[bytes]) -> set[str]:
    """Plain SHA-256 digests anyone could recompute by trying every possible number: a stored
    one would give the number away as surely as the number itself."""
    candidates = [form.encode() for form in person.forbidden]
    candidates += [b"POST /api/v1/trainees\n" + body for body in bodies]
    return {hashlib.sha256(candidate).hexdigest() for candidate in candidates}


@pytest.mark.parametrize("person", PEOPLE)
def test_a_national_id_stays_in_the_vault(client, make_tenant, pathways, every_log_record, person):
    tenant = make_tenant(country=person.country)
    caseworker, admin = tenant.headers["caseworker"], tenant.headers["admin"]
    # The person the numbers were issued for (a Swedish one encodes the birth date and sex: checked).
    born = {"birth_date": "1981-12-18", "sex": "male"}
    body = json.dumps(factories.trainee_body(national_id=person.submitted, **born)).encode()
    keyed = {**caseworker, "Content-Type": "application/json", "Idempotency-Key": "register-once"}

    created = client.post(f"{API}/trainees", data=body, headers=keyed)
    assert created.status_code == 201, created.get_json()
    trainee_id = created.get_json()["id"]
    replayed = client.post(f"{API}/trainees", data=body, headers=keyed)
    assert replayed.status_code == 201 and replayed.headers.get("Idempotent-Replayed") == "true"
    duplicate = client.post(f"{API}/trainees", headers=caseworker,
                            json=factories.trainee_body(national_id=person.same_person, **born))
    assert duplicate.status_code == 409
    assert duplicate.get_json()["existing_trainee_id"] == trainee_id
    mistyped = client.post(f"{API}/trainees", headers=caseworker,
                           json=factories.trainee_body(national_id=person.mistyped, **born))
    assert mistyped.status_code == 422
    assert "national_id" in mistyped.get_json()["errors"]
    changed = client.patch(f"{API}/trainees/{trainee_id}", json={"national_id": person.same_person},
                           headers=caseworker)
    assert changed.status_code == 422
    reads = [client.get(f"{API}/trainees/{trainee_id}", headers=caseworker),
             client.get(f"{API}/trainees", headers=caseworker),
             client.get(f"{API}/audit", query_string={"entity_id": trainee_id}, headers=admin),
             client.get(f"{API}/audit", headers=admin)]
    assert all(read.status_code == 200 for read in reads)
    assert "national_id" not in created.get_json() and "national_id" not in reads[0].get_json()

    # Responses.
    for response in (created, replayed, duplicate, mistyped, changed, *reads):
        text = response.get_data(as_text=True)
        assert not [form for form in person.forbidden if form in text], (response.request.path, text)

    # Every stored value of every table: trainees, audit entries, outbox, idempotency keys, ...
    digests = _unkeyed_digests(person, [body])
    trainee_uuid = uuid.UUID(trainee_id)
    with pathways.uow() as uow:
        for table in Base.metadata.sorted_tables:
            for row in uow.session.execute(select(table)):
                for column, value in row._mapping.items():
                    for text in _texts(value):
                        assert not [f for f in person.forbidden if f in text], (table.name, column, text[:200])
                        assert not [d for d in digests if d in text], f"{table.name}.{column} holds a plain digest"
        entries = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == trainee_uuid))
        assert [entry.action for entry in entries] == ["create"]
        events = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.type == "trainee.registered"))
        payloads = [event.envelope["data"] for event in events if event.envelope["data"]["trainee_id"] == trainee_id]
        assert len(payloads) == 1 and "national_id" not in payloads[0]

        # Only a keyed hash and a ciphertext of the canonical number.
        trainee = uow.session.get(Trainee, trainee_uuid)
        assert re.fullmatch(r"[0-9a-f]{64}", trainee.national_id_hash)
        assert trainee.national_id_hash == pathways.vault.fingerprint(trainee.organisation_id, person.canonical)
        assert trainee.national_id_hash != hashlib.sha256(person.canonical.encode()).hexdigest()
        assert person.canonical.encode() not in trainee.national_id_ciphertext
        assert pathways.vault.decrypt(trainee.organisation_id, trainee.national_id_ciphertext) == person.canonical

    # Log records, SQL included: the capture did see the registration's statements.
    records = every_log_record.records
    assert any("INSERT INTO trainees" in record.getMessage() for record in records)
    for record in records:
        text = " ".join([record.getMessage(), repr(record.args), record.exc_text or ""])
        assert not [form for form in person.forbidden if form in text], (record.name, text[:300])
