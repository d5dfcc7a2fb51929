"""Web sign-in records: the sessions behind the `pathways_session` cookie and one-time invitations."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin


class WebSession(IdMixin, OrgScopedMixin, Base):
    """One signed-in browser. Not audited: `last_seen_at` moves every minute of use; sign-ins and
    sign-outs are not changes of any record."""

    __tablename__ = "web_sessions"

    #: SHA-256 of the cookie's value: the database alone lets nobody act as a signed-in user.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    #: Sent back with every form of this session (service.web.csrf).
    csrf_token: Mapped[str] = mapped_column(String(64))


class UserInvitation(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    """A one-time link an admin hands to a user to set their password; valid 72 hours, used once."""

    __tablename__ = "user_invitations"
    __audit_redact__ = frozenset({"token_hash"})

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
