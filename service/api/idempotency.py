"""`Idempotency-Key` on POSTs: the first response is stored and replayed for 24 h."""

from __future__ import annotations

import functools
import hashlib
import hmac
from datetime import timedelta

from flask import Response, make_response, request

from service.api import context
from service.domain.errors import ValidationFailed
from service.services import idempotency

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _fingerprint() -> str:
    """Keyed, because the body may carry a national id: a plain digest of a body whose other
    fields are stored in clear would give the number away to a search over every number."""
    digest = hmac.new(context.pathways().config.pii_hash_key, b"idempotency\n", hashlib.sha256)
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def idempotent(view):
    """Wrap a POST view; must sit inside `requires` (the key belongs to the caller)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
            raise ValidationFailed({HEADER: [f"1 to {MAX_KEY_LENGTH} printable ASCII characters."]})
        caller = context.principal()
        ttl = timedelta(seconds=context.pathways().config.idempotency_ttl_seconds)
        stored = idempotency.claim(context.pathways().uow(), caller, key, _fingerprint(), ttl)
        if stored is not None:
            replay = Response(stored.body, status=stored.status_code, mimetype="application/json")
            replay.headers["Idempotent-Replayed"] = "true"
            if stored.location:
                replay.headers["Location"] = stored.location
            return replay
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            idempotency.release(context.pathways().uow(), caller, key)
            raise
        if 200 <= response.status_code < 300:
            idempotency.store(context.pathways().uow(), caller, key, idempotency.StoredResponse(
                response.status_code, response.get_data(as_text=True), response.headers.get("Location")))
        else:
            idempotency.release(context.pathways().uow(), caller, key)
        return response

    return wrapper
