"""A user's own account on the web (language, password) and an operator's password recovery."""

from __future__ import annotations

import uuid

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from service.clock import utcnow
from service.db.models import Employer, Organisation, User, WebSession
from service.domain.errors import Conflict, NotFound, ValidationFailed
from service.domain.messages import Msg
from service.services import passwords, web_sessions
from service.domain.roles import ADMIN_ONLY, Principal
from service.services.unit_of_work import UnitOfWork

#: The languages of the pages (service.web.i18n.LANGUAGES says the same).
LANGUAGES = ("en", "tr", "sv", "es")


def set_locale(uow: UnitOfWork, user_id: uuid.UUID, locale: str | None) -> None:
    """The user's language for the pages; None returns to the organisation's."""
    if locale is not None and locale not in LANGUAGES:
        raise ValidationFailed({"locale": [Msg("Choose one of {choices}.", choices=", ".join(LANGUAGES))]})
    with uow:
        user = _active(uow, user_id)
        user.locale = locale
        uow.commit()


def change_password(uow: UnitOfWork, user_id: uuid.UUID, session_id: uuid.UUID | None, current: str,
                    new: str) -> None:
    """The signed-in user's new password, given the current one; every other session of theirs ends."""
    with uow:
        user = _active(uow, user_id)
        if not passwords.verify(user.password_hash, current):
            raise ValidationFailed({"current_password": [Msg("This is not your current password.")]})
        passwords.check_rule(new, user.email)
        _set(uow, user, new)
        web_sessions.revoke_others(uow, user.id, keep=session_id)
        uow.commit()


def set_password(uow: UnitOfWork, email: str, password: str, organisation_slug: str | None = None) -> User:
    """For operators (`pathways users set-password`): give an active user a password, unlock them and end
    every web session of theirs. Without a slug the email must be one organisation's user only."""
    with uow:
        stmt = (select(User).join(Organisation, Organisation.id == User.organisation_id)
                .where(User.email == email.strip().lower(), User.active.is_(True)).with_for_update(of=User))
        if organisation_slug is not None:
            stmt = stmt.where(Organisation.slug == organisation_slug)
        found = uow.session.scalars(stmt).all()
        where = f" in organisation {organisation_slug!r}" if organisation_slug is not None else ""
        if not found:
            raise NotFound(f"No active user with email {email!r}{where}.")
        if len(found) > 1:
            raise Conflict(f"{len(found)} organisations have an active user with email {email!r}: "
                           "say which with --organisation SLUG.")
        user = found[0]
        passwords.check_rule(password, user.email)
        _set(uow, user, password)
        web_sessions.revoke_others(uow, user.id)
        uow.commit()
        return user


def _set(uow: UnitOfWork, user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_sign_ins = 0
    if user.locked_until is not None:
        user.locked_until = None


def _active(uow: UnitOfWork, user_id: uuid.UUID) -> User:
    user = uow.session.scalars(select(User).where(User.id == user_id).with_for_update()).one_or_none()
    if user is None or not user.active:
        raise NotFound(Msg("User not found."))
    return user


#: What the admin's list of users sorts by.
USER_SORTABLE = ("email", "role", "created_at", "last_signed_in_at")


@dataclass(frozen=True)
class UserRow:
    id: uuid.UUID
    email: str
    role: str
    employer_name: str | None
    created_at: datetime
    has_password: bool
    locked_until: datetime | None
    active: bool = True
    #: When the user last signed in on the pages: their newest web session (a sign-in deletes only the user's
    #: sessions past their absolute lifetime, never the newest), None if never.
    last_signed_in_at: datetime | None = None


def organisation_users(uow: UnitOfWork, principal: Principal, *, sort: str = "email", descending: bool = False,
                       offset: int = 0, limit: int = 25, active: bool = True,
                       user_id: uuid.UUID | None = None) -> tuple[list[UserRow], int]:
    """The active (or, with `active=False`, the deactivated) users of the admin's organisation (or just the one
    with `user_id`), a page of them, and how many there are."""
    principal.require(ADMIN_ONLY)
    if sort not in USER_SORTABLE:
        raise ValueError(f"cannot sort users by {sort!r}")
    where: tuple = (User.organisation_id == principal.organisation_id, User.active.is_(active))
    if user_id is not None:
        where += (User.id == user_id,)
    last_sign_in = (select(func.max(WebSession.created_at)).where(WebSession.user_id == User.id)
                    .correlate(User).scalar_subquery().label("last_signed_in_at"))
    column = last_sign_in if sort == "last_signed_in_at" else getattr(User, sort)
    stmt = (select(User.id, User.email, User.role, Employer.name, User.created_at, User.password_hash.is_not(None),
                   User.locked_until, User.active, last_sign_in)
            .outerjoin(Employer, Employer.id == User.employer_id).where(*where)
            .order_by(column.desc() if descending else column, User.id).offset(offset).limit(limit))
    with uow:
        total = uow.session.scalar(select(func.count()).select_from(User).where(*where)) or 0
        rows = [UserRow(*row) for row in uow.session.execute(stmt).all()]
    return rows, total


def organisation_employers(uow: UnitOfWork, principal: Principal) -> list[Employer]:
    """The employers of the admin's organisation, by name: whom an employer user may be invited for."""
    principal.require(ADMIN_ONLY)
    with uow:
        return list(uow.session.scalars(select(Employer).where(
            Employer.organisation_id == principal.organisation_id).order_by(Employer.name, Employer.id)))
