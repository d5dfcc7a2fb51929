"""`pathways users set-password`: an operator gives a user a web password (recovery), which unlocks them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from service import cli, config
from service.bootstrap import bootstrap
from service.services import sign_in, users, web_sessions


@pytest.fixture
def operator(tmp_path, monkeypatch):
    """Runs `pathways …` on a fresh SQLite database with an organisation `izmir`; returns the exit code and
    the last line of output (JSON)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    pathways = bootstrap(config.from_env())

    def run(*args: str, stdin: str | None = None) -> tuple[int, dict]:
        result = CliRunner().invoke(cli.main, list(args), input=stdin)
        lines = (result.stdout if result.exit_code == 0 else result.stderr).strip().splitlines()
        return result.exit_code, json.loads(lines[-1])

    code, created = run("bootstrap", "--org-slug", "izmir", "--org-name", "Izmir", "--country", "TR",
                        "--admin-email", "admin@izmir.example")
    assert code == 0
    run.pathways = pathways
    run.admin_token = created["token"]
    yield run
    pathways.dispose()


def test_set_password_from_standard_input_unlocks_and_ends_sessions(operator):
    pathways = operator.pathways
    code, answer = operator("users", "set-password", "Admin@Izmir.example", stdin="first password\n")
    assert code == 0 and answer["email"] == "admin@izmir.example" and answer["password_set"] is True
    admin = sign_in.sign_in(pathways.uow(), "admin@izmir.example", "first password")
    cookie = web_sessions.open_session(pathways.uow(), admin.id)
    for _ in range(sign_in.MAX_FAILURES):
        with pytest.raises(sign_in.SignInRefused):
            sign_in.sign_in(pathways.uow(), "admin@izmir.example", "a wrong guess")
    with pytest.raises(sign_in.SignInRefused) as refused:
        sign_in.sign_in(pathways.uow(), "admin@izmir.example", "first password")
    assert refused.value.locked

    code, _ = operator("users", "set-password", "admin@izmir.example", "--organisation", "izmir",
                       stdin="second password\n")
    assert code == 0
    assert sign_in.sign_in(pathways.uow(), "admin@izmir.example", "second password").id == admin.id  # unlocked
    assert web_sessions.resolve(pathways.uow(), cookie) is None
    # The API token is untouched.
    assert users.authenticate(pathways.uow(), operator.admin_token).user_id == admin.id


@pytest.mark.parametrize(("args", "stdin", "words"), [
    (("nobody@izmir.example",), "a long password\n", "No active user"),
    (("admin@izmir.example", "--organisation", "elsewhere"), "a long password\n", "No active user"),
    (("admin@izmir.example",), "short\n", "Validation"),
    (("admin@izmir.example",), "admin@izmir.example\n", "Validation"),
], ids=["unknown-email", "other-organisation", "too-short", "the-email"])
def test_set_password_refusals(operator, args, stdin, words):
    code, answer = operator("users", "set-password", *args, stdin=stdin)
    assert code == 1
    assert words.lower() in json.dumps(answer).lower()
    with pytest.raises(sign_in.SignInRefused):
        sign_in.sign_in(operator.pathways.uow(), "admin@izmir.example", stdin.strip())
