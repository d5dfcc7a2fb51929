"""Trainees; the national id is kept only as a keyed hash and a ciphertext.

The national id is the person's document of the organisation's primary type (see TraineeDocument,
which holds every document); a person without one has neither column, and one registered without
any document has a `no_document_reason`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin, enum_check
from service.domain import people
from service.domain.documents import NO_DOCUMENT_REASONS


class Trainee(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "trainees"
    __table_args__ = (
        UniqueConstraint("organisation_id", "national_id_hash"),
        CheckConstraint(enum_check("sex", people.SEXES), name="sex"),
        CheckConstraint(enum_check("settlement_type", people.SETTLEMENT_TYPES), name="settlement_type"),
        CheckConstraint(enum_check("education_level", people.EDUCATION_LEVELS), name="education_level"),
        CheckConstraint(enum_check("labour_status", people.LABOUR_STATUSES), name="labour_status"),
        CheckConstraint(enum_check("no_document_reason", NO_DOCUMENT_REASONS), name="no_document_reason"),
    )
    __audit_redact__ = frozenset({"national_id_hash", "national_id_ciphertext"})

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    national_id_hash: Mapped[str | None] = mapped_column(String(64))
    national_id_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    no_document_reason: Mapped[str | None] = mapped_column(String(32))
    sex: Mapped[str] = mapped_column(String(16))
    birth_date: Mapped[date]
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    district: Mapped[str | None] = mapped_column(String(100))
    settlement_type: Mapped[str] = mapped_column(String(8))
    education_level: Mapped[str] = mapped_column(String(32))
    labour_status: Mapped[str] = mapped_column(String(32))
    vulnerable_groups: Mapped[list] = mapped_column(default=list)
    citizenship: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    consent: Mapped[bool]
    consent_at: Mapped[datetime]
