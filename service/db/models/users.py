"""Users of an organisation and their opaque bearer tokens (stored hashed)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin, enum_check
from service.domain.roles import Role


class User(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "users"
    __table_args__ = (
        # An email names one active user; deactivated users keep theirs for the audit trail.
        Index("uq_users_active_email", "organisation_id", "email", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
        CheckConstraint(enum_check("role", [r.value for r in Role]), name="role"),
    )
    __audit_redact__ = frozenset({"token_hash"})

    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    #: Set for employer users only: their whole scope is this employer's records.
    employer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employers.id"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: After this the token is refused; None only for rows from before expiry existed.
    token_expires_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
