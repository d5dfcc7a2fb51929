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
from dataclasses import dataclass

_lock = threading.Lock()
#: The last id made, as its 48-bit milliseconds and 74-bit counter in one number: the next id in
#: the same millisecond is this plus one, and a counter that overflows carries into the milliseconds.
_last = 0
_COUNTER_BITS = 74


def _assemble(position: int) -> uuid.UUID:
    millis, counter = position >> _COUNTER_BITS, position & ((1 << _COUNTER_BITS) - 1)
    rand_a, rand_b = counter >> 62, counter & ((1 << 62) - 1)
    return uuid.UUID(int=(millis << 80) | (0x7 << 76) | (rand_a << 64) | (0x2 << 62) | rand_b)


def new_id() -> uuid.UUID:
    return _assemble(_take(1))


@dataclass(frozen=True)
class IdBlock:
    """`count` consecutive ids taken in one go but made later, perhaps by another process: a bulk
    import takes a block per batch in file order, and the process that checks the batch makes them."""

    first: int
    count: int

    def ids(self, count: int | None = None) -> list[uuid.UUID]:
        """The block's ids, or its first `count`."""
        count = self.count if count is None else min(count, self.count)
        return [_assemble(position) for position in range(self.first, self.first + count)]


def reserve(count: int) -> IdBlock:
    """The next `count` ids of this process, each greater than the one before, for one lock, one
    clock reading and one draw of random bits."""
    return IdBlock(_take(count) if count > 0 else 0, max(count, 0))


def new_ids(count: int) -> list[uuid.UUID]:
    return reserve(count).ids()


def _take(count: int) -> int:
    """Take `count` ids' positions and return the first."""
    global _last
    with _lock:
        millis = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
        if millis > _last >> _COUNTER_BITS:
            first = (millis << _COUNTER_BITS) | (int.from_bytes(os.urandom(10), "big") >> 6)  # 74 random bits
        else:
            first = _last + 1  # same millisecond, or the clock stepped back: continue after the last id
        _last = first + count - 1
        return first
