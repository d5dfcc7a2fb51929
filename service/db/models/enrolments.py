"""Enrolments: a trainee in a project (and cohort), from entry to exit."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin, enum_check
from service.domain import enrolments as rules
from service.domain import people


class Enrolment(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "enrolments"
    __table_args__ = (
        CheckConstraint(enum_check("status", rules.STATUSES), name="status"),
        CheckConstraint("exited_on IS NULL OR exited_on >= enrolled_on", name="exit_after_entry"),
        CheckConstraint(enum_check("labour_status_at_entry", people.LABOUR_STATUSES), name="labour_status_at_entry"),
        CheckConstraint(enum_check("education_level_at_entry", people.EDUCATION_LEVELS),
                        name="education_level_at_entry"),
        CheckConstraint(enum_check("settlement_type_at_entry", people.SETTLEMENT_TYPES),
                        name="settlement_type_at_entry"),
        # One open enrolment per trainee and project, enforced by the database as well.
        Index("uq_enrolments_open", "trainee_id", "project_id", unique=True,
              sqlite_where=text("status = 'enrolled'"),
              postgresql_where=text("status = 'enrolled'")),
    )

    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id"), index=True)
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=rules.ENROLLED)
    enrolled_on: Mapped[date]
    exited_on: Mapped[date | None]
    exit_reason: Mapped[str | None] = mapped_column(String(32))
    qualification_gained: Mapped[bool | None]
    # The person as at entry (service.domain.enrolments.at_entry): what the indicators count. Editing
    # the person changes an open enrolment's; a closed one changes only by an audited correction.
    labour_status_at_entry: Mapped[str] = mapped_column(String(32))
    education_level_at_entry: Mapped[str] = mapped_column(String(32))
    settlement_type_at_entry: Mapped[str] = mapped_column(String(8))
    vulnerable_groups_at_entry: Mapped[list] = mapped_column(default=list)
    #: The indicator categories those groups fed at entry (service.domain.groups): what the ESF+ figures
    #: count, so that a later change of the organisation's vocabulary rewrites no closed participation.
    #: Null reads as none (rows written in bulk without it, e.g. by the bench generator).
    indicator_groups_at_entry: Mapped[list | None] = mapped_column(default=list)
    citizenship_at_entry: Mapped[str | None] = mapped_column(String(2))
    age_at_entry: Mapped[int] = mapped_column(SmallInteger)
