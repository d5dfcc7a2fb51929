"""CPU time spent during a measurement by the measured processes and by everything else.

Read from /proc: a noisy neighbour shows up as CPU used outside the processes under test
(the servers, the load generator, PostgreSQL, RabbitMQ, the relay and the workers).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

MEASURED = re.compile(r"gunicorn|wrk|postgres|beam\.smp|pathways|bench\.|erl_child|epmd")
TICKS = os.sysconf("SC_CLK_TCK")


def _process_ticks() -> tuple[int, int]:
    measured = other = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        if MEASURED.search(command):
            measured += ticks
        else:
            other += ticks
    return measured, other


@dataclass
class CpuWindow:
    """Use as a context manager; afterwards `outside_seconds` is the CPU others used meanwhile."""

    measured_seconds: float = 0.0
    outside_seconds: float = 0.0

    def __enter__(self) -> "CpuWindow":
        self._start = _process_ticks()
        return self

    def __exit__(self, *_exc) -> None:
        end = _process_ticks()
        self.measured_seconds = (end[0] - self._start[0]) / TICKS
        self.outside_seconds = max(0, end[1] - self._start[1]) / TICKS
