"""The language menu: any visitor can switch, signed in or not; the choice is kept in a cookie.

A signed-in user's saved language (the account page) comes first; this cookie is the choice of
whoever uses this browser, and is also what the sign-in page speaks.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for

from service.web.auth import safe_next
from service.web.i18n import LANGUAGE_COOKIE, LANGUAGES

blp = Blueprint("language", __name__)


@blp.get("/language/<lang>")
def choose(lang: str):
    if lang not in LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response
