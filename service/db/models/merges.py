"""Merges of duplicate trainees (kept to be undone) and pairs confirmed to be two people."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin


class TraineeMerge(IdMixin, OrgScopedMixin, Audited, Base):
    """`duplicate_id` merged into `survivor_id`; `moved` holds the ids of what moved, by kind, so that the
    undo moves exactly that back (records added to the survivor since stay with it)."""

    __tablename__ = "trainee_merges"

    survivor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    duplicate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    moved: Mapped[dict]
    merged_at: Mapped[datetime]
    merged_by: Mapped[uuid.UUID | None]
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[uuid.UUID | None]


class TraineeDistinction(IdMixin, OrgScopedMixin, Audited, Base):
    """A caseworker confirmed that these two are different people (`first_id` < `second_id`): the pair is
    no longer offered as a possible duplicate."""

    __tablename__ = "trainee_distinctions"
    __table_args__ = (UniqueConstraint("first_id", "second_id"),
                      CheckConstraint("first_id < second_id", name="ordered"))

    first_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    second_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    confirmed_at: Mapped[datetime]
    confirmed_by: Mapped[uuid.UUID | None]
