"""Opaque bearer tokens: random, shown once, stored only as a SHA-256 digest, with an expiry."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from service.clock import utcnow
from service.db.models import User

PREFIX = "pw_"
#: How long a token is accepted when the caller does not say (Config.token_ttl_days says for the API).
DEFAULT_TTL = timedelta(days=90)


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """A fast hash suffices: tokens carry 256 random bits, unlike passwords."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, ttl: timedelta | None = None) -> str:
    """Give `user` a new token, replacing any previous one; returns it (it is stored only hashed)."""
    token = new_token()
    user.token_hash = digest(token)
    user.token_expires_at = utcnow() + (ttl or DEFAULT_TTL)
    return token
