"""`pathways run`: the API, the relay and the workers as child processes, started and stopped together.

What `make run` uses on a laptop; in production each process kind runs (and scales) on
its own (see docker-compose.yml). Before any child starts, the embedded SQLite database is
migrated and the broker's topology declared, once: the children declaring it at the same
moment raced on the embedded transport, and one of them died. The URL (and the demo's
tokens and sign-ins, when the demo is loaded here) are printed once `/readyz` answers, not before.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from service.bootstrap import bootstrap
from service.demo import tokens as demo_tokens

COMMANDS = {
    "api": ["serve"],
    "relay": ["relay"],
    "worker": ["worker"],
}
#: `pathways run` is for a laptop: the API listens on loopback only, unless HOST says otherwise.
DEFAULT_HOST = "127.0.0.1"
#: How often the launcher looks at its children and, until it answers, at `/readyz`.
LOOK_SECONDS = 0.25
#: Said once if the API has not answered by then (it keeps being asked).
SLOW_START_SECONDS = 60


def run() -> int:
    os.environ.setdefault("HOST", DEFAULT_HOST)
    pathways = bootstrap()
    try:
        _prepare(pathways)
        saved_tokens = demo_tokens.current(pathways)
        sign_ins = demo_tokens.current_sign_ins(pathways)
    finally:
        pathways.dispose()
    base_url = local_url(os.environ["HOST"], os.environ.get("PORT", "8000"))
    children = {name: subprocess.Popen([sys.executable, "-m", "service.cli", *args])
                for name, args in COMMANDS.items()}
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    started, announced, warned = time.monotonic(), False, False
    while not stopping:
        ended = [name for name, child in children.items() if child.poll() is not None]
        if ended:
            print(f"pathways: {', '.join(ended)} stopped; stopping the others", file=sys.stderr)
            exit_code = 1
            break
        if not announced and _ready(base_url):
            print(banner(base_url, saved_tokens, sign_ins), flush=True)
            announced = True
        elif not announced and not warned and time.monotonic() - started > SLOW_START_SECONDS:
            print(f"pathways: {base_url}/readyz has not answered yet; still waiting", file=sys.stderr)
            warned = True
        time.sleep(LOOK_SECONDS)
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


def _prepare(pathways) -> None:
    """Migrate (SQLite only: a server database is migrated by its operator) and declare the topology."""
    from workers.runner import declare_topology

    if pathways.config.is_sqlite:
        from service.db.migrate import upgrade

        upgrade(pathways.engine)
    try:
        declare_topology(pathways.config)
    except Exception as error:  # noqa: BLE001 - RabbitMQ away, say: each child declares what it uses itself
        print(f"pathways: could not declare the broker's queues yet ({error.__class__.__name__}: {error}); "
              "starting anyway", file=sys.stderr)


def local_url(host: str, port: str) -> str:
    """Where this machine reaches the API: a wildcard address is reached on loopback."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):  # refused, not ready (503) or slow: ask again later
        return False


def banner(base_url: str, saved_tokens: dict[str, str], sign_ins: dict[str, dict[str, str]] | None = None) -> str:
    lines = [f"Pathways is ready: {base_url}/api/v1  (docs: {base_url}/docs)"]
    if sign_ins:
        lines.append(f"Demo sign-ins for the pages at {base_url}/sign-in (kept beside the tokens):")
        lines += [f"  {role:<11} {each['email']:<34} password {each['password']}" for role, each in sign_ins.items()]
    if saved_tokens:
        lines.append(f"Demo tokens (kept in {demo_tokens.FILE_NAME} in the data directory; "
                     "`pathways demo --reissue-tokens` replaces them):")
        lines += [f"  {role:<11} {token}" for role, token in saved_tokens.items()]
        if "caseworker" in saved_tokens:
            lines.append(f'Try: curl -H "Authorization: Bearer {saved_tokens["caseworker"]}" '
                         f"{base_url}/api/v1/trainees")
    lines.append("Ctrl-C stops the API, the relay and the workers.")
    return "\n".join(lines)
