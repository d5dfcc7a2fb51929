"""The demo users' tokens and web sign-ins (email and password) in plain text, kept beside the embedded
SQLite database so that every `make run` can print them again, unchanged, instead of replacing tokens
or passwords someone saved.

The database holds only each token's SHA-256 digest, so printing a token again needs its
text from somewhere. Why a file, and why that is safe enough:
- It is written only for an SQLite database (the embedded, laptop default), in that
  database's own directory (`var/` by default), with mode 0600 (owner only) from its
  creation on (a temporary file made 0600, then renamed into place). Whoever can read it
  can read the database file beside it, which holds every record the tokens give access
  to: it exposes nothing that directory did not. `make clean` removes both.
- Nothing is written for a server database (PostgreSQL): there the local directory is no
  such boundary, so loading the demo again keeps the tokens but cannot print them.
- Deriving the tokens from a local secret instead would need that secret stored in the
  same place, with the same exposure, and a leaked secret would give every token ever
  derived from it; a file of random tokens is simpler and no weaker.
Each demo has its own file (İzmir's `demo-tokens.json`, a country's `demo-tokens-<slug>.json`), so that
loading one never shows or replaces another's tokens; the launcher prints İzmir's.
Only a token that is still an active user's is ever shown (see `current`), so a file left
beside another database, or a token replaced since, never shows a wrong one; the same holds for a
password (see `current_sign_ins`: one changed since is not shown).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from service.bootstrap import Pathways
from service.config import Config
from service.db.models import User
from service.services import passwords
from service.services.tokens import digest

FILE_NAME = "demo-tokens.json"
#: The İzmir demo's slug: its tokens are FILE_NAME; a country demo's are demo-tokens-<slug>.json beside it.
DEFAULT_SLUG = "demo"


def file_name(slug: str = DEFAULT_SLUG) -> str:
    return FILE_NAME if slug == DEFAULT_SLUG else f"demo-tokens-{slug}.json"


def path(config: Config, slug: str = DEFAULT_SLUG) -> Path | None:
    """Where the file of the demo with this slug lives; None when the database is not an SQLite file."""
    if not config.is_sqlite:
        return None
    database = make_url(config.database_url).database
    if not database or database == ":memory:":
        return None
    return Path(database).resolve().parent / file_name(slug)


def _read(config: Config, slug: str) -> dict:
    where = path(config, slug)
    try:
        saved = json.loads(where.read_text()) if where else {}
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def load(config: Config, slug: str = DEFAULT_SLUG) -> dict[str, str]:
    """The saved tokens by role; empty when there are none."""
    tokens = _read(config, slug).get("tokens")
    return {str(role): str(token) for role, token in tokens.items()} if isinstance(tokens, dict) else {}


def load_sign_ins(config: Config, slug: str = DEFAULT_SLUG) -> dict[str, dict[str, str]]:
    """The saved web sign-ins by role: {"email": ..., "password": ...}; empty when there are none."""
    sign_ins = _read(config, slug).get("sign_ins")
    if not isinstance(sign_ins, dict):
        return {}
    return {str(role): {"email": str(each["email"]), "password": str(each["password"])}
            for role, each in sign_ins.items()
            if isinstance(each, dict) and "email" in each and "password" in each}


def current(pathways: Pathways) -> dict[str, str]:
    """The saved tokens that are still an active user's (expiry aside: the API says so itself)."""
    saved = load(pathways.config)
    if not saved:
        return {}
    with pathways.uow() as uow:
        live = set(uow.session.scalars(select(User.token_hash).where(
            User.active.is_(True), User.token_hash.in_([digest(token) for token in saved.values()]))))
    return {role: token for role, token in saved.items() if digest(token) in live}


def current_sign_ins(pathways: Pathways, slug: str = DEFAULT_SLUG) -> dict[str, dict[str, str]]:
    """The saved sign-ins whose password is still an active user's with that email."""
    saved = load_sign_ins(pathways.config, slug)
    if not saved:
        return {}
    with pathways.uow() as uow:
        hashes: dict[str, list[str]] = {}
        for email, password_hash in uow.session.execute(select(User.email, User.password_hash).where(
                User.active.is_(True), User.password_hash.is_not(None),
                User.email.in_([each["email"] for each in saved.values()]))):
            hashes.setdefault(email, []).append(password_hash)
    return {role: each for role, each in saved.items()
            if any(passwords.verify(known, each["password"]) for known in hashes.get(each["email"], []))}


def save(config: Config, tokens: dict[str, str], slug: str = DEFAULT_SLUG,
         sign_ins: dict[str, dict[str, str]] | None = None) -> None:
    """Replace the saved tokens and sign-ins (nothing happens on a server database)."""
    where = path(config, slug)
    if where is None:
        return
    where.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file with mode 0600 before anything is written to it.
    descriptor, temporary = tempfile.mkstemp(dir=where.parent, prefix=".demo-tokens-")
    try:
        with os.fdopen(descriptor, "w") as file:
            json.dump({"tokens": tokens, "sign_ins": sign_ins or {}}, file, indent=2)
        os.replace(temporary, where)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
