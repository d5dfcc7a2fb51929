"""The metrics read model: one row per participant and per participation, kept by the metrics consumer.

Each row is a pre-joined, categorical summary of the records of one trainee, so a metrics
request aggregates one narrow table instead of joining trainees, enrolments, placements
and follow-ups. Not audited: it is derived data, rebuilt from the records at will.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, Numeric, SmallInteger, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.db.base import Base


class MetricParticipant(Base):
    """A trainee's own disaggregation facts (sex, district); the rest is per participation, as at entry."""

    __tablename__ = "metric_participants"

    trainee_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    sex: Mapped[str] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(100))


class MetricEnrolment(Base):
    """A participation, its participant's first entry and final exit, and its outcomes (service.metrics.facts)."""

    __tablename__ = "metric_enrolments"
    __table_args__ = (
        Index("ix_metric_enrolments_org_enrolled_on", "organisation_id", "enrolled_on"),
        Index("ix_metric_enrolments_org_project_enrolled_on", "organisation_id", "project_id", "enrolled_on"),
        Index("ix_metric_enrolments_org_exited_on", "organisation_id", "exited_on"),
        Index("ix_metric_enrolments_org_entered_on", "organisation_id", "entered_on"),
        Index("ix_metric_enrolments_org_left_on", "organisation_id", "left_on"),
    )

    enrolment_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    trainee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("metric_participants.trainee_id", ondelete="CASCADE"), index=True)
    project_id: Mapped[uuid.UUID]
    cohort_id: Mapped[uuid.UUID | None]
    #: Characteristics at entry (the enrolment's *_at_entry columns).
    age_at_entry: Mapped[int | None] = mapped_column(SmallInteger)
    age_band: Mapped[str | None] = mapped_column(String(8))
    labour_status: Mapped[str] = mapped_column(String(32))
    employment_category: Mapped[str] = mapped_column(String(16))
    education_level: Mapped[str] = mapped_column(String(32))
    settlement_type: Mapped[str] = mapped_column(String(8))
    citizenship: Mapped[str | None] = mapped_column(String(2))
    third_country: Mapped[bool]
    #: The ESF+ categories the groups at entry fed (the enrolment's indicator_groups_at_entry).
    fed_minorities: Mapped[bool] = mapped_column(default=False, server_default=false())
    fed_disability: Mapped[bool] = mapped_column(default=False, server_default=false())
    fed_foreign_background: Mapped[bool] = mapped_column(default=False, server_default=false())
    fed_housing_exclusion: Mapped[bool] = mapped_column(default=False, server_default=false())
    enrolled_on: Mapped[date]
    #: The participant (person x project): first entry, whether this is the first and the final participation,
    #: and the final exit date (null while the final participation is open).
    entered_on: Mapped[date]
    first_entry: Mapped[bool]
    final: Mapped[bool]
    left_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16))
    exited_on: Mapped[date | None]
    exit_reason: Mapped[str | None] = mapped_column(String(32))
    qualification_gained: Mapped[bool | None]
    #: Completers only: the first placement started between enrolled_on and exited_on + 90 days.
    placed_on: Mapped[date | None]
    placed_wage: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    placed_currency: Mapped[str | None] = mapped_column(String(3))
    #: The job the occupation and sector dimensions describe: ISCO-08 code (the vacancy's, else the cohort's)
    #: and the employer's NACE Rev. 2 section.
    job_occupation: Mapped[str | None] = mapped_column(String(4))
    job_sector: Mapped[str | None] = mapped_column(String(1))
    #: The checkpoints once answered: status (recorded/unreachable), employment status; upon leaving as derived.
    exit_status: Mapped[str | None] = mapped_column(String(16))
    leaving_status: Mapped[str | None] = mapped_column(String(16))
    leaving_formal: Mapped[bool]
    month_6_status: Mapped[str | None] = mapped_column(String(16))
    month_6_employment: Mapped[str | None] = mapped_column(String(16))
    month_12_status: Mapped[str | None] = mapped_column(String(16))
    month_12_employment: Mapped[str | None] = mapped_column(String(16))
    #: The participant's results (of its final exit), counted on its first row by the indicators.
    result_leaving: Mapped[str | None] = mapped_column(String(16))
    result_qualification: Mapped[bool]
    result_employed_6m: Mapped[bool]
    improved_6m: Mapped[bool]


class MetricEnrolmentGroup(Base):
    """One row per vulnerable group a participant belonged to at entry (a person may belong to several)."""

    __tablename__ = "metric_enrolment_groups"

    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("metric_enrolments.enrolment_id", ondelete="CASCADE"), primary_key=True)
    vulnerable_group: Mapped[str] = mapped_column(String(32), primary_key=True)
    trainee_id: Mapped[uuid.UUID] = mapped_column(index=True)


#: The name service.db.models exports (the groups were the person's before participations kept their own).
MetricParticipantGroup = MetricEnrolmentGroup


class MetricState(Base):
    """Per organisation: the newest event the read model reflects (`as_of`), and whether it awaits a rebuild."""

    __tablename__ = "metric_state"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    as_of: Mapped[datetime | None]
    #: The read model of the organisation is to be rebuilt from the records (set by migration 0009, which
    #: empties it; the metrics consumer rebuilds and clears it, as `pathways metrics rebuild` does).
    rebuild_needed: Mapped[bool] = mapped_column(default=False, server_default=false())


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
