"""Reference tables from official statistics that figures are set against."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.db.base import Base, IdMixin


class OccupationSexShare(IdMixin, Base):
    """One ISCO-08 major or sub-major group's shares of employment by sex in a country.

    `organisation_id` NULL: the national table an operator loaded (`pathways reference load-occupations`);
    otherwise an organisation's own table for its country, loaded by its admin, which only that
    organisation's figures read. Not `Audited` row by row: a national row belongs to no organisation,
    and an admin's load is audited once, as a whole table (service.services.occupation_shares).
    """

    __tablename__ = "occupation_sex_shares"
    __table_args__ = (
        CheckConstraint("female_share >= 0 AND female_share <= 1", name="female_share"),
        CheckConstraint("male_share >= 0 AND male_share <= 1", name="male_share"),
        Index("ix_occupation_sex_shares_table", "country", "organisation_id", "isco_code"),
    )

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    #: ISO 3166-1 alpha-2.
    country: Mapped[str] = mapped_column(String(2))
    #: An ISCO-08 major (1 digit) or sub-major (2 digits) group.
    isco_code: Mapped[str] = mapped_column(String(2))
    female_share: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    male_share: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    source: Mapped[str] = mapped_column(String(500))
    year: Mapped[int] = mapped_column(SmallInteger)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
