"""Checks every API request passes before a view runs: body media type, size and JSON shape.

Parsing the body here, once, turns every malformed payload (bad UTF-8, bad syntax,
nesting deep enough to exhaust the parser, a key given twice) into a 4xx before any view
sees it. JSON numbers with a fraction or exponent are read as `Decimal`s, exactly as written:
as floats, a wage of 1.00000000000000000001 became 1.0 and passed the two-decimals rule.
"""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Flask, g, request

from service.api.errors import problem
from service.domain.messages import Msg, message_of

BODY_METHODS = {"POST", "PUT", "PATCH"}
#: Deeper than any body the API takes (a share target's value list sits at depth 4). Checked
#: here because a later parse of the same body runs deeper in the stack: nesting just short
#: of this parse's recursion limit would exhaust that one (a RecursionError, a 500).
MAX_JSON_DEPTH = 32
#: JSON is UTF-8 (RFC 8259); a charset parameter may say so, and nothing else.
ACCEPTED_CHARSETS = {None, "utf-8", "utf8"}


class DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(Msg("The key {key} appears twice in one object.", key=repr(key)))


def _object_without_duplicates(pairs: list[tuple[str, object]]) -> dict:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return document


def loads(text: str | bytes) -> object:
    """The API's one reading of a JSON body: UTF-8 only (the standard library would guess
    UTF-16 or UTF-32 from bytes), exact decimals, one value per key."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")  # a UnicodeDecodeError is a ValueError: malformed
    return json.loads(text, parse_float=Decimal, object_pairs_hook=_object_without_duplicates)


def parsed_body(default=None):
    """The document `check_body` read (webargs takes it from here: one parse per request);
    `default` when there was none (`null` is a document)."""
    return g.get("json_document", default)


def _is_json() -> bool:
    charset = request.mimetype_params.get("charset")
    return request.mimetype == "application/json" and (charset is None or charset.lower() in ACCEPTED_CHARSETS)


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


def _cut_at_the_limit(body: bytes) -> bool:
    """Whether a body sent without Content-Length (chunked) went on past the size limit:
    Werkzeug stops reading such a stream at the limit and returns what it read, so the
    first MiB of a larger body would be parsed as if it were all of it."""
    limit = request.max_content_length
    if request.content_length is not None or limit is None or len(body) < limit:
        return False
    return bool(request.environ["wsgi.input"].read(1))


def _malformed(detail: str):
    return problem(400, "Bad Request", detail, type_="urn:pathways:problem:malformed-json")


def check_body():
    if (request.method not in BODY_METHODS or not request.path.startswith("/api/")
            or request.routing_exception is not None):
        return None  # no view will read the body: a 404 or 405 says more than a body check
    body = request.get_data(cache=True)
    if _cut_at_the_limit(body):
        return problem(413, "Request Entity Too Large",
                       Msg("The body is larger than {max} bytes.", max=request.max_content_length))
    if not body:
        # Action POSTs (a referral step) may carry no body; a PATCH without one is a mistake,
        # not a request to change nothing.
        return _malformed(Msg("Send the changes as a JSON object.")) if request.method == "PATCH" else None
    if not _is_json():
        return problem(415, "Unsupported Media Type", Msg("Send the body as application/json (UTF-8)."))
    try:
        document = loads(body)
    except DuplicateKey as error:
        return _malformed(message_of(error))
    except (ValueError, RecursionError):
        return _malformed(Msg("The body is not valid JSON."))
    if _deeper_than(document, MAX_JSON_DEPTH):
        return _malformed(Msg("The body nests deeper than {max} levels.", max=MAX_JSON_DEPTH))
    g.json_document = document
    return None


def register(app: Flask) -> None:
    app.before_request(check_body)
