"""Checks every API request passes before a view runs: body media type and JSON shape.

Parsing the body here, once, turns every malformed payload (bad UTF-8, bad syntax,
nesting deep enough to exhaust the parser) into a 4xx before any view sees it.
"""

from __future__ import annotations

import json

from flask import Flask, request

from service.api.errors import problem

BODY_METHODS = {"POST", "PUT", "PATCH"}
#: Deeper than any body the API takes (a share target's value list sits at depth 4). Checked
#: here because a later parse of the same body runs deeper in the stack: nesting just short
#: of this parse's recursion limit would exhaust that one (a RecursionError, a 500).
MAX_JSON_DEPTH = 32


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")


def _deeper_than(document, limit: int) -> bool:
    """Whether arrays and objects nest beyond `limit`; iterative, so any depth is safe."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            pending.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def _malformed(detail: str):
    return problem(400, "Bad Request", detail, type_="urn:pathways:problem:malformed-json")


def check_body():
    if (request.method not in BODY_METHODS or not request.path.startswith("/api/")
            or request.routing_exception is not None):
        return None  # no view will read the body: a 404 or 405 says more than a body check
    body = request.get_data(cache=True)
    if not body:
        # Action POSTs (a referral step) may carry no body; a PATCH without one is a mistake,
        # not a request to change nothing.
        return _malformed("Send the changes as a JSON object.") if request.method == "PATCH" else None
    if not _is_json(request.mimetype):
        return problem(415, "Unsupported Media Type", "Send the body as application/json.")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return _malformed("The body is not valid JSON.")
    if _deeper_than(document, MAX_JSON_DEPTH):
        return _malformed(f"The body nests deeper than {MAX_JSON_DEPTH} levels.")
    return None


def register(app: Flask) -> None:
    app.before_request(check_body)
