"""Projects of a programme and their cohorts (courses)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin


class Project(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    reach_target: Mapped[int | None]
    share_targets: Mapped[list] = mapped_column(default=list)
    priority_groups: Mapped[list] = mapped_column(default=list)


class Cohort(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "cohorts"

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: ISCO-08 occupation code (1 to 4 digits).
    occupation: Mapped[str] = mapped_column(String(4))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    capacity: Mapped[int | None]
    district: Mapped[str | None] = mapped_column(String(100))


# The latest cohorts of an organisation first, as the people search's filter and a person's enrolment form
# offer them (migration 0018): read in order and cut at MAXIMUM_COHORTS, not all sorted.
Index("ix_cohorts_latest", Cohort.organisation_id, Cohort.starts_on.desc().nulls_last())
