"""Transactional outbox: events written in the same transaction as the change."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, IdMixin


class OutboxMessage(IdMixin, Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unpublished", "published_at", "id"),)

    organisation_id: Mapped[uuid.UUID]
    type: Mapped[str] = mapped_column(String(64))
    #: The whole event envelope, exactly as it will be published.
    envelope: Mapped[dict]
    occurred_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    #: A relay's lease on the row while it publishes; an expired lease frees the row again.
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[uuid.UUID | None] = mapped_column(index=True)
