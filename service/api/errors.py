"""The one place where errors become RFC 9457 problem+json responses, in the caller's language.

`detail` and the field `errors` follow the request's Accept-Language (en, tr, sv or es; English
when it names none of them), and the answer says which in Content-Language. The `title` stays
English: it is the label of the problem's `type`, which clients may match on, as they match on
`type`; what a person reads is the detail and the field messages.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, has_request_context, json, request
from werkzeug.exceptions import HTTPException

from service.domain import errors as domain
from service.translations.localise import DEFAULT, LANGUAGES, localise, localise_errors

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
#: The detail of a 422 whose body or query broke its schema (a broken domain rule says
#: "The request breaks a validation rule."): what the OpenAPI document should have said.
SCHEMA_INVALID_DETAIL = "The request body or parameters are invalid."

_STATUS_BY_ERROR = [
    (domain.ValidationFailed, 422, "validation-failed"),
    (domain.InvalidTransition, 409, "invalid-transition"),
    (domain.Conflict, 409, "conflict"),
    (domain.NotFound, 404, "not-found"),
    (domain.Unauthenticated, 401, "unauthenticated"),
    (domain.Forbidden, 403, "forbidden"),
]


def language() -> str:
    """The best of our languages for the request's Accept-Language (q-values weigh, `sv-SE`
    matches `sv`); English without a request, without the header or when it names none of ours."""
    if not has_request_context():
        return DEFAULT
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def problem(status: int, title: str, detail: str, *, type_: str = "about:blank",
            errors: dict | None = None, headers: dict | None = None, **extra) -> Response:
    lang = language()
    body = {"type": type_, "title": title, "status": status, "detail": localise(detail, lang), **extra}
    if errors is not None:
        body["errors"] = localise_errors(errors, lang)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pathways"'
    return response


def _problem_type(slug: str) -> str:
    return f"urn:pathways:problem:{slug}"


def handle_domain_error(error: domain.DomainError) -> Response:
    for cls, status, slug in _STATUS_BY_ERROR:
        if isinstance(error, cls):
            extra = dict(error.extra)
            errors = extra.pop("errors", None)
            return problem(status, error.title, error.detail, type_=_problem_type(slug), errors=errors, **extra)
    return handle_unexpected(error)


def _flatten_webargs(messages) -> dict:
    """webargs nests messages by location ({"json": {...}}); the contract is {field: [...]}."""
    if not isinstance(messages, dict):
        return {"_body": messages if isinstance(messages, list) else [str(messages)]}
    flat = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat["_body" if location == "json" else location] = fields
    return flat


def handle_http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    status = error.code or 500
    if status >= 500:
        return handle_unexpected(error)
    if status == 405 and getattr(error, "valid_methods", None):
        # RFC 9110: a 405 must name the methods the resource does allow.
        return problem(405, error.name, error.description or error.name,
                       headers={"Allow": ", ".join(error.valid_methods)})
    if messages is not None:
        flat = _flatten_webargs(messages)
        if status == 422:
            return problem(422, "Validation failed", SCHEMA_INVALID_DETAIL,
                           type_=_problem_type("validation-failed"), errors=flat)
        lang = language()
        detail = "; ".join(str(localise(m, lang)) for msgs in flat.values()
                           for m in (msgs if isinstance(msgs, list) else [msgs]))
        return problem(status, error.name, detail or error.description, type_=_problem_type("bad-request"))
    return problem(status, error.name, error.description or error.name)


def handle_unexpected(error: Exception) -> Response:
    log.exception("unexpected error", exc_info=error)
    return problem(500, "Internal Server Error", "The server failed to handle the request; it has been logged.")


def register(app: Flask) -> None:
    app.register_error_handler(domain.DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
