"""P8's page: the managers' dashboard of the large organisation (issue 17, "Fast"), signed in as its manager.

`prepare` opens, untimed, a web session of the large organisation's manager (bench/setup.py makes one) and
writes the two paths P8 times, each on its own: `/dashboard` (the organisation's figures with the charts) and
`/dashboard?charts=0` (the same figures and tables, no chart), so that the charts' share of the wait is the
difference of the two. Both gather the same figures through the same use cases (service/services/dashboard.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from service.db.models import User
from service.domain.roles import Role
from service.services import web_sessions

PAGE_COOKIE = "pathways_session"
#: The two views P8 times: (key, path).
VIEWS = (("charts", "/dashboard"), ("tables", "/dashboard?charts=0"))


@dataclass
class Dashboard:
    cookie: str
    paths: dict[str, str]
    files: dict[str, Path] = field(default_factory=dict)


def manager(pathways, organisation_id: uuid.UUID) -> uuid.UUID:
    with pathways.uow() as uow:
        found = uow.session.scalar(select(User.id).where(
            User.organisation_id == organisation_id, User.role == Role.MANAGER, User.active.is_(True)).limit(1))
    if found is None:
        raise RuntimeError("the large organisation has no manager for P8")
    return found


def prepare(pathways, organisation_id: uuid.UUID, work: Path) -> Dashboard:
    """A signed-in session of the organisation's manager, and a file of each view's path for wrk."""
    session = web_sessions.open_session(pathways.uow(), manager(pathways, organisation_id))
    page = Dashboard(cookie=f"{PAGE_COOKIE}={session}", paths=dict(VIEWS))
    for key, path in VIEWS:
        page.files[key] = work / f"p8-{key}.paths"
        page.files[key].write_text(path + "\n")
    return page
