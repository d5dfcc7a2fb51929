"""Checks every API request passes before a view runs: body media type and JSON shape.

Parsing the body here, once, turns every malformed payload (bad UTF-8, bad syntax,
nesting deep enough to exhaust the parser) into a 4xx before any view sees it.
"""

from __future__ import annotations

import json

from flask import Flask, request

from service.api.errors import problem

BODY_METHODS = {"POST", "PUT", "PATCH"}


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")


def check_body():
    if request.method not in BODY_METHODS or not request.path.startswith("/api/"):
        return None
    body = request.get_data(cache=True)
    if not body:
        return None
    if not _is_json(request.mimetype):
        return problem(415, "Unsupported Media Type", "Send the body as application/json.")
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return problem(400, "Bad Request", "The body is not valid JSON.",
                       type_="urn:pathways:problem:malformed-json")
    return None


def register(app: Flask) -> None:
    app.before_request(check_body)
