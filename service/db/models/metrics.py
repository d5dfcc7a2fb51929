"""The metrics read model: one row per participant and per participation, kept by the metrics consumer.

Each row is a pre-joined, categorical summary of the records of one trainee, so a metrics
request aggregates one narrow table instead of joining trainees, enrolments, placements
and follow-ups. Not audited: it is derived data, rebuilt from the records at will.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, Numeric, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.db.base import Base


class MetricParticipant(Base):
    """A trainee's disaggregation facts (sex, settlement, education, labour status, district)."""

    __tablename__ = "metric_participants"

    trainee_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    sex: Mapped[str] = mapped_column(String(8))
    settlement_type: Mapped[str] = mapped_column(String(8))
    education_level: Mapped[str] = mapped_column(String(24))
    labour_status: Mapped[str] = mapped_column(String(24))
    district: Mapped[str | None] = mapped_column(String(100))


class MetricParticipantGroup(Base):
    """One row per vulnerable group of a trainee (a person may belong to several)."""

    __tablename__ = "metric_participant_groups"

    trainee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("metric_participants.trainee_id", ondelete="CASCADE"), primary_key=True)
    vulnerable_group: Mapped[str] = mapped_column(String(16), primary_key=True)


class MetricEnrolment(Base):
    """A participation and its outcomes, as the metrics of SPEC section 5 need them."""

    __tablename__ = "metric_enrolments"
    __table_args__ = (
        Index("ix_metric_enrolments_org_enrolled_on", "organisation_id", "enrolled_on"),
        Index("ix_metric_enrolments_org_project_enrolled_on", "organisation_id", "project_id", "enrolled_on"),
    )

    enrolment_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    trainee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("metric_participants.trainee_id", ondelete="CASCADE"), index=True)
    project_id: Mapped[uuid.UUID]
    age_band: Mapped[str | None] = mapped_column(String(8))
    enrolled_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))
    exited_on: Mapped[date | None]
    qualification_gained: Mapped[bool | None]
    #: Completers only: the first placement started between enrolled_on and exited_on + 90 days.
    placed_on: Mapped[date | None]
    placed_wage: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    placed_currency: Mapped[str | None] = mapped_column(String(3))
    #: The exit and month_6 checkpoints once answered: status (recorded/unreachable), employment status.
    exit_status: Mapped[str | None] = mapped_column(String(16))
    exit_employment: Mapped[str | None] = mapped_column(String(16))
    month_6_status: Mapped[str | None] = mapped_column(String(16))
    month_6_employment: Mapped[str | None] = mapped_column(String(16))


class MetricState(Base):
    """Per organisation: the newest event the read model reflects (`as_of`)."""

    __tablename__ = "metric_state"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    as_of: Mapped[datetime | None]


class MetricRollup(Base):
    """One report query over a whole scope, kept as running sums (see service.metrics.rollups).

    Only its shape key: the query itself is built by the code of the reports each time, never
    stored, so a migration or a new release cannot leave a stale query behind (its key changes).
    """

    __tablename__ = "metric_rollups"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    #: sha256 of the query's SQL (organisation, project, breakdown and measures are in its text).
    shape: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MetricRollupValue(Base):
    """One measure of one cell of a rollup; `cell` is the JSON list of the cell's key values."""

    __tablename__ = "metric_rollup_values"

    rollup_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("metric_rollups.id", ondelete="CASCADE"),
                                                 primary_key=True)
    cell: Mapped[str] = mapped_column(Text, primary_key=True)
    measure: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
