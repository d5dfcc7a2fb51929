"""The one place where errors become RFC 9457 problem+json responses."""

from __future__ import annotations

import logging

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

from service.domain import errors as domain

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


def problem(status: int, title: str, detail: str, *, type_: str = "about:blank",
            errors: dict | None = None, headers: dict | None = None, **extra) -> Response:
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extra}
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
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
        detail = "; ".join(str(m) for msgs in flat.values() for m in (msgs if isinstance(msgs, list) else [msgs]))
        return problem(status, error.name, detail or error.description, type_=_problem_type("bad-request"))
    return problem(status, error.name, error.description or error.name)


def handle_unexpected(error: Exception) -> Response:
    log.exception("unexpected error", exc_info=error)
    return problem(500, "Internal Server Error", "The server failed to handle the request; it has been logged.")


def register(app: Flask) -> None:
    app.register_error_handler(domain.DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
