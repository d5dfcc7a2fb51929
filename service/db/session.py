"""Engine and session factory; nothing here connects until first use (gunicorn forks)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000

#: "The database cannot be reached (or is locked) right now": wait and try again, it is no bug.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
#: PostgreSQL aborted the transaction to break a deadlock (40P01) or a serialization conflict (40001):
#: nothing is wrong with the database or the work, and running the transaction again at once succeeds.
CONFLICT_SQLSTATES = frozenset({"40P01", "40001"})
_LIMIT_WAITS = text("SELECT set_config('lock_timeout', :lock_timeout, true), "
                    "set_config('statement_timeout', :statement_timeout, true)")


def is_conflict(error: BaseException) -> bool:
    """Whether `error` (SQLAlchemy's, wrapping psycopg's) is a deadlock or a serialization failure."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) in CONFLICT_SQLSTATES


def limit_waits(session: Session, *, lock_timeout: float, statement_timeout: float) -> None:
    """Bound how long the session's current transaction waits for a lock or runs a statement (PostgreSQL;
    seconds, 0 for no bound). Like SET LOCAL: the bounds end with the transaction, so pooled connections
    shared with code that wants none (the API) are unaffected."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LIMIT_WAITS, {"lock_timeout": str(round(lock_timeout * 1000)),
                                       "statement_timeout": str(round(statement_timeout * 1000))})


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys, WAL, a busy timeout, and write transactions that lock up front.

    `BEGIN IMMEDIATE` makes check-then-insert rules (cohort capacity, duplicates)
    safe across gunicorn workers: the second writer waits instead of failing late.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" below decide
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # Safe with WAL (no corruption; a power cut may lose the last commits) and it
        # spares an fsync per commit, which dominates small writes on a laptop.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(database_url: str, *, echo: bool = False) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, hide_parameters=True,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    # Bound parameters stay out of error messages and logs: they can hold personal data.
    return create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
