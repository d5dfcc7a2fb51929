"""Referrals of trainees to vacancies."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin, enum_check
from service.domain import referrals


class Referral(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(enum_check("status", referrals.STATUSES), name="status"),
        # One open referral of a trainee to a vacancy.
        Index("uq_referrals_open", "trainee_id", "vacancy_id", unique=True,
              sqlite_where=text("status IN ('referred', 'interviewing')"),
              postgresql_where=text("status IN ('referred', 'interviewing')")),
    )

    vacancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vacancies.id"), index=True)
    #: Copied from the vacancy so that an employer's scope is one indexed filter.
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=referrals.REFERRED)
    note: Mapped[str] = mapped_column(Text, default="")
    placement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("placements.id"))
