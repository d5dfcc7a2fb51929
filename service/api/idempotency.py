"""`Idempotency-Key` on POSTs: the first response is stored and replayed for 24 h.

The use case and the stored response commit in one transaction (`context.transaction()`),
so a worker killed at any point leaves either both or neither; see service.services.idempotency.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from datetime import timedelta

from flask import Response, make_response, request

from service.api import context
from service.domain.errors import ValidationFailed
from service.services import idempotency
from service.domain.messages import Msg

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _fingerprint() -> str:
    """Keyed, because the body may carry a national id: a plain digest of a body whose other
    fields are stored in clear would give the number away to a search over every number."""
    digest = hmac.new(context.pathways().config.pii_hash_key, b"idempotency\n", hashlib.sha256)
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(stored: idempotency.StoredResponse) -> Response:
    replay = Response(stored.body, status=stored.status_code, mimetype="application/json")
    replay.headers["Idempotent-Replayed"] = "true"
    if stored.location:
        replay.headers["Location"] = stored.location
    return replay


def idempotent(view):
    """Wrap a POST view; must sit inside `requires` (the key belongs to the caller)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
            raise ValidationFailed({HEADER: [Msg("1 to {max} printable ASCII characters.", max=MAX_KEY_LENGTH)]})
        caller = context.principal()
        ttl = timedelta(seconds=context.pathways().config.idempotency_ttl_seconds)
        with context.transaction() as transaction:
            vault = context.pathways().vault
            stored = idempotency.claim(transaction, caller, key, _fingerprint(), ttl, vault)
            if stored is not None:
                return _replay(stored)
            response = make_response(view(*args, **kwargs))
            if 200 <= response.status_code < 300:
                idempotency.store(transaction, caller, key, idempotency.StoredResponse(
                    response.status_code, response.get_data(as_text=True), response.headers.get("Location")), vault)
                transaction.commit()
            # Anything else (and any exception) leaves the transaction uncommitted: the request
            # changed nothing and the key stays free for a retry.
            return response

    return wrapper
