"""Failed authentications are limited per client address: a token cannot be guessed at speed.

Only answers 401 count (Flask-Limiter's `deduct_when`), so clients with valid tokens never use
up the allowance; once an address has failed `Config.auth_failure_limit` times, every request
it makes to an authenticated endpoint is answered 429 until the window passes, before any
database query. The count lives in `Config.rate_limit_storage`: Redis shares it between all
the API's processes, memory keeps one count per process.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from service.api.errors import problem
from service.config import Config
from service.domain.messages import Msg

EXTENSION = "pathways_rate_limit"


def _unauthenticated(response) -> bool:
    return response.status_code == 401


def _not_authenticated_endpoint() -> bool:
    """Health, metrics and docs take no token, so they are neither counted nor refused."""
    view = current_app.view_functions.get(request.endpoint or "")
    return not hasattr(view, "_pathways_roles")


def _too_many(error: RateLimitExceeded):
    limiter: Limiter = current_app.extensions[EXTENSION]
    current = limiter.current_limit
    retry_after = max(1, math.ceil(current.window.reset_time - time.time())) if current else 60
    return problem(429, "Too Many Requests",
                   Msg("Too many failed authentications from this address ({limit}); try again in {seconds} s.",
                       limit=error.description, seconds=retry_after), headers={"Retry-After": str(retry_after)})


def register(app: Flask, config: Config) -> None:
    limiter = Limiter(
        get_remote_address, app=app, storage_uri=config.rate_limit_storage, strategy="fixed-window",
        application_limits=[config.auth_failure_limit],
        application_limits_deduct_when=_unauthenticated,
        application_limits_exempt_when=_not_authenticated_endpoint,
        # An unreachable Redis must not take the API down: count in memory until it is back.
        in_memory_fallback_enabled=True, swallow_errors=True,
        key_prefix="pathways-auth-failures")
    app.extensions[EXTENSION] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many)
