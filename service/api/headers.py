"""Security headers on every response: nothing personal is cached, sniffed or leaked by referrer.

API answers carry names, outcomes and wages: `Cache-Control: no-store` keeps them out of
browser and proxy caches. `/docs` gets a Content-Security-Policy its own assets satisfy: Swagger
UI's files are served from this origin, and its one inline script (flask-smorest's template)
is allowed by its hash, computed from the page itself, so nothing else inline can run.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

from service.api.errors import PROBLEM_MEDIA_TYPE

API_PREFIX = "/api/"
DOCS_PATH = "/docs"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_policy(page: bytes) -> str:
    """Same-origin scripts, styles and spec; the page's inline scripts by hash; images from
    this origin or data: URIs (Swagger UI's stylesheet draws its icons as inline SVG)."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
                      for script in _INLINE_SCRIPT.findall(page))
    return ("default-src 'none'; "
            f"script-src 'self' {hashes}; "
            "style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def secure(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if request.path.startswith(API_PREFIX) or response.mimetype == PROBLEM_MEDIA_TYPE:
        response.headers["Cache-Control"] = "no-store"
    if request.path == DOCS_PATH and response.mimetype == "text/html" and not response.direct_passthrough:
        response.headers["Content-Security-Policy"] = docs_policy(response.get_data())
    return response


def register(app: Flask) -> None:
    app.after_request(secure)
