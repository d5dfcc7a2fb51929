"""Web sessions: opened at sign-in, resolved on every page request within their idle and absolute
lifetimes, revoked at sign-out or when the password changes.

The cookie carries 256 random bits; the database keeps only their SHA-256 digest (as for API tokens),
so a copy of the database lets nobody act as a signed-in user.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, select, update

from service.clock import utcnow
from service.db.models import Organisation, User, WebSession
from service.domain.roles import Principal, Role
from service.services.tokens import digest
from service.services.unit_of_work import UnitOfWork

#: `last_seen_at` is written at most this often: a page with several requests a second writes nothing more.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SignedIn:
    """Who a session cookie belongs to: the principal every use case takes, and what the pages show."""

    principal: Principal
    session_id: uuid.UUID
    email: str
    #: The user's own choice of language; None: the organisation's, then the browser's.
    locale: str | None
    organisation_locale: str
    csrf_token: str


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)

    @classmethod
    def of(cls, config) -> "Lifetimes":
        """From `service.config.Config` (web_session_idle_minutes, web_session_absolute_hours)."""
        return cls(idle=timedelta(minutes=config.web_session_idle_minutes),
                   absolute=timedelta(hours=config.web_session_absolute_hours))


_BY_COOKIE = (select(WebSession.id, WebSession.created_at, WebSession.last_seen_at, WebSession.csrf_token,
                     User.id.label("user_id"), User.organisation_id, User.role, User.employer_id, User.email,
                     User.locale, Organisation.time_zone, Organisation.locale.label("organisation_locale"))
              .join(User, User.id == WebSession.user_id)
              .join(Organisation, Organisation.id == User.organisation_id)
              .where(WebSession.token_hash == bindparam("digest"), WebSession.revoked_at.is_(None),
                     User.active.is_(True)))


def open_session(uow: UnitOfWork, user_id: uuid.UUID, lifetimes: Lifetimes = Lifetimes()) -> str:
    """A new session for an active user (just signed in); returns the cookie's value, shown only here.

    The user's sessions past their absolute lifetime are deleted on the way: each sign-in adds a row, and
    none is kept longer than it could be used (so the table holds about a day of sign-ins, no more)."""
    cookie = secrets.token_urlsafe(32)
    with uow:
        organisation_id = uow.session.scalar(select(User.organisation_id).where(User.id == user_id))
        if organisation_id is None:
            raise LookupError(f"no user {user_id}")
        uow.session.execute(delete(WebSession).where(WebSession.user_id == user_id,
                                                     WebSession.created_at <= utcnow() - lifetimes.absolute))
        uow.session.add(WebSession(organisation_id=organisation_id, user_id=user_id, token_hash=digest(cookie),
                                   csrf_token=secrets.token_urlsafe(32)))
        uow.commit()
    return cookie


def resolve(uow: UnitOfWork, cookie: str | None, lifetimes: Lifetimes = Lifetimes()) -> SignedIn | None:
    """The signed-in user of a cookie, or None: unknown, revoked, idle too long, too old, or the user removed."""
    if not cookie:
        return None
    now = utcnow()
    with uow:
        row = uow.session.execute(_BY_COOKIE, {"digest": digest(cookie)}).one_or_none()
        if row is None or now - row.last_seen_at >= lifetimes.idle or now - row.created_at >= lifetimes.absolute:
            return None
        if now - row.last_seen_at >= TOUCH_EVERY:
            uow.session.execute(update(WebSession).where(WebSession.id == row.id).values(last_seen_at=now))
            uow.commit()
    return SignedIn(principal=Principal(user_id=row.user_id, organisation_id=row.organisation_id, role=Role(row.role),
                                        employer_id=row.employer_id, time_zone=row.time_zone),
                    session_id=row.id, email=row.email, locale=row.locale,
                    organisation_locale=row.organisation_locale, csrf_token=row.csrf_token)


def revoke(uow: UnitOfWork, cookie: str | None) -> None:
    """Sign-out: the cookie is refused from the commit on (an unknown or revoked one is no error)."""
    if not cookie:
        return
    with uow:
        uow.session.execute(update(WebSession).where(WebSession.token_hash == digest(cookie),
                                                     WebSession.revoked_at.is_(None)).values(revoked_at=utcnow()))
        uow.commit()


def revoke_others(uow: UnitOfWork, user_id: uuid.UUID, keep: uuid.UUID | None = None) -> None:
    """Revoke every open session of the user but `keep` (None: all). Joins the caller's
    transaction: call it inside `with uow:` before the caller commits (a password change and the
    revocation it implies are one change)."""
    stmt = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(WebSession.id != keep)
    uow.session.execute(stmt.values(revoked_at=utcnow()))
