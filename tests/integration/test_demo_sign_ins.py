"""The demo users' web sign-ins: a random password per role, kept across loads and printed by `make run`."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from service.db.models import User
from service.demo import data
from service.demo import tokens as demo_tokens
from service.demo.loader import load_demo
from service.launcher import banner
from service.services import accounts, sign_in, users

TRAINEES = 12


@pytest.fixture
def demo(pathways) -> dict:
    return load_demo(pathways, trainees=TRAINEES, seed=3)


def test_every_demo_user_signs_in_with_the_password_shown(pathways, demo):
    assert set(demo["sign_ins"]) == {"admin", "caseworker", "manager", "employer"}
    passwords = {each["password"] for each in demo["sign_ins"].values()}
    assert len(passwords) == 4 and all(len(password) >= 16 for password in passwords)
    for role, each in demo["sign_ins"].items():
        assert each["email"] == data.USERS[role]
        user = sign_in.sign_in(pathways.uow(), each["email"], each["password"])
        assert (user.role, str(user.organisation_id)) == (role, demo["organisation_id"])


def test_reloading_keeps_the_passwords_and_shows_only_unchanged_ones(sqlite_pathways):
    pathways = sqlite_pathways
    demo = load_demo(pathways, trainees=TRAINEES, seed=3)
    assert demo_tokens.current_sign_ins(pathways) == demo["sign_ins"]
    again = load_demo(pathways, trainees=TRAINEES, seed=3)
    assert again["sign_ins"] == demo["sign_ins"]

    # A password changed since is the user's own: neither shown nor replaced.
    accounts.set_password(pathways.uow(), data.USERS["manager"], "my own new password")
    assert "manager" not in demo_tokens.current_sign_ins(pathways)
    third = load_demo(pathways, trainees=TRAINEES, seed=3)
    assert "manager" not in third["sign_ins"]
    assert sign_in.sign_in(pathways.uow(), data.USERS["manager"], "my own new password")

    # A demo user made again (removed through the API) gets a new password.
    admin = users.authenticate(pathways.uow(), demo["tokens"]["admin"])
    with pathways.uow() as uow:
        caseworker_id = uow.session.scalar(select(User.id).where(User.email == data.USERS["caseworker"]))
    users.deactivate(pathways.uow(), admin, uuid.UUID(str(caseworker_id)))
    fourth = load_demo(pathways, trainees=TRAINEES, seed=3)
    assert fourth["sign_ins"]["caseworker"]["password"] != demo["sign_ins"]["caseworker"]["password"]
    assert sign_in.sign_in(pathways.uow(), data.USERS["caseworker"], fourth["sign_ins"]["caseworker"]["password"])
    assert demo_tokens.current_sign_ins(pathways) == fourth["sign_ins"]


def test_the_banner_prints_each_sign_in_next_to_the_tokens():
    text = banner("http://127.0.0.1:8000", {"caseworker": "pw_token"},
                  {"caseworker": {"email": "caseworker@demo.example", "password": "s3cret-Passw0rd"}})
    assert "http://127.0.0.1:8000/sign-in" in text
    line = next(line for line in text.splitlines() if "caseworker@demo.example" in line)
    assert "caseworker" in line.split()[0] and "s3cret-Passw0rd" in line
    assert "pw_token" in text
