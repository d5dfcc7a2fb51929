"""Configuration, read from the environment in this one place; tests pass overrides."""

from __future__ import annotations

import hashlib
import os
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
    #: HMAC key for the national-id duplicate hash.
    pii_hash_key: bytes = b""
    #: 32-byte AES-GCM key for the national-id ciphertext.
    pii_encryption_key: bytes = b""
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


def _key(value: str | None, purpose: str, embedded: bool) -> bytes:
    """Derive a 32-byte key from a configured secret (any length, any text)."""
    if not value:
        if not embedded:
            raise ConfigurationError(
                f"PATHWAYS_{purpose.upper()}_KEY must be set when DATABASE_URL is not SQLite"
            )
        value = _EMBEDDED_SECRET
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
    embedded = database_url.startswith("sqlite")
    return Config(
        database_url=database_url,
        # No broker configured: Kombu's SQLAlchemy transport on its own SQLite file.
        broker_url=env.get("BROKER_URL") or f"sqla+sqlite:///{(DEFAULT_DATA_DIR / 'queue.db').resolve()}",
        queue_type=env.get("PATHWAYS_QUEUE_TYPE", "classic"),
        retry_delays=tuple(float(d) for d in env.get("PATHWAYS_RETRY_DELAYS", "1,5,30").split(",")),
        pii_hash_key=_key(env.get("PATHWAYS_PII_HASH_KEY"), "pii_hash", embedded),
        pii_encryption_key=_key(env.get("PATHWAYS_PII_ENCRYPTION_KEY"), "pii_encryption", embedded),
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
