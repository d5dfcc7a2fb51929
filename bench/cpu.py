"""CPU time spent during a measurement by the benchmark and by everything else on the machine.

Read from /proc. Counted as the benchmark's: this process and its descendants (the servers,
wrk, the relay, the workers, the ceilings), the PostgreSQL backends connected to the
benchmark's database and the server's own background processes, and RabbitMQ (one server,
whose vhosts cannot be told apart here). Everything else is "outside": another database's
backends, another checkout's API, a test run. A noisy neighbour shows up there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bench.setup import DATABASE

RABBITMQ = ("beam.smp", "erl_child_setup", "epmd", "inet_gethost")
TICKS = os.sysconf("SC_CLK_TCK")


def snapshot() -> dict[int, tuple[int, int, str]]:
    """Every live process: pid -> (parent pid, CPU ticks so far, command line)."""
    processes = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue  # ended meanwhile
        processes[int(pid)] = (int(fields[1]), int(fields[11]) + int(fields[12]), command)  # ppid, utime + stime
    return processes


def family(root: int, processes: dict[int, tuple[int, int, str]]) -> set[int]:
    """`root` and its descendants, to any depth."""
    members, grew = {root}, True
    while grew:
        grew = False
        for pid, (parent, _ticks, _command) in processes.items():
            if pid not in members and parent in members:
                members.add(pid)
                grew = True
    return members


def backend_database(command: str) -> str | None:
    """The database a PostgreSQL backend serves ("postgres: 15/main: USER DATABASE HOST(PORT) STATE");
    None for any other process, the server's background processes included."""
    if not command.startswith("postgres: "):
        return None
    words = command.split(": ", 2)[-1].split()
    is_backend = len(words) >= 3 and (words[2].endswith(")") or words[2] == "[local]")
    return words[1] if is_backend else None


def _is_ours(pid: int, command: str, ours: set[int]) -> bool:
    if pid in ours or any(name in command.split(" ", 1)[0] for name in RABBITMQ):
        return True
    if command.startswith(("postgres: ", "/usr/lib/postgresql/")):  # the server counts, but not
        return backend_database(command) in (None, DATABASE)       # other databases' backends
    return False


def _process_ticks() -> tuple[int, int]:
    processes = snapshot()
    ours = family(os.getpid(), processes)
    measured = other = 0
    for pid, (_parent, ticks, command) in processes.items():
        if _is_ours(pid, command, ours):
            measured += ticks
        else:
            other += ticks
    return measured, other


@dataclass
class CpuWindow:
    """Use as a context manager; afterwards `outside_seconds` is the CPU others used meanwhile
    (a process that starts and ends within the window is not seen)."""

    measured_seconds: float = 0.0
    outside_seconds: float = 0.0

    def __enter__(self) -> "CpuWindow":
        self._start = _process_ticks()
        return self

    def __exit__(self, *_exc) -> None:
        end = _process_ticks()
        self.measured_seconds = (end[0] - self._start[0]) / TICKS
        self.outside_seconds = max(0, end[1] - self._start[1]) / TICKS
