"""Signing in on the web with an email and a password, with a temporary lockout after repeated failures.

An email may be a user's in several organisations; the password says which (the first one, by
creation, whose password it is). Every refusal says the same thing whether the email is unknown,
the password wrong or the user has none, so that nobody learns which addresses are users; only a
locked user is told to try again later (after five wrong passwords, for fifteen minutes).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from service.clock import utcnow
from service.db import audit
from service.db.models import User
from service.domain.errors import Unauthenticated
from service.domain.messages import Msg
from service.services import passwords
from service.services.unit_of_work import UnitOfWork

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
REFUSED = Msg("The email address or the password is not right.")
LOCKED = Msg("Too many failed sign-ins: try again later.")


class SignInRefused(Unauthenticated):
    """Wrong email or password (`locked` False), or a user locked out for a while (`locked` True)."""

    def __init__(self, locked: bool = False):
        super().__init__(LOCKED if locked else REFUSED)
        self.locked = locked


def sign_in(uow: UnitOfWork, email: str, password: str) -> User:
    """The active user with this email whose password this is; raises SignInRefused otherwise.

    A wrong password counts against every unlocked user with the email; the fifth in a row locks
    them for LOCKOUT. A right password clears the count (and rehashes one made with older parameters).
    """
    now = utcnow()
    with uow:
        candidates = uow.session.scalars(
            select(User).where(User.email == email.strip().lower(), User.active.is_(True))
            .order_by(User.created_at, User.id).with_for_update()).all()
        if not candidates:
            passwords.spend_time(password)
            raise SignInRefused()
        unlocked = [user for user in candidates if user.locked_until is None or user.locked_until <= now]
        for user in unlocked:
            if passwords.verify(user.password_hash, password):
                _signed_in(uow, user, password)
                return user
        if not unlocked:
            passwords.spend_time(password)
            raise SignInRefused(locked=True)
        for user in unlocked:
            if user.password_hash is None:  # no password: nothing to guess, nothing to lock
                continue
            user.failed_sign_ins += 1
            if user.failed_sign_ins >= MAX_FAILURES:
                user.failed_sign_ins = 0
                user.locked_until = now + LOCKOUT
        uow.commit()
        raise SignInRefused(locked=any(user.locked_until is not None and user.locked_until > now
                                       for user in unlocked))


def _signed_in(uow: UnitOfWork, user: User, password: str) -> None:
    uow.session.info[audit.ACTOR_KEY] = user.id  # a rehash is the user's own change
    if user.failed_sign_ins:
        user.failed_sign_ins = 0
    if user.password_hash is not None and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    uow.commit()
