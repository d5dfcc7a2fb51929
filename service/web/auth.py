"""Who is signed in to the pages, and `page_requires`: the same role and organisation checks as the API.

The session cookie names a row of `web_sessions` (service/services/web_sessions.py keeps the
lifetimes); each page request resolves it once, before the view. A page view then runs exactly as
an API view does: `g.principal` is the caller, use cases scope every read to its organisation
(and an employer user to its employer), and the organisation's calendar is the view's "today".
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, url_for

from service import clock
from service.api import context
from service.domain.roles import Role
from service.services import web_sessions

COOKIE = "pathways_session"
#: Paths that are never pages: the API keeps its bearer tokens and never reads the cookie.
NOT_PAGES = ("/api/", "/static/", "/docs", "/openapi", "/healthz", "/readyz", "/metrics")


def is_page_request() -> bool:
    return not request.path.startswith(NOT_PAGES)


def load_session() -> None:
    """Resolve the session cookie of a page request into `g.web_session` (None when signed out)."""
    g.web_session = None
    cookie = request.cookies.get(COOKIE)
    if cookie and is_page_request():
        lifetimes = web_sessions.Lifetimes.of(context.pathways().config)
        g.web_session = web_sessions.resolve(context.pathways().uow(), cookie, lifetimes)
        if g.web_session is not None:
            g.principal = g.web_session.principal


def safe_next(target: str | None) -> str | None:
    """A local path to return to after signing in; anything pointing elsewhere is dropped."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def page_requires(roles: frozenset[Role]):
    """Signed in (else to the sign-in page, coming back here after), then one of `roles` (else 403)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            session = g.get("web_session")
            if session is None:
                return redirect(url_for("account.sign_in", next=request.full_path.rstrip("?")))
            session.principal.require(roles)  # Forbidden -> the 403 page
            with clock.acting_in(session.principal.time_zone):
                return view(*args, **kwargs)

        wrapper._pathways_page_roles = roles
        return wrapper

    return decorator


def init(app: Flask) -> None:
    app.before_request(load_session)
