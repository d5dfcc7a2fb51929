"""Placements (job starts) and the follow-up checkpoints after an exit."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin, enum_check
from service.domain import follow_ups, vacancies


class Placement(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint(enum_check("contract_type", vacancies.CONTRACT_TYPES), name="contract_type"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="end_after_start"),
    )

    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    vacancy_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vacancies.id"), index=True)
    started_on: Mapped[date]
    wage_monthly: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    hours_per_week: Mapped[int]
    contract_type: Mapped[str] = mapped_column(String(16))
    formal: Mapped[bool]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))


class FollowUp(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "checkpoint"),
        CheckConstraint(enum_check("checkpoint", follow_ups.CHECKPOINTS), name="checkpoint"),
        CheckConstraint(enum_check("status", follow_ups.STATUSES), name="status"),
        # The worklist's open follow-ups of an organisation in due-date order (migration 0015).
        Index("ix_follow_ups_due_worklist", "organisation_id", "due_on",
              postgresql_where=text("status = 'due'"), sqlite_where=text("status = 'due'")),
        # "My" open follow-ups, found from the enrolments I created: only the open ones of each (migration 0018).
        Index("ix_follow_ups_due_enrolment", "enrolment_id",
              postgresql_where=text("status = 'due'"), sqlite_where=text("status = 'due'")),
    )

    enrolment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enrolments.id"), index=True)
    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    checkpoint: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default=follow_ups.DUE)
    employment_status: Mapped[str | None] = mapped_column(String(16))
    wage_monthly: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    source: Mapped[str | None] = mapped_column(String(16))
    placement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("placements.id"))
    #: The day the recorded status refers to (service.domain.follow_ups: within the checkpoint's window).
    observed_on: Mapped[date | None]
