"""Idempotency keys: a repeated POST within the TTL replays the first response.

The key is claimed in its own short transaction before the use case runs, so two
concurrent requests with one key cannot both create a record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from service.clock import utcnow
from service.db.models import IdempotencyRecord
from service.domain.errors import Conflict, ValidationFailed
from service.domain.roles import Principal
from service.services.unit_of_work import UnitOfWork

#: A claim whose request never finished (a killed worker) is released after this.
ABANDONED_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str
    location: str | None


def claim(uow: UnitOfWork, principal: Principal, key: str, fingerprint: str,
          ttl: timedelta) -> StoredResponse | None:
    """Claim `key` for a new request, or return the response stored for it."""
    now = utcnow()
    with uow:
        uow.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == principal.user_id, IdempotencyRecord.key == key,
            IdempotencyRecord.created_at < now - ttl))
        record = uow.session.scalars(select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == principal.user_id, IdempotencyRecord.key == key)).one_or_none()
        if record is None:
            uow.session.add(IdempotencyRecord(organisation_id=principal.organisation_id,
                                              user_id=principal.user_id, key=key, fingerprint=fingerprint,
                                              created_at=now))
            try:
                uow.commit()
            except IntegrityError:
                raise Conflict("A request with this Idempotency-Key is in progress.") from None
            return None
        if record.fingerprint != fingerprint:
            raise ValidationFailed({"Idempotency-Key": [
                "This key was used with a different request; use a new key."]})
        if record.status_code is None:
            if record.created_at > now - ABANDONED_AFTER:
                raise Conflict("A request with this Idempotency-Key is in progress.")
            record.created_at = now  # take over the abandoned claim
            uow.commit()
            return None
        return StoredResponse(record.status_code, record.response_body, record.location)


def store(uow: UnitOfWork, principal: Principal, key: str, response: StoredResponse) -> None:
    with uow:
        record = _record(uow, principal, key)
        if record is not None:
            record.status_code = response.status_code
            record.response_body = response.body
            record.location = response.location
            uow.commit()


def release(uow: UnitOfWork, principal: Principal, key: str) -> None:
    """Forget a claim whose request failed, so the client may retry with the same key."""
    with uow:
        uow.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == principal.user_id, IdempotencyRecord.key == key,
            IdempotencyRecord.status_code.is_(None)))
        uow.commit()


def _record(uow: UnitOfWork, principal: Principal, key: str) -> IdempotencyRecord | None:
    return uow.session.scalars(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == principal.user_id, IdempotencyRecord.key == key)).one_or_none()
