"""Cross-site request forgery: every form a page posts carries a token another site cannot know.

Signed in, the token is the web session's own (stored with it, so signing out voids it). Before
signing in there is no session, so the sign-in and invitation forms use a double-submit token: a
random value in a cookie of its own that the form must repeat. SameSite=Lax cookies already stop
most cross-site posts; the token also stops them from a sibling sub-domain or an old browser.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, g, request
from markupsafe import Markup, escape

from service.web.auth import is_page_request

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
ANONYMOUS_COOKIE = "pathways_csrf"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def token() -> str:
    """The token this visitor's forms must send back."""
    session = g.get("web_session")
    if session is not None:
        return session.csrf_token
    if "anonymous_csrf" not in g:
        g.anonymous_csrf = request.cookies.get(ANONYMOUS_COOKIE) or secrets.token_urlsafe(32)
    return g.anonymous_csrf


def field() -> Markup:
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(token())}">')


def check() -> None:
    """Refuse (400) a page's unsafe request whose token is missing or wrong."""
    if request.method not in UNSAFE_METHODS or not is_page_request():
        return
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    session = g.get("web_session")
    expected = session.csrf_token if session is not None else request.cookies.get(ANONYMOUS_COOKIE, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="csrf")


def _set_anonymous_cookie(response):
    value = g.get("anonymous_csrf")
    if value and request.cookies.get(ANONYMOUS_COOKIE) != value:
        response.set_cookie(ANONYMOUS_COOKIE, value, httponly=True, samesite="Lax", secure=request.is_secure)
    return response


def init(app: Flask) -> None:
    app.before_request(check)  # registered after the session is loaded (service/web/__init__.py)
    app.after_request(_set_anonymous_cookie)
    app.jinja_env.globals.update(csrf_field=field, csrf_token=token)
