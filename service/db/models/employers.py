"""Employers and the vacancies they post."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin, enum_check
from service.domain import vacancies


class Employer(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "employers"
    __table_args__ = (UniqueConstraint("organisation_id", "tax_number"),)

    name: Mapped[str] = mapped_column(String(200))
    tax_number: Mapped[str] = mapped_column(String(32))
    #: NACE Rev. 2 code, e.g. "I56" or "C10.7".
    sector: Mapped[str] = mapped_column(String(8))
    district: Mapped[str | None] = mapped_column(String(100))


class Vacancy(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "vacancies"
    __table_args__ = (
        CheckConstraint(enum_check("status", vacancies.STATUSES), name="status"),
        CheckConstraint(enum_check("contract_type", vacancies.CONTRACT_TYPES), name="contract_type"),
        CheckConstraint("positions >= 1", name="positions"),
    )

    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    occupation: Mapped[str] = mapped_column(String(4))
    positions: Mapped[int]
    wage_monthly: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    contract_type: Mapped[str] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(100))
    closes_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(8), default=vacancies.OPEN)
