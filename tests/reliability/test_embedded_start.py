"""`pathways run` on a fresh data directory comes up, serves and keeps running, start after start.

The relay and the worker's consumer threads declared the topology at the same moment on Kombu's
SQLite transport, and one of them died on `UNIQUE constraint failed: kombu_queue.name` (4 of 10
fresh starts with the demo loaded). Each start here gets a fresh data directory holding a copy of
a database with the demo loaded (so that the relay publishes at once, as on a first `make run`).
PATHWAYS_START_RUNS changes the number of starts (default 20; each takes about 15 s).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests import embedded

STARTS = int(os.environ.get("PATHWAYS_START_RUNS", "20"))
UP_SECONDS = 10
READY_WITHIN_SECONDS = 60
CHILDREN = 3  # the API (gunicorn's master), the relay, the worker


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> tuple[Path, str]:
    """A database with a small demo loaded (by the real command), and the caseworker's token."""
    directory = tmp_path_factory.mktemp("demo")
    loaded = subprocess.run([*embedded.PATHWAYS, "demo", "--trainees", "20"], cwd=embedded.REPO,
                            env=embedded.environment(directory), capture_output=True, text=True, timeout=300,
                            check=True)
    tokens = json.loads(loaded.stdout.splitlines()[-1])["tokens"]
    return directory / "pathways.db", tokens["caseworker"]


def _start_once(database: Path, token: str, directory: Path) -> str | None:
    """None when `pathways run` came up, served for UP_SECONDS with every child running and relayed
    the demo's events; otherwise what went wrong."""
    directory.mkdir()
    shutil.copy(database, directory / "pathways.db")
    port = embedded.free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = directory / "run.log"
    with log_path.open("w") as log:
        launcher = subprocess.Popen([*embedded.PATHWAYS, "run"], cwd=embedded.REPO, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    env=embedded.environment(directory, PORT=str(port), HOST="127.0.0.1",
                                                             WEB_CONCURRENCY="1"))
    try:
        problem = _watch(launcher, base, token, directory / "pathways.db")
    finally:
        stopped = _stop(launcher)
    text = log_path.read_text(errors="replace")
    if problem is None and "Traceback" in text:
        problem = "a traceback in the output"
    if problem is None and not stopped:
        problem = "did not stop within 30 s of SIGTERM"
    return None if problem is None else f"{problem}\n{text[-3000:]}"


def _watch(launcher: subprocess.Popen, base: str, token: str, database: Path) -> str | None:
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while embedded.status(f"{base}/readyz", timeout=1) != 200:
        if launcher.poll() is not None:
            return f"exited ({launcher.returncode}) before /readyz answered"
        if time.monotonic() > deadline:
            return f"/readyz did not answer 200 within {READY_WITHIN_SECONDS} s"
        time.sleep(0.2)
    if (answer := embedded.status(f"{base}/api/v1/trainees", token)) != 200:
        return f"GET /api/v1/trainees answered {answer}"
    children = embedded.children(launcher.pid)
    until = time.monotonic() + UP_SECONDS
    while time.monotonic() < until:
        if launcher.poll() is not None:
            return f"exited ({launcher.returncode}) while up"
        alive = [pid for pid in children if Path(f"/proc/{pid}").exists()]
        if len(alive) != CHILDREN or embedded.children(launcher.pid) != children:
            return f"children {children} became {embedded.children(launcher.pid)}"
        time.sleep(0.5)
    for path in ("/readyz", "/api/v1/trainees"):
        if (answer := embedded.status(base + path, token)) != 200:
            return f"GET {path} answered {answer} after {UP_SECONDS} s"
    # The relay really works (a relay that died leaves its process behind or the rows unpublished).
    deadline = time.monotonic() + 30
    while (unpublished := embedded.scalar(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL")):
        if time.monotonic() > deadline:
            return f"{unpublished} outbox rows still unpublished"
        time.sleep(0.5)
    return None


def _stop(launcher: subprocess.Popen) -> bool:
    """Ctrl-C's signal to the launcher; whatever is left after 30 s is killed. True if it stopped."""
    if launcher.poll() is None:
        launcher.send_signal(signal.SIGTERM)
    try:
        launcher.wait(timeout=30)
        return True
    except subprocess.TimeoutExpired:
        return False
    finally:
        try:
            os.killpg(launcher.pid, signal.SIGKILL)  # its children too, if any outlived it
        except ProcessLookupError:
            pass


def test_twenty_fresh_starts_come_up_and_keep_running(demo_database, tmp_path):
    database, token = demo_database
    failures = [problem for index in range(STARTS)
                if (problem := _start_once(database, token, tmp_path / f"start-{index}")) is not None]
    print(f"\n{len(failures)} of {STARTS} fresh starts failed")
    assert not failures, f"{len(failures)} of {STARTS} fresh starts failed; the first:\n{failures[0]}"


def test_the_url_and_the_demo_tokens_come_once_the_api_answers_on_loopback(demo_database, tmp_path):
    """A second `make run` (the demo command, then the launcher): the banner (URL and the demo's tokens,
    unchanged) is printed when /readyz first answers, not before (a restart printed it about 9 s
    early); with HOST unset the API listens on 127.0.0.1 only."""
    database, token = demo_database
    directory = tmp_path / "run"
    directory.mkdir()
    shutil.copy(database, directory / "pathways.db")
    shutil.copy(database.parent / "demo-tokens.json", directory / "demo-tokens.json")
    again = subprocess.run([*embedded.PATHWAYS, "demo", "--quiet"], cwd=embedded.REPO, capture_output=True,
                           text=True, env=embedded.environment(directory), timeout=120, check=True)
    assert again.stdout.strip() == "demo: loaded before; tokens kept"
    port = embedded.free_port()
    launcher = subprocess.Popen([*embedded.PATHWAYS, "run"], cwd=embedded.REPO, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True,
                                env=embedded.environment(directory, PORT=str(port), WEB_CONCURRENCY="1"))
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in launcher.stdout], daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while not (seen and seen[-1].startswith("Pathways is ready:")):
            try:
                seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail("no banner within %d s:\n%s" % (READY_WITHIN_SECONDS, "".join(seen[-40:])))
        answered = embedded.status(f"http://127.0.0.1:{port}/readyz")  # at once: the banner means "it answers"
        banner = seen[-1]
        while len(seen) < 200 and not seen[-1].startswith("Ctrl-C"):
            seen.append(lines.get(timeout=10))
    finally:
        _stop(launcher)
        reader.join(timeout=10)
        launcher.stdout.close()
    assert answered == 200
    assert f"http://127.0.0.1:{port}/api/v1" in banner
    output = "".join(seen)
    assert re.search(rf"Listening at: http://127\.0\.0\.1:{port}\b", output), output[-2000:]
    shown = dict(re.findall(r"^  (admin|caseworker|manager|employer) +(pw_\S+)$", output, re.MULTILINE))
    assert set(shown) == {"admin", "caseworker", "manager", "employer"}
    assert shown["caseworker"] == token  # the token the demo printed when it was loaded, unchanged
