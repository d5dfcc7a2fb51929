"""Worker transactions: bounded lock waits and statements, and a deadlock retried at once.

A consumer or relay transaction that waits behind a lock must not wait forever (the broker's
heartbeat and the other messages wait with it), so each one sets PostgreSQL's `lock_timeout`
and `statement_timeout` (Config.worker_*). A deadlock or serialization failure is no outage:
PostgreSQL rolled back one side so that the other could go on, and running the same
transaction again at once succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from service.bootstrap import Pathways
from service.db.session import DATABASE_UNAVAILABLE, is_conflict, limit_waits
from service.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
T = TypeVar("T")
#: Runs of one transaction when each loses to a deadlock; then it fails as any other error does.
CONFLICT_ATTEMPTS = 5


@contextmanager
def unit_of_work(pathways: Pathways) -> Iterator[UnitOfWork]:
    """`pathways.uow()` with the worker's bounds on waiting (for its one transaction: commit once)."""
    with pathways.uow() as uow:
        limit_waits(uow.session, lock_timeout=pathways.config.worker_lock_timeout_seconds,
                    statement_timeout=pathways.config.worker_statement_timeout_seconds)
        yield uow


def retrying_conflicts(work: Callable[[], T], what: str) -> T:
    """Run `work` (one whole transaction), again at once each time PostgreSQL aborts it for a conflict."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return work()
        except DATABASE_UNAVAILABLE as error:
            if attempt == CONFLICT_ATTEMPTS or not is_conflict(error):
                raise
            log.info("%s: %s (attempt %d of %d); running it again", what,
                     error.orig.__class__.__name__, attempt, CONFLICT_ATTEMPTS)
    raise AssertionError("unreachable")
