"""Liveness of the relay and the workers, for a container healthcheck: a file touched while their loops turn.

Those processes serve no HTTP, and "the process exists" says nothing about a relay stuck
in a loop that no longer turns. Each loop beats its file (at most every few seconds,
so the cost is one `utime` call now and then); `pathways heartbeat NAME` exits 0 while
the file is younger than `--max-age` seconds, 1 otherwise. A container has a file
system of its own, so each replica's healthcheck reads its own process's file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

#: How often a loop writes its file at most; a healthcheck allows several of these.
BEAT_EVERY_SECONDS = 5.0
DEFAULT_MAX_AGE_SECONDS = 60.0


def directory() -> Path:
    return Path(os.environ.get("PATHWAYS_DATA_DIR", "var")) / "heartbeats"


class Heartbeat:
    def __init__(self, name: str, folder: Path | None = None):
        self.path = (folder or directory()) / name
        self._last = float("-inf")

    def beat(self) -> None:
        now = time.monotonic()
        if now - self._last < BEAT_EVERY_SECONDS:
            return
        self._last = now
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch()
        except OSError:
            pass  # an unwritable data directory must not stop the relay; the healthcheck will say so


def age_seconds(name: str, folder: Path | None = None) -> float | None:
    """Seconds since `name` last beat, or None when it never did."""
    try:
        return time.time() - ((folder or directory()) / name).stat().st_mtime
    except FileNotFoundError:
        return None
