"""`/healthz` (the process answers) and `/readyz` (its database and broker answer)."""

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
    except Exception:  # any failure means "not ready"; the reason goes to the log
        return False
