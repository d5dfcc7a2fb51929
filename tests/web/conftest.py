"""Fixtures for page tests: a browser-like client signed in as a role of a tenant's organisation.

Signing in here opens a web session directly (the sign-in form has tests of its own); the client
then carries its cookie like a browser, and `post_form` adds the page's CSRF token to a form.
"""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient

from service.domain.roles import Role
from service.services import web_sessions
from service.web.auth import COOKIE


class PageClient(FlaskClient):
    """A test client that posts forms with the signed-in session's CSRF token, as a page would."""

    csrf_token: str = ""

    def post_form(self, path: str, data: dict | None = None, **kwargs):
        return self.post(path, data={"csrf_token": self.csrf_token, **(data or {})}, **kwargs)


@pytest.fixture
def sign_in(app, pathways, tenant):
    """`sign_in(role, tenant=tenant, language=None)` -> a PageClient signed in as that role's user."""
    app.test_client_class = PageClient

    def make(role: Role = Role.CASEWORKER, of=None, language: str | None = None) -> PageClient:
        user_id = uuid.UUID((of or tenant).user_ids[role])
        cookie = web_sessions.open_session(pathways.uow(), user_id)
        signed_in = web_sessions.resolve(pathways.uow(), cookie)
        client = app.test_client()
        client.set_cookie(COOKIE, cookie)
        if language:
            client.set_cookie("pathways_lang", language)
        client.csrf_token = signed_in.csrf_token
        return client

    return make
