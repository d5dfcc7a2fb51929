"""Waiting between attempts while the database or the broker is away, capped so that work resumes soon
after it is back (uncapped doubling once made the relay 13 s and a consumer 44 s late), and logged once
per outage rather than once per attempt."""

from __future__ import annotations

import logging

#: The first wait; each further failed attempt doubles it, up to `MAX_SECONDS`.
FIRST_SECONDS = 0.5
#: Events flow again within this (plus one attempt) of the database or the broker coming back.
MAX_SECONDS = 2.0


class Backoff:
    """The waits of one loop (`who`: the relay, a consumer) against one thing that may be away."""

    def __init__(self, log: logging.Logger, who: str, first: float = FIRST_SECONDS, cap: float = MAX_SECONDS):
        self.log, self.who, self.first, self.cap = log, who, first, cap
        self.delay = first
        self.failures = 0

    def failed(self, what: str, error: BaseException) -> float:
        """Record a failed attempt (`what` was unavailable); return how long to wait before the next one.

        The first failure of an outage is a warning, the next ones debug lines."""
        delay, self.delay = self.delay, min(self.delay * 2, self.cap)
        self.failures += 1
        self.log.log(logging.WARNING if self.failures == 1 else logging.DEBUG,
                     "%s: %s unavailable (%s); retrying every %.1f s at most", self.who, what,
                     error.__class__.__name__, self.cap)
        return delay

    def succeeded(self) -> None:
        if self.failures:
            self.log.info("%s: working again after %d failed attempts", self.who, self.failures)
        self.delay, self.failures = self.first, 0
