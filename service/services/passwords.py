"""Web passwords: the rule a new one must meet, and argon2id hashing (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from service.domain.errors import ValidationFailed
from service.domain.messages import Msg

MIN_LENGTH = 10
MAX_LENGTH = 128
#: argon2id, RFC 9106's second recommended option (64 MiB, 3 passes): about 50 ms a hash on a laptop core.
_HASHER = PasswordHasher()


def check_rule(password: str, email: str) -> None:
    """Refuse a password that is too short, too long, or the user's own email address."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed({"password": [Msg("Use at least {count} characters.", count=MIN_LENGTH)]})
    if len(password) > MAX_LENGTH:
        raise ValidationFailed({"password": [Msg("Use at most {count} characters.", count=MAX_LENGTH)]})
    if password.strip().casefold() == email.strip().casefold():
        raise ValidationFailed({"password": [Msg("Choose a password other than your email address.")]})


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether `password` is the one `password_hash` was made from; False for a user without a password."""
    if password_hash is None:
        _spend(password)
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def spend_time(password: str) -> None:
    """Take as long as checking a password does, for an email nobody has."""
    _spend(password)


def _spend(password: str) -> None:
    try:
        _HASHER.verify(_absent(), password)
    except VerificationError:
        pass


@cache
def _absent() -> str:
    """A hash nobody's password matches: verified when no user has the email (or no password), so that an
    unknown address takes as long as a wrong password. Made on first use, not at import (it takes 64 MiB)."""
    return _HASHER.hash(secrets.token_urlsafe(32))


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash on the next sign-in)."""
    return _HASHER.check_needs_rehash(password_hash)
