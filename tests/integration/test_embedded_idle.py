"""An idle `pathways worker` and `pathways relay` on the embedded default cost little CPU.

Kombu's SQLite transport polls its file: with every consumer looking for messages and at its
wait queues every 0.05 s, an idle worker used 20-32 % of a core. The CPU time the processes
use (utime + stime from /proc, not how fast anything runs) over a window is compared with a
generous bound: well above what they use now, well below what they used.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time

import pytest

from tests import embedded

SETTLE_SECONDS = 6  # imports, migrations looked at, the first purge and sweep
WINDOW_SECONDS = 20
#: Shares of one core; measured after the change 1.8-2.1 % (worker) and 0.3-0.35 % (relay), before
#: 20-32 % and 1.4-1.55 %.
WORKER_BOUND = 0.06
RELAY_BOUND = 0.008


@pytest.fixture
def idle_processes(sqlite_template, tmp_path):
    shutil.copy(sqlite_template, tmp_path / "pathways.db")
    env = embedded.environment(tmp_path)
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in ("worker", "relay")}
    processes = {name: subprocess.Popen([*embedded.PATHWAYS, name], cwd=embedded.REPO, env=env,
                                        stdout=log, stderr=subprocess.STDOUT) for name, log in logs.items()}
    yield processes
    for process in processes.values():
        process.send_signal(signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for log in logs.values():
        log.close()


def test_an_idle_embedded_worker_and_relay_use_a_few_percent_of_a_core_at_most(idle_processes, tmp_path):
    time.sleep(SETTLE_SECONDS)
    assert all(process.poll() is None for process in idle_processes.values())
    before = {name: embedded.cpu_seconds(process.pid) for name, process in idle_processes.items()}
    started = time.monotonic()
    time.sleep(WINDOW_SECONDS)
    used = {name: embedded.cpu_seconds(process.pid) - before[name] for name, process in idle_processes.items()}
    window = time.monotonic() - started
    shares = {name: seconds / window for name, seconds in used.items()}
    print(f"\nidle CPU over {window:.1f} s: " + ", ".join(f"{name} {share:.2%} of a core"
                                                        for name, share in shares.items()))
    assert all(process.poll() is None for process in idle_processes.values()), (
        (tmp_path / "worker.log").read_text()[-2000:] + (tmp_path / "relay.log").read_text()[-2000:])
    assert shares["worker"] < WORKER_BOUND
    assert shares["relay"] < RELAY_BOUND
