"""Starting and stopping what the benchmark measures: gunicorn apps, the relay, the workers, wrk."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_SCRIPT = Path(__file__).resolve().parent / "scripts" / "load.lua"


def gunicorn(app: str, port: int, env: dict) -> subprocess.Popen:
    """`app` under the API's own gunicorn settings (service/gunicorn_conf.py), on loopback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:service.gunicorn_conf", app],
        env={**env, "HOST": "127.0.0.1", "PORT": str(port)}, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_http(f"http://127.0.0.1:{port}/", process)
    return process


def pathways(*args: str, env: dict, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).parent / "pathways"), *args], env=env, cwd=ROOT,
                            start_new_session=True, **kwargs)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def ensure_wrk() -> str:
    """wrk from Debian's packages: a load generator in C, so it does not compete like a Python one."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = {"env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, "stdout": subprocess.DEVNULL}
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **apt).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, **apt)  # no package lists yet
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, **apt)
    return shutil.which("wrk")


def wrk(url: str, *, seconds: int, connections: int, method: str = "GET", token: str | None = None,
        bodies: Path | None = None, offset: int = 0, cookie: str | None = None, paths: Path | None = None,
        timeout: int = 10) -> dict:
    """One wrk run; with `bodies`, it sends them from line `offset` on (the caller moves it past what
    earlier runs sent); with `paths` (a file, one path a line), it asks for them in turn on `url`'s
    host; `cookie` is sent as the Cookie header (a page session)."""
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_THREADS": "1", "BENCH_OFFSET": str(offset)}
    if token:
        env["BENCH_AUTH"] = token
    if bodies:
        env["BENCH_BODIES"] = str(bodies)
    if cookie:
        env["BENCH_COOKIE"] = cookie
    if paths:
        env["BENCH_PATHS"] = str(paths)
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout}s",
                          "-s", str(LOAD_SCRIPT), url], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"wrk on {url} exited with {out.returncode}: {(out.stderr or out.stdout).strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])
