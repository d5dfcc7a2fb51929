"""Configuration, read from the environment in this one place; tests pass overrides."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import shlex
import subprocess
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from service.domain.errors import ConfigurationError

#: Where the embedded mode keeps its files (SQLite database, later the queue file).
DEFAULT_DATA_DIR = Path(os.environ.get("PATHWAYS_DATA_DIR", "var"))

#: Only ever used with the embedded SQLite database; a real deployment must set its own.
_EMBEDDED_SECRET = "pathways-embedded-development-secret"


@dataclass(frozen=True)
class Config:
    database_url: str
    broker_url: str | None = None
    #: HMAC keys for the national-id duplicate hash, (key id, 32-byte key), the current one first.
    pii_hash_keys: tuple[tuple[str, bytes], ...] = ()
    #: AES-GCM keys for the national-id ciphertexts, (key id, 32-byte key), the current one first.
    pii_encryption_keys: tuple[tuple[str, bytes], ...] = ()
    idempotency_ttl_seconds: int = 24 * 3600
    max_content_length: int = 1024 * 1024
    sql_echo: bool = False
    #: "classic" or "quorum" (RabbitMQ clusters); the embedded transport ignores it.
    queue_type: str = "classic"
    #: Seconds a failed message waits before each further attempt; then the dead-letter queue.
    retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0)
    relay_batch_size: int = 200
    #: Seconds a worker (consumer or relay) transaction waits for a lock / runs one statement on
    #: PostgreSQL before it gives up and tries again later (0: no bound). The API is not bounded.
    worker_lock_timeout_seconds: float = 5.0
    worker_statement_timeout_seconds: float = 30.0
    #: How often the outcomes worker re-evaluates checkpoints that fell due.
    sweep_interval_seconds: float = 3600.0
    #: Retention (service/db/retention.py): published outbox rows and the consumers' inbox are
    #: deleted after this long; idempotency keys after `idempotency_ttl_seconds`.
    outbox_retention_seconds: float = 7 * 86400.0
    inbox_retention_seconds: float = 7 * 86400.0
    #: How often the relay process purges what is past its retention (and once at its start).
    purge_interval_seconds: float = 3600.0

    #: Days a bearer token is accepted after it was issued (created, rotated or reissued).
    token_ttl_days: int = 90
    #: Where failed authentications are counted (limits' URI): "memory://" counts in each
    #: process on its own; "redis://host:6379/0" counts across all the API's processes.
    rate_limit_storage: str = "memory://"
    #: Failed authentications a client address may make before it is answered 429.
    auth_failure_limit: str = "20 per minute"
    #: A web session ends after this many minutes without a request, and this many hours after sign-in.
    web_session_idle_minutes: float = 30.0
    web_session_absolute_hours: float = 12.0

    @property
    def pii_hash_key(self) -> bytes:
        """The current hash key (also what the flash-message and idempotency keys derive from)."""
        return self.pii_hash_keys[0][1] if self.pii_hash_keys else b""

    @property
    def pii_encryption_key(self) -> bytes:
        return self.pii_encryption_keys[0][1] if self.pii_encryption_keys else b""

    @property
    def token_ttl(self) -> timedelta:
        return timedelta(days=self.token_ttl_days)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def embedded_broker(self) -> bool:
        return (self.broker_url or "").startswith("sqla+")

    @property
    def max_attempts(self) -> int:
        return len(self.retry_delays) + 1

    def with_overrides(self, **changes) -> "Config":
        return replace(self, **changes)


#: How to make a key: 32 random bytes, as text. Every key error names it.
GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
#: The length of `secrets.token_urlsafe(32)`: 32 random bytes in URL-safe base64.
MIN_KEY_CHARACTERS = 43
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,12}$")
_LEGACY_KEY_ID = "k1"  # as service.services.pii.LEGACY_KEY_ID (not imported: config comes first)
_log = logging.getLogger("pathways.config")


def _refuse(setting: str, problem: str) -> ConfigurationError:
    return ConfigurationError(f"{setting}: {problem}. Generate a key with: {GENERATE}")


def _weakness(key: str) -> str | None:
    """Why `key` cannot be 32 random bytes, or None. A heuristic: long enough, many different
    characters, no character most of it, not a short piece repeated."""
    if len(key) < MIN_KEY_CHARACTERS:
        return f"a key must be at least {MIN_KEY_CHARACTERS} characters (32 random bytes), this one has {len(key)}"
    if len(set(key)) < 10 or max(key.count(c) for c in set(key)) * 4 > len(key):
        return "this key has too few different characters to be random"
    if re.fullmatch(r"(.{1,%d})\1+.{0,%d}" % (len(key) // 2, len(key) // 2), key, re.DOTALL):
        return "this key repeats a shorter piece"
    return None


def _source(env: dict[str, str], kind: str) -> tuple[str, str] | None:
    """(setting, text) of the one setting of this kind that is set, its file read or its command run."""
    base = f"PATHWAYS_PII_{kind}"
    names = [f"{base}_KEYS", f"{base}_KEYS_FILE", f"{base}_KEYS_COMMAND",
             f"{base}_KEY", f"{base}_KEY_FILE", f"{base}_KEY_COMMAND"]
    given = [name for name in names if env.get(name, "").strip()]
    if len(given) > 1:
        raise ConfigurationError(f"set only one of {', '.join(given)}")
    if not given:
        return None
    name, value = given[0], env[given[0]].strip()
    if name.endswith("_FILE"):
        try:
            return name, Path(value).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigurationError(f"{name}: cannot read the key file {value}: {error.strerror}") from None
    if name.endswith("_COMMAND"):
        try:
            done = subprocess.run(shlex.split(value), capture_output=True, text=True, timeout=30, check=False)
        except (OSError, ValueError, subprocess.TimeoutExpired) as error:
            raise ConfigurationError(f"{name}: the key command could not run: {error}") from None
        if done.returncode != 0:
            said = (done.stderr.strip().splitlines() or [""])[-1][:200]
            raise ConfigurationError(f"{name}: the key command failed (exit status {done.returncode}) {said}".rstrip())
        if not done.stdout.strip():
            raise ConfigurationError(f"{name}: the key command printed no key")
        return name, done.stdout.strip()
    return name, value


def _parse(setting: str, text: str) -> list[tuple[str, str]]:
    """A `..._KEY*` setting is one key (id k1); a `..._KEYS*` one is `id:key,id:key`, the current first."""
    if "_KEYS" not in setting:
        return [(_LEGACY_KEY_ID, text)]
    ring = []
    for item in re.split(r"[,\s]+", text.strip()):
        key_id, colon, key = item.partition(":")
        if not colon or not _KEY_ID.match(key_id):
            raise _refuse(setting, "write the keys as id:key,id:key (ids: 1-12 letters, digits, '-' or '_'), "
                                   "the current key first")
        ring.append((key_id, key))
    ids = [key_id for key_id, _ in ring]
    if len(set(ids)) != len(ids):
        raise _refuse(setting, "each key id may appear once")
    return ring


def _generated(kind: str, database_url: str) -> tuple[str, str]:
    """Embedded mode without keys: random keys kept in a file beside the SQLite database (made on the
    first run). A database made before keys were generated was sealed with the old built-in secret: it
    stays readable as the retired key k1 until `pathways keys rotate` has moved it to the new one."""
    setting = f"PATHWAYS_PII_{kind}_KEYS"
    path = database_url.removeprefix("sqlite:///") if database_url.startswith("sqlite:///") else ""
    if not path or path == ":memory:" or path.startswith("file:"):
        return setting, f"k1:{secrets.token_urlsafe(32)}"
    database = Path(path)
    keys = database.parent / f"pii_{kind.lower()}.keys"
    if keys.exists():
        return f"{setting} (from {keys})", keys.read_text(encoding="utf-8").strip()
    text = f"k1:{secrets.token_urlsafe(32)}"
    if database.exists() and database.stat().st_size > 0:
        text = f"k2:{secrets.token_urlsafe(32)},k1:{_EMBEDDED_SECRET}"
    keys.parent.mkdir(parents=True, exist_ok=True)
    written = keys.with_name(f".{keys.name}.{os.getpid()}")
    descriptor = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    try:
        os.link(written, keys)  # whole or not at all; the first of processes started together wins
    except FileExistsError:
        return f"{setting} (from {keys})", keys.read_text(encoding="utf-8").strip()
    finally:
        written.unlink()
    _log.warning("No PATHWAYS_PII_%s_KEY set: generated a random key and kept it in %s (embedded mode only; "
                 "keep the file with the database)%s", kind, keys,
                 "; the existing data is under the old built-in key k1: `pathways keys rotate` moves it"
                 if "," in text else "")
    return f"{setting} (from {keys})", text


def pii_keys(env: dict[str, str], database_url: str) -> dict[str, tuple[tuple[str, bytes], ...]]:
    """The PII key rings, refused at start-up when a key is weak, or the same for hashing and encrypting.

    Each configured key is text (`secrets.token_urlsafe(32)`); the 32-byte key used is its SHA-256 with
    the purpose, as since the first release, so data stored under a key stays readable."""
    embedded = database_url.startswith("sqlite")
    rings: dict[str, list[tuple[str, str]]] = {}
    settings: dict[str, str] = {}
    for kind in ("HASH", "ENCRYPTION"):
        found = _source(env, kind)
        if found is None:
            if not embedded:
                raise _refuse(f"PATHWAYS_PII_{kind}_KEY", "must be set when DATABASE_URL is not SQLite (or its "
                                                         "_FILE, _COMMAND or _KEYS form)")
            found = _generated(kind, database_url)
        settings[kind], text = found
        rings[kind] = _parse(settings[kind], text)
        for position, (_, key) in enumerate(rings[kind]):
            if embedded and position > 0 and key == _EMBEDDED_SECRET:
                continue  # the old built-in key, kept to read a demo database made before
            if (problem := _weakness(key)) is not None:
                raise _refuse(settings[kind], problem)
        keys = [key for _, key in rings[kind]]
        if len(set(keys)) != len(keys):
            raise _refuse(settings[kind], "the same key appears twice")
    shared = {key for _, key in rings["HASH"]} & {key for _, key in rings["ENCRYPTION"]} - {_EMBEDDED_SECRET}
    if shared:
        raise _refuse(settings["ENCRYPTION"], f"the hash and the encryption keys must differ ({settings['HASH']} "
                                              "holds the same key)")
    return {
        "pii_hash_keys": tuple((key_id, _derive(key, "pii_hash")) for key_id, key in rings["HASH"]),
        "pii_encryption_keys": tuple((key_id, _derive(key, "pii_encryption")) for key_id, key in rings["ENCRYPTION"]),
    }


def _derive(value: str, purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{value}".encode()).digest()


def normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` spellings and pin the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _token_ttl_days(value: str | None) -> int:
    days = value or "90"
    if not days.isdigit() or int(days) < 1:
        raise ConfigurationError("PATHWAYS_TOKEN_TTL_DAYS must be a whole number of days, at least 1")
    return int(days)


def from_env(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    database_url = normalise_database_url(
        env.get("DATABASE_URL") or f"sqlite:///{(DEFAULT_DATA_DIR / 'pathways.db').resolve()}"
    )
    return Config(
        database_url=database_url,
        # No broker configured: Kombu's SQLAlchemy transport on its own SQLite file.
        broker_url=env.get("BROKER_URL") or f"sqla+sqlite:///{(DEFAULT_DATA_DIR / 'queue.db').resolve()}",
        queue_type=env.get("PATHWAYS_QUEUE_TYPE", "classic"),
        retry_delays=tuple(float(d) for d in env.get("PATHWAYS_RETRY_DELAYS", "1,5,30").split(",")),
        **pii_keys(env, database_url),
        sql_echo=env.get("PATHWAYS_SQL_ECHO") == "1",
        worker_lock_timeout_seconds=float(env.get("PATHWAYS_WORKER_LOCK_TIMEOUT", "5")),
        worker_statement_timeout_seconds=float(env.get("PATHWAYS_WORKER_STATEMENT_TIMEOUT", "30")),
        token_ttl_days=_token_ttl_days(env.get("PATHWAYS_TOKEN_TTL_DAYS")),
        rate_limit_storage=env.get("PATHWAYS_RATE_LIMIT_STORAGE") or env.get("REDIS_URL") or "memory://",
        auth_failure_limit=env.get("PATHWAYS_AUTH_FAILURE_LIMIT") or "20 per minute",
        idempotency_ttl_seconds=int(_positive(env, "PATHWAYS_RETENTION_IDEMPOTENCY_HOURS", 24) * 3600),
        outbox_retention_seconds=_positive(env, "PATHWAYS_RETENTION_OUTBOX_DAYS", 7) * 86400,
        inbox_retention_seconds=_positive(env, "PATHWAYS_RETENTION_INBOX_DAYS", 7) * 86400,
        purge_interval_seconds=_positive(env, "PATHWAYS_PURGE_INTERVAL_SECONDS", 3600),
        web_session_idle_minutes=_positive(env, "PATHWAYS_WEB_SESSION_IDLE_MINUTES", 30),
        web_session_absolute_hours=_positive(env, "PATHWAYS_WEB_SESSION_ABSOLUTE_HOURS", 12),
    )


def _positive(env: dict[str, str], name: str, default: float) -> float:
    """A number > 0 from the environment (fractions allowed: 0.5 days is 12 hours)."""
    try:
        value = float(env.get(name) or default)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number") from None
    if not 0 < value < float("inf"):  # also refuses NaN
        raise ConfigurationError(f"{name} must be a number greater than 0")
    return value
