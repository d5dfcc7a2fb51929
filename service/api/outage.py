"""A database that cannot be reached is an outage, not a bug: 503 with Retry-After, one log line each way.

Without this every request of an outage was a 500 and a traceback in the log. The
process stays alive (`/healthz` does not touch the database) and a client is told when
to come back. The log says when the outage began and when it ended, once each per
process, so that a minute of downtime under load is two lines, not thousands.
"""

from __future__ import annotations

import logging
import threading
import weakref

from flask import Flask, Response
from sqlalchemy import Engine, event

from service.api.errors import problem
from service.db.session import DATABASE_UNAVAILABLE
from service.domain.messages import Msg

log = logging.getLogger(__name__)

#: Seconds a client should wait before trying again: long enough not to hammer a recovering
#: server, short enough that a restart of PostgreSQL costs a client little.
RETRY_AFTER_SECONDS = 5


class OutageLog:
    """Whether this process last saw the database fail; logs only the changes."""

    def __init__(self) -> None:
        self._down = False
        self._lock = threading.Lock()

    def failed(self, error: Exception) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
        log.warning("database unavailable (%s); answering 503 until it is reachable again",
                    error.__class__.__name__)

    def reached(self, *_args) -> None:
        if not self._down:  # the common case, without taking the lock
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        log.warning("database reachable again")


#: One per engine: apps built on a shared engine (tests) share its listener instead of adding one each.
_BY_ENGINE: weakref.WeakKeyDictionary[Engine, OutageLog] = weakref.WeakKeyDictionary()


def _outage_log(engine: Engine) -> OutageLog:
    if engine not in _BY_ENGINE:
        _BY_ENGINE[engine] = outages = OutageLog()
        # A checkout succeeds only once the database answered (the pool pings it first on PostgreSQL).
        event.listen(engine, "checkout", outages.reached)
    return _BY_ENGINE[engine]


def register(app: Flask, engine: Engine) -> None:
    outages = _outage_log(engine)

    def unavailable(error: Exception) -> Response:
        outages.failed(error)
        return problem(503, "Service Unavailable",
                       Msg("The database cannot be reached right now. Try again shortly (with the same "
                           "Idempotency-Key, a retried POST cannot apply twice)."),
                       type_="urn:pathways:problem:unavailable",
                       headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, unavailable)
