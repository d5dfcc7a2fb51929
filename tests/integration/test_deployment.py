"""The container shape: the image's user and data directory, compose's secrets, healthchecks and
bootstrap step, and the heartbeats the relay's and workers' healthchecks read.

No Docker engine runs here, so the image is exercised the way it runs: its user and
environment, read from the Dockerfile, serving the API from a directory it cannot write.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
PATHWAYS = [sys.executable, "-m", "service.cli"]
SECRETS = ("POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "PATHWAYS_PII_HASH_KEY", "PATHWAYS_PII_ENCRYPTION_KEY")


def _dockerfile() -> tuple[dict[str, str], str]:
    """The image's ENV settings and its USER."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV (.+)$", text, re.MULTILINE):
        env.update(re.findall(r"(\w+)=(\S+)", line))
    users = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    return env, users[-1] if users else "root"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_the_image_runs_as_an_unprivileged_user_that_owns_its_data_directory():
    env, user = _dockerfile()
    uid = int(user.split(":")[0]) if user.split(":")[0].isdigit() else None
    assert user not in ("root", "0") and uid and uid >= 1000, user
    assert Path(env.get("PATHWAYS_DATA_DIR", "var")).is_absolute(), env
    text = (ROOT / "Dockerfile").read_text()
    assert "-o pathways" in text and env["PATHWAYS_DATA_DIR"] in text  # created for that user


def _as_user(uid: int) -> list[str]:
    """A command prefix that runs as `uid`, with this interpreter reachable for it.

    The interpreter may live below a directory other users cannot enter (a pyenv under
    /root): then a private mount namespace lays an open directory over that one, holding
    only the interpreter's tree, so nothing else of it is exposed and nothing outside the
    namespace changes.
    """
    switch = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    real = Path(os.path.realpath(sys.executable))
    closed = next((p for p in reversed(real.parents) if p != Path("/") and not os.stat(p).st_mode & 0o001), None)
    if closed is None:
        return switch
    inner = closed / real.relative_to(closed).parts[0]
    script = ("mount --make-rprivate / && mkdir -p /tmp/.pathways-bind && mount --bind \"$1\" /tmp/.pathways-bind"
              " && mount -t tmpfs -o mode=755 tmpfs \"$2\" && mkdir \"$1\""
              " && mount --bind /tmp/.pathways-bind \"$1\" && shift 2 && exec \"$@\"")
    return ["unshare", "-m", "sh", "-c", script, "sh", str(inner), str(closed), *switch]


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to the image's user needs root")
def test_serve_works_as_the_images_user_from_a_directory_it_cannot_write(tmp_path):
    """As in the image: the image's uid, its environment, the working directory owned by root."""
    env, user = _dockerfile()
    uid = int(user.split(":")[0])
    data = Path(tempfile.mkdtemp(prefix="pathways-image-"))
    try:
        os.chown(data, uid, uid)  # what the Dockerfile's `install -d -o pathways` does
        port = _free_port()
        process_env = {**os.environ, **env, "PATHWAYS_DATA_DIR": str(data), "HOST": "127.0.0.1",
                       "PORT": str(port), "WEB_CONCURRENCY": "1",
                       "DATABASE_URL": f"sqlite:///{data}/pathways.db", "PYTHONPATH": str(ROOT)}
        process_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        as_user = _as_user(uid)
        subprocess.run([*as_user, *PATHWAYS, "db", "upgrade"], env=process_env, cwd="/", check=True,
                       capture_output=True, timeout=120)
        server = subprocess.Popen([*as_user, *PATHWAYS, "serve"], env=process_env, cwd="/",
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            assert _wait_for(f"http://127.0.0.1:{port}/readyz", 60) == 200
            assert _wait_for(f"http://127.0.0.1:{port}/metrics", 10) == 200
        finally:
            server.send_signal(signal.SIGTERM)
            output = server.communicate(timeout=30)[0].decode(errors="replace")
        assert "PermissionError" not in output, output
        assert (data / "prometheus").is_dir() and (data / "prometheus").stat().st_uid == uid
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_no_default_passwords():
    text = (ROOT / "docker-compose.yml").read_text()
    for secret in SECRETS:
        uses = re.findall(r"\$\{" + secret + r"([^}]*)\}", text)
        assert uses, secret
        assert all(use.startswith(":?") for use in uses), (secret, uses)


def test_compose_api_is_ready_without_the_broker_and_relay_and_worker_have_healthchecks():
    services = _compose()["services"]
    assert "rabbitmq" not in services["api"]["depends_on"]
    for name in ("relay", "worker"):
        assert services[name]["healthcheck"]["test"][:3] == ["CMD", "pathways", "heartbeat"]
        assert services[name]["healthcheck"]["test"][3] == name
    bootstrap = services["bootstrap"]
    assert bootstrap["command"][:2] == ["pathways", "bootstrap"] and "--if-missing" in bootstrap["command"]
    assert bootstrap["restart"] == "no"


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed")
def test_docker_compose_config_passes_with_the_secrets_and_names_each_missing_one():
    secrets = {name: "s3cret" for name in SECRETS}
    base = {k: v for k, v in os.environ.items() if k not in SECRETS}
    passed = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, env={**base, **secrets},
                            capture_output=True, text=True, timeout=60)
    assert passed.returncode == 0, passed.stderr
    for missing in SECRETS:
        failed = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, capture_output=True, text=True,
                                env={**base, **{k: v for k, v in secrets.items() if k != missing}}, timeout=60)
        assert failed.returncode != 0 and f"set {missing}" in failed.stderr, failed.stderr


@pytest.mark.parametrize("kind", ["relay", "worker"])
def test_the_heartbeat_healthcheck_follows_a_running_relay_or_worker(tmp_path, kind):
    env = {**os.environ, "PATHWAYS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"}
    env.pop("BROKER_URL", None)

    def healthcheck(max_age: float) -> int:
        return subprocess.run([*PATHWAYS, "heartbeat", kind, "--max-age", str(max_age)], env=env, cwd=ROOT,
                              capture_output=True, timeout=60).returncode

    subprocess.run([*PATHWAYS, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)
    assert healthcheck(60) == 1  # never started
    process = subprocess.Popen([*PATHWAYS, kind], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while healthcheck(60) != 0:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.5)
    finally:
        process.kill()
        process.wait(timeout=30)
    time.sleep(2.5)
    assert healthcheck(2) == 1  # a dead process stops beating


def test_bootstrap_if_missing_creates_once_then_changes_nothing(tmp_path, monkeypatch):
    from service import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    env = {"PATHWAYS_ORG_SLUG": "umea", "PATHWAYS_ORG_NAME": "Umeå kommun", "PATHWAYS_COUNTRY": "SE",
           "PATHWAYS_ADMIN_EMAIL": "admin@umea.example"}
    first = CliRunner().invoke(cli.main, ["bootstrap", "--if-missing"], env=env)
    assert first.exit_code == 0, first.output
    created = json.loads(first.output.splitlines()[-1])
    assert created["token"] and created["organisation_id"]
    again = CliRunner().invoke(cli.main, ["bootstrap", "--if-missing"], env=env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.output.splitlines()[-1])["created"] is False
    refused = CliRunner().invoke(cli.main, ["bootstrap"], env=env)
    assert refused.exit_code == 1
