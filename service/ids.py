"""Time-ordered UUIDs (version 7), so that ordering by id is ordering by creation.

Keyset pagination then needs nothing but the last id as its cursor. Within one process
ids strictly increase, also inside one millisecond (RFC 9562, method 2: the 74 random
bits act as a counter), so "newest first" and the outbox order hold for one request.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, 74-bit counter)


def _assemble(millis: int, counter: int) -> uuid.UUID:
    rand_a, rand_b = counter >> 62, counter & ((1 << 62) - 1)
    return uuid.UUID(int=(millis << 80) | (0x7 << 76) | (rand_a << 64) | (0x2 << 62) | rand_b)


def new_id() -> uuid.UUID:
    global _last
    with _lock:
        millis = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
        counter = int.from_bytes(os.urandom(10), "big") >> 6  # 74 random bits
        last_millis, last_counter = _last
        if millis <= last_millis:
            # Same millisecond, or the clock stepped back: continue after the last id.
            millis, counter = last_millis, last_counter + 1
            if counter >> 74:
                millis, counter = millis + 1, 0
        _last = (millis, counter)
        return _assemble(millis, counter)
