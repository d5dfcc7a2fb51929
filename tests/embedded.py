"""Real `pathways` processes on the embedded default (SQLite, Kombu's SQLite transport), each in a data
directory of its test's own: what a laptop runs with `make run`."""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PATHWAYS = [sys.executable, "-m", "service.cli"]
#: Settings of the surrounding shell that would point the processes away from their data directory.
_FOREIGN = ("DATABASE_URL", "BROKER_URL", "PROMETHEUS_MULTIPROC_DIR", "HOST", "PORT", "WEB_CONCURRENCY")


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _FOREIGN}
    return {**env, "PATHWAYS_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status(url: str, token: str | None = None, timeout: float = 3) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, urllib.error.URLError):
        return None


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (/proc/PID/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def scalar(database: Path, sql: str):
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchone()[0]
