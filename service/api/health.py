"""`/healthz` (the process answers) and `/readyz` (its database and broker answer)."""

from __future__ import annotations

from flask import Blueprint
from kombu import Connection
from sqlalchemy import text

from service.api import context
from service.api.errors import problem

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return {"status": "ok"}


@blp.get("/readyz")
def readyz():
    checks = {"database": _database_ok()}
    if context.pathways().config.broker_url:
        checks["broker"] = _broker_ok(context.pathways().config.broker_url)
    if not all(checks.values()):
        failed = ", ".join(name for name, ok in checks.items() if not ok)
        return problem(503, "Service Unavailable", f"Not reachable: {failed}.", checks=checks)
    return {"status": "ready", "checks": checks}


def _broker_ok(url: str) -> bool:
    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False


def _database_ok() -> bool:
    try:
        with context.pathways().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not ready"; the reason goes to the log
        return False
