"""The milestones consumer's own state: who counts towards each reach target, and what was announced.

A scope is the organisation (its id) or one project (its id). Primary keys make every
step idempotent under redelivery and safe between competing consumers: a person joins
a scope once, and a milestone row exists once, so its event is emitted once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.db.base import Base


class ReachMember(Base):
    __tablename__ = "reach_members"

    scope_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    trainee_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)


class ReachCount(Base):
    __tablename__ = "reach_counts"

    scope_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    reached: Mapped[int] = mapped_column(default=0)


class Milestone(Base):
    __tablename__ = "milestones"

    scope_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    percent: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    project_id: Mapped[uuid.UUID | None]
    target: Mapped[int]
    reached: Mapped[int]
    reached_at: Mapped[datetime] = mapped_column(default=utcnow)
