"""The imports consumer: runs the trainee imports admins start on the import page (service.imports.jobs).

It handles no event: the jobs wait in `import_jobs`, where the page queued them in its own transaction,
so none is lost while the broker is away and no file's cells ever travel on the queue. Between messages
(`on_tick`, at least every `IDLE_WAIT_SECONDS`) it claims the oldest queued job with a conditional
update (competing workers: one wins) and runs it with the engine of `pathways import trainees`, one
process, a batch per transaction; the job's progress is stored after every batch. While a job runs, the
broker connection's heartbeats are kept up between batches, so RabbitMQ does not drop the consumer.
Once an hour it deletes old jobs (finished 30 days ago, drafts left for 7): their cells are people's data.
"""

from __future__ import annotations

import logging
import time

from service.db.session import DATABASE_UNAVAILABLE
from service.imports import jobs
from workers.base import EventConsumer
from workers.registry import register

log = logging.getLogger(__name__)
#: How often an idle worker looks for a queued import.
POLL_SECONDS = 1.0
#: After the database was unreachable, the next look waits this long.
RETRY_SECONDS = 15.0
#: How often old jobs (their cells hold national ids) are deleted (service.imports.jobs.purge).
PURGE_SECONDS = 3600.0


@register
class ImportsConsumer(EventConsumer):
    name = "imports"
    handlers = {}

    def on_tick(self) -> None:
        now = time.monotonic()
        if now < getattr(self, "_next_look", 0.0):
            return
        self._next_look = now + POLL_SECONDS
        try:
            if now >= getattr(self, "_next_purge", 0.0):
                self._next_purge = now + PURGE_SECONDS
                if purged := jobs.purge(self.pathways):
                    log.info("%d old import jobs deleted", purged)
            job_id = jobs.run_next(self.pathways, on_batch=self._keep_alive)
        except DATABASE_UNAVAILABLE as error:
            log.warning("imports postponed: database unavailable (%s)", error.__class__.__name__)
            self._next_look = now + RETRY_SECONDS
            return
        if job_id is not None:
            log.info("import job %s finished", job_id)
            self._next_look = 0.0  # another may be waiting

    def _keep_alive(self) -> None:
        live = getattr(self, "_live", None)
        if live is not None:
            try:
                live.heartbeat_check()
            except Exception:  # noqa: BLE001 - the consumer loop reconnects if the connection is gone
                log.debug("heartbeat check failed during an import", exc_info=True)
