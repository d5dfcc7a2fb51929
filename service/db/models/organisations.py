"""The tenant: every other record belongs to exactly one organisation."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, TimestampMixin, enum_check
from service.domain.national_ids import SCHEMES


class Organisation(IdMixin, TimestampMixin, Audited, Base):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(enum_check("national_id_scheme", SCHEMES), name="scheme"),)

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    national_id_scheme: Mapped[str] = mapped_column(String(32))
    reach_target: Mapped[int | None]
    share_targets: Mapped[list] = mapped_column(default=list)
    min_cell_size: Mapped[int] = mapped_column(default=5)
    #: Why the minimum cell size is below 5 (service.domain.cell_size); none from 5 upwards.
    min_cell_size_reason: Mapped[str | None] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    #: IANA name; the server default (the generic profile's) lets SQLite add the column in place.
    time_zone: Mapped[str] = mapped_column(String(64), server_default="UTC")
