"""Users of an organisation: their opaque bearer tokens and web passwords (both stored hashed)."""

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
    __audit_redact__ = frozenset({"token_hash", "password_hash"})
    #: Failed sign-ins are counted on every wrong password: bookkeeping, not a change of the user worth
    #: an audit entry each (the lockout they lead to, `locked_until`, is audited).
    __audit_exclude__ = Audited.__audit_exclude__ | {"failed_sign_ins"}

    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    #: Set for employer users only: their whole scope is this employer's records.
    employer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employers.id"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: After this the token is refused; None only for rows from before expiry existed.
    token_expires_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    #: argon2id (service.services.passwords); None: the user cannot sign in on the web (API token only).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None]
    #: Wrong passwords since the last sign-in (or lockout); 5 lock the user for 15 minutes.
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None]
    #: The pages' language the user chose (en, tr, sv, es); None: the organisation's, then the browser's.
    locale: Mapped[str | None] = mapped_column(String(16))
