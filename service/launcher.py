"""`pathways run`: the API, the relay and the workers as child processes, started and stopped together.

What `make run` uses on a laptop; in production each process kind runs (and scales) on
its own (see docker-compose.yml).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

COMMANDS = {
    "api": ["serve"],
    "relay": ["relay"],
    "worker": ["worker"],
}


def run() -> int:
    children = {name: subprocess.Popen([sys.executable, "-m", "service.cli", *args])
                for name, args in COMMANDS.items()}
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    while not stopping:
        ended = [name for name, child in children.items() if child.poll() is not None]
        if ended:
            print(f"pathways: {', '.join(ended)} stopped; stopping the others", file=sys.stderr)
            exit_code = 1
            break
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 15
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code
