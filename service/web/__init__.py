"""The web application: server-rendered pages for people, beside the API, on the same use cases.

Pages call service functions with the signed-in user's principal, exactly as the API's views do
with a token's; they never call the API over HTTP. Every page works without JavaScript.
"""

from __future__ import annotations

import hashlib

from flask import Flask, request

from service.web import auth, csrf, errors, formatting, i18n, language, navigation
from service.web import account
from service.web import home
from service.web import follow_ups, projects
from service.web import person
from service.web import people
from service.web import imports
from service.web import admin_users, audit_pages, organisation_settings
from service.web import employer, employer_referrals  # noqa: F401 (the second adds routes to the first's blueprint)
from service.web import project_admin
from service.web import dashboard
from service.web import figures
from service.web import consent_pages
from service.web import forms

BLUEPRINTS = (language.blp, account.blp, home.blp, person.blp, people.blp, follow_ups.blp, projects.blp,
               project_admin.blp)
BLUEPRINTS += (admin_users.blp, organisation_settings.blp, audit_pages.blp)  # the admin's pages
BLUEPRINTS += (employer.blp,)  # the employer's pages (employer_referrals adds to it)
BLUEPRINTS += (dashboard.blp,)  # the managers' dashboard
BLUEPRINTS += (figures.blp,)  # the indicator packs and their exports
BLUEPRINTS += (imports.blp,)  # the admin's import page
BLUEPRINTS += (consent_pages.blp,)  # a person's consent and its withdrawal

#: Pages show personal data: nothing is cached; only this origin's styles, no script, no framing.
PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
               "base-uri 'none'; frame-ancestors 'none'")


def _page_headers(response):
    if auth.is_page_request():
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Frame-Options"] = "DENY"
    elif request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _flash_secret(app: Flask) -> None:
    """Flask's signed session cookie carries only the next page's flash message ("Registered.");
    who is signed in lives in web_sessions. Its signing key is derived from the PII hash key, so a
    deployment has no further secret to set, and no key is ever shared between the two uses."""
    pii_key = app.extensions["pathways"].config.pii_hash_key
    app.secret_key = hashlib.sha256(b"pathways-flash-messages:" + pii_key).digest()
    app.config.update(SESSION_COOKIE_NAME="pathways_flash", SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_HTTPONLY=True)


def register(app: Flask) -> None:
    _flash_secret(app)
    i18n.init(app)
    formatting.init(app)
    auth.init(app)
    csrf.init(app)
    errors.register(app)
    navigation.init(app)
    app.after_request(_page_headers)
    app.after_request(forms.name_fields_in_summaries)  # a refused form's summary names its fields
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
