"""The scheduled purge (service/db/retention.py): at start and then every `purge_interval_seconds`.

It runs on a thread of its own in the relay process, which every deployment has (`pathways run`
starts one, docker-compose has its service), so that a slow purge never holds up relaying.
Several relays purging at once is harmless: their batches skip each other's rows.
"""

from __future__ import annotations

import logging
import threading

from service.bootstrap import Pathways
from service.db import retention
from service.db.session import DATABASE_UNAVAILABLE

log = logging.getLogger(__name__)
#: After a failed purge (the database away, say), the next try comes sooner than the interval.
RETRY_SECONDS = 60.0


def start(pathways: Pathways, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=run, args=(pathways, stop), name="retention", daemon=True)
    thread.start()
    return thread


def run(pathways: Pathways, stop: threading.Event) -> None:
    """Purge until `stop` is set; a failure is logged and tried again, never ends the process."""
    interval = pathways.config.purge_interval_seconds
    while not stop.is_set():
        wait = interval
        try:
            deleted = retention.purge(pathways)
        except DATABASE_UNAVAILABLE as error:
            log.warning("purge postponed: database unavailable (%s)", error.__class__.__name__)
            wait = min(interval, RETRY_SECONDS)
        except Exception:  # noqa: BLE001 - retention must not take the relay down with it
            log.exception("purge failed; trying again later")
            wait = min(interval, RETRY_SECONDS)
        else:
            if any(deleted.values()):
                log.info("purged %s", ", ".join(f"{count} {store}" for store, count in deleted.items() if count))
        stop.wait(wait)
