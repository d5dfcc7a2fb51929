"""The API exactly as gunicorn serves it (`service.wsgi`), plus a test-only way to stop a worker at a
chosen point of a request: `gunicorn tests.integration.killable_api:app`.

The hooks act only on a database transaction that wrote a placement, at its outermost commit
(savepoints do not count), and only for a request that asks with `X-Test-At`:

- `kill-before-commit`: the worker SIGKILLs itself just before that commit;
- `kill-after-commit`: just after it, before any response is sent (or anything else is stored);
- `hold-before-commit:<path>`: it creates `<path>.held`, then waits (at most 60 s) until `<path>`
  exists, so that a test can act while the request is really running.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from service.db.models import Placement
from service.wsgi import app  # noqa: F401  (what gunicorn serves)

HEADER = "X-Test-At"
_WROTE_PLACEMENT = "test_wrote_placement"


def _asked(point: str) -> str | None:
    """The header's argument when this request asks for `point` (an empty string when it takes none)."""
    if not has_request_context():
        return None
    asked, _, argument = request.headers.get(HEADER, "").partition(":")
    return argument if asked == point else None


@event.listens_for(Session, "after_flush")
def _note_placement(session: Session, _context) -> None:
    if any(isinstance(record, Placement) for record in session.new):
        session.info[_WROTE_PLACEMENT] = True


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.get(_WROTE_PLACEMENT):
        return
    if _asked("kill-before-commit") is not None:
        os.kill(os.getpid(), signal.SIGKILL)
    release = _asked("hold-before-commit")
    if release:
        Path(f"{release}.held").touch()
        deadline = time.monotonic() + 60
        while not Path(release).exists() and time.monotonic() < deadline:
            time.sleep(0.05)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.pop(_WROTE_PLACEMENT, False):
        return
    if _asked("kill-after-commit") is not None:
        os.kill(os.getpid(), signal.SIGKILL)
