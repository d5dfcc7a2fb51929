"""Opaque bearer tokens: random, shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "pw_"


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """A fast hash suffices: tokens carry 256 random bits, unlike passwords."""
    return hashlib.sha256(token.encode()).hexdigest()
