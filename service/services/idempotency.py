"""Idempotency keys: a repeated POST within the TTL replays the first response.

Everything happens in the request's one transaction (a `SharedTransaction`): the claim of
the key, the use case, and the stored response commit together, or nothing does. So a
committed key always has its response, and a request killed at any point leaves either
everything (its retry gets the stored response) or nothing (its retry runs the use case).

"In progress" means another live transaction holds the key: on PostgreSQL a transaction-
scoped advisory lock on (user, key), released by commit, rollback or the death of the
connection's process, never by a clock; on SQLite write transactions are serialised
(BEGIN IMMEDIATE), so a second request with the key waits for the first and replays it.

What a replay needs is kept, and no longer than it is promised (issue 18, item 3): the status, the
Location and the body, which holds the personal data of the record created, sealed with the vault's
key (AES-GCM, bound to the organisation; `SEALED` marks it). A row is deleted by the retention purge
(`pathways purge`, and the relay's every `purge_interval_seconds`) once older than the TTL (24 h).
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.clock import utcnow
from service.db.models import IdempotencyRecord
from service.domain.errors import Conflict, ValidationFailed
from service.domain.roles import Principal
from service.services.pii import NationalIdVault
from service.services.unit_of_work import SharedTransaction
from service.domain.messages import Msg

#: The prefix of a sealed response body (rows written before it hold the body in clear, for their last hours).
SEALED = "sealed:"
IN_PROGRESS = Msg("A request with this Idempotency-Key is in progress; retry it when that one has answered.")


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str
    location: str | None


def claim(transaction: SharedTransaction, principal: Principal, key: str, fingerprint: str,
          ttl: timedelta, vault: NationalIdVault) -> StoredResponse | None:
    """Claim `key` in `transaction`, or return the response stored for it.

    Nothing is committed here: the claim becomes durable with the request's effects, when the
    caller stores the response (`store`) and commits `transaction`.
    """
    session = transaction.session
    if not _lock(session, principal.user_id, key):
        raise Conflict(IN_PROGRESS)
    now = utcnow()
    record = _record(session, principal, key)
    if record is not None and (record.created_at < now - ttl or record.status_code is None):
        # Expired, or a claim committed without its response by an older version: take it over.
        # (A statement, not an ORM delete: the retention purge may have deleted the row meanwhile.)
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
        session.expunge(record)
        record = None
    if record is None:
        session.add(IdempotencyRecord(organisation_id=principal.organisation_id, user_id=principal.user_id,
                                      key=key, fingerprint=fingerprint, created_at=now))
        session.flush()
        return None
    if record.fingerprint != fingerprint:
        raise ValidationFailed({"Idempotency-Key": [Msg("This key was used with a different request; use a new key.")]})
    # A record without a status was taken over above: a stored one always has its status and body.
    assert record.status_code is not None
    return StoredResponse(record.status_code, _opened(vault, record.organisation_id, record.response_body or ""),
                          record.location)


def store(transaction: SharedTransaction, principal: Principal, key: str, response: StoredResponse,
          vault: NationalIdVault) -> None:
    """Put the response on the claim; it commits with the request's effects."""
    record = _record(transaction.session, principal, key)
    if record is None:  # claimed in this same transaction, so it is there
        raise RuntimeError("storing a response for a key that was not claimed")
    record.status_code = response.status_code
    record.response_body = _sealed(vault, record.organisation_id, response.body)
    record.location = response.location
    transaction.session.flush()


def _lock(session: Session, user_id: uuid.UUID, key: str) -> bool:
    """Take the key's lock for this transaction; False while another live transaction holds it."""
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: this transaction is the only writer (BEGIN IMMEDIATE)
    digest = hashlib.sha256(b"pathways idempotency\n" + user_id.bytes + key.encode()).digest()
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(int.from_bytes(digest[:8], "big",
                                                                                    signed=True)))))


def _record(session: Session, principal: Principal, key: str) -> IdempotencyRecord | None:
    return session.scalars(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == principal.user_id, IdempotencyRecord.key == key)).one_or_none()


def _sealed(vault: NationalIdVault, organisation_id: uuid.UUID, body: str) -> str:
    return SEALED + base64.b64encode(vault.encrypt(organisation_id, body)).decode("ascii")


def _opened(vault: NationalIdVault, organisation_id: uuid.UUID, stored: str) -> str:
    if not stored.startswith(SEALED):
        return stored  # written before bodies were sealed
    return vault.decrypt(organisation_id, base64.b64decode(stored.removeprefix(SEALED)))
