"""Error pages: a person gets a page in their language, an API client keeps its problem+json.

The API's handlers (service/api/errors.py) stay the application's; these wrap them and answer
for page requests only, so a 404 under /api/ is still problem+json.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from service.api import errors as api_errors
from service.api.outage import DATABASE_UNAVAILABLE
from service.domain import errors as domain
from service.web.auth import is_page_request

log = logging.getLogger(__name__)


def _for_a_person() -> bool:
    """Whether an error answers a person (a page) rather than a program (problem+json): outside /api/,
    without a bearer token, and on a page's address or from a client that prefers HTML (a browser
    does; curl's */* does not, so an unknown address still reads as the API's 404 to a program)."""
    if not is_page_request() or request.headers.get("Authorization"):
        return False
    if request.url_rule is not None:
        return True
    return request.accept_mimetypes.best_match(["application/problem+json", "text/html"]) == "text/html"


def _page(status: int, title: str, message: str):
    return render_template("error.html", status=status, title=title, message=message), status


def _domain_error(error: domain.DomainError):
    if not _for_a_person():
        return api_errors.handle_domain_error(error)
    if isinstance(error, domain.NotFound):
        return _page(404, _("Not found"), _("This page does not exist, or it belongs to another organisation."))
    if isinstance(error, (domain.Forbidden, domain.Unauthenticated)):
        return _page(403, _("Not allowed"), _("Your role does not give access to this page."))
    if isinstance(error, domain.Conflict):
        return _page(409, _("Not possible now"), _("The record changed meanwhile or does not allow this step."))
    return _page(400, _("Something is wrong with the request"), _("Go back, check the form and try again."))


def _http_error(error: HTTPException):
    if not _for_a_person():
        return api_errors.handle_http_exception(error)
    status = error.code or 500
    if status == 400 and error.description == "csrf":
        return _page(400, _("The form has expired"),
                     _("For your safety the form could not be sent. Go back, reload the page and send it again."))
    if status == 404:
        return _page(404, _("Not found"), _("This page does not exist, or it belongs to another organisation."))
    if status == 405:
        return _page(405, _("Not possible"), _("This address cannot be used that way."))
    if status == 413:
        return _page(413, _("Too large"), _("What was sent is larger than Pathways accepts."))
    if status == 429:
        return _page(429, _("Too many attempts"), _("Wait a minute and try again."))
    if status >= 500:
        return _unexpected(error)
    return _page(status, _("Something is wrong with the request"), _("Go back, check the form and try again."))


def _unexpected(error: Exception):
    if not _for_a_person():
        return api_errors.handle_unexpected(error)
    log.exception("unexpected error on a page", exc_info=error)
    return _page(500, _("Something went wrong"), _("The error has been logged. Try again in a moment."))


def _wrap_unavailable(api_handler):
    """The API's outage handler keeps its log and its problem+json; a page reader gets a page and the
    same Retry-After."""

    def unavailable(error: Exception):
        answer = api_handler(error)
        if not _for_a_person():
            return answer
        body, status = _page(503, _("Pathways is unavailable for a moment"),
                             _("Its database cannot be reached right now, so what you sent has not been saved. "
                               "Go back and send it again in a few seconds."))
        return body, status, {"Retry-After": answer.headers.get("Retry-After", "5")}

    return unavailable


def register(app: Flask) -> None:
    """After the API's handlers (service/app.py registers those first): these answer page requests."""
    handlers = app.error_handler_spec[None][None]
    for error_class in DATABASE_UNAVAILABLE:
        if error_class in handlers:
            app.register_error_handler(error_class, _wrap_unavailable(handlers[error_class]))
    app.register_error_handler(domain.DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
