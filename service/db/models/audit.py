"""Append-only audit entries, written by the unit of work for every audited change."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.db.base import Base, IdMixin


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_org_entity", "organisation_id", "entity_type", "entity_id"),
                      # "my" follow-ups and recent people: what one user did (migration 0015)
                      Index("ix_audit_entries_actor", "organisation_id", "actor_id", "entity_type"))

    #: No foreign key: entries outlive what they describe.
    organisation_id: Mapped[uuid.UUID] = mapped_column(index=True)
    actor_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(8))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[uuid.UUID]
    changes: Mapped[dict] = mapped_column(default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
