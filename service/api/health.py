"""`/healthz` (the process answers) and `/readyz` (its database answers).

Readiness leaves the broker out on purpose: a write goes to the outbox in the database
and the relay publishes it when the broker is back, so an API whose broker is away still
serves every request. The relay and the workers report the broker in their own logs.
"""

from __future__ import annotations

from flask import Blueprint
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
    if not all(checks.values()):
        failed = ", ".join(name for name, ok in checks.items() if not ok)
        return problem(503, "Service Unavailable", f"Not reachable: {failed}.", checks=checks)
    return {"status": "ready", "checks": checks}


def _database_ok() -> bool:
    try:
        with context.pathways().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False
