"""Consent (issue 18): the organisation's consent texts, versioned per language, and each person's consent
per purpose (service.domain.consent)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.db.base import Base, IdMixin, OrgScopedMixin


class ConsentText(IdMixin, OrgScopedMixin, Base):
    """One language of one version of an organisation's consent text. A published text never changes: a
    new wording is a new version (the people who agreed to the old one keep it)."""

    __tablename__ = "consent_texts"
    __table_args__ = (UniqueConstraint("organisation_id", "version", "language"),)

    version: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    #: The purposes the text asks consent for (service.domain.consent.PURPOSES).
    purposes: Mapped[list] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class TraineeConsent(IdMixin, OrgScopedMixin, Base):
    """A person's consent for one purpose: given (or not) with which text, when and by whom; withdrawn when
    and by whom. No row for a person registered before consent was versioned: they agreed to the default
    text (version 0) for every purpose, at their `consent_at`."""

    __tablename__ = "trainee_consents"
    __table_args__ = (UniqueConstraint("trainee_id", "purpose"),
                      Index("ix_trainee_consents_withheld", "organisation_id", "purpose", "trainee_id"))

    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    granted: Mapped[bool]
    version: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def active(self) -> bool:
        return self.granted and self.withdrawn_at is None
