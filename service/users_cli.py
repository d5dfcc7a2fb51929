"""`pathways users …`: an operator's recovery commands, for when no admin can act through the API.

`add-admin` gives an organisation a new admin (e.g. after it lost its last one); `reissue-token`
gives a user a new token (lost or expired), refusing the old one at once. Each prints one JSON
line with the token, which is shown only there. `set-password` gives a user a web password (forgotten,
or never set), unlocks them and ends their web sessions.
"""

from __future__ import annotations

import json
import sys

import click
import marshmallow as ma

from schemas.users import UserCreateSchema
from service.bootstrap import bootstrap as build
from service.domain.errors import DomainError
from service.domain.roles import Role
from service.services import accounts, users


def _fail(error: dict) -> None:
    click.echo(json.dumps(error, default=str), err=True)
    sys.exit(1)


@click.group("users", help="Recovery: add an admin, reissue a user's token, set a user's web password.")
def users_group() -> None:
    pass


@users_group.command("add-admin", help="Create an admin in an organisation; prints JSON with its token.")
@click.option("--org-slug", required=True)
@click.option("--email", required=True)
def add_admin(org_slug: str, email: str) -> None:
    try:
        email = UserCreateSchema().load({"email": email, "role": Role.ADMIN.value})["email"]
    except ma.ValidationError as error:
        _fail({"error": "Not a valid email address.", "errors": error.messages})
    pathways = build()
    try:
        user, token = users.add_admin(pathways.uow(), org_slug, email, pathways.config.token_ttl)
    except DomainError as error:
        _fail({"error": error.detail, **error.extra})
    click.echo(json.dumps({"organisation_id": str(user.organisation_id), "admin_id": str(user.id),
                           "token": token, "expires_at": user.token_expires_at.isoformat()}))


@users_group.command("reissue-token",
                     help="Give a user a new token (the old one is refused at once); prints JSON with it.")
@click.option("--org-slug", required=True)
@click.option("--email", required=True)
def reissue_token(org_slug: str, email: str) -> None:
    pathways = build()
    try:
        user = users.find_active(pathways.uow(), org_slug, email)
        user, token = users.reissue(pathways.uow(), user.id, pathways.config.token_ttl)
    except DomainError as error:
        _fail({"error": error.detail, **error.extra})
    click.echo(json.dumps({"user_id": str(user.id), "email": user.email, "role": user.role, "token": token,
                           "expires_at": user.token_expires_at.isoformat()}))


@users_group.command("set-password", help="Set a user's web password (asked for, or read from standard input when "
                                          "it is not a terminal), unlock them and end their web sessions.")
@click.argument("email")
@click.option("--organisation", "organisation_slug", help="The organisation's slug, when the email is a user's "
                                                          "in several.")
def set_password(email: str, organisation_slug: str | None) -> None:
    if sys.stdin.isatty():
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True, err=True)
    else:  # a script pipes it in: the first line, without its line break
        password = sys.stdin.readline().rstrip("\r\n")
    pathways = build()
    try:
        user = accounts.set_password(pathways.uow(), email, password, organisation_slug)
    except DomainError as error:
        _fail({"error": error.detail, **error.extra})
    click.echo(json.dumps({"user_id": str(user.id), "email": user.email, "role": user.role,
                           "organisation_id": str(user.organisation_id), "password_set": True}))
