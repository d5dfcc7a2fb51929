"""The home page: where a signed-in user starts; for caseworkers, their follow-ups falling due and recent people.

Staff who write casework (caseworkers, admins) see their own overdue follow-ups and those due this
week (service.services.caseload says whose are "mine"), the organisation's totals beside them, the
people they touched last and a quick search. Managers read: the search, projects and the worklist.
Employer users see how many vacancies they have open, people waiting for their decision and people working
for them, each leading to its page (service/web/employer.py).
"""

from __future__ import annotations

from flask import Blueprint, g, render_template

from service.api import context
from service.domain.roles import CASEWORK_WRITERS, EVERYONE, PROGRAMME_READERS, Role
from service.services import caseload, employer_desk
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("home", __name__)


@blp.get("/")
@page_requires(EVERYONE)
def index():
    role = g.principal.role
    summary = None
    if role in PROGRAMME_READERS:
        summary = caseload.home(context.uow(), g.principal, language=current_language(),
                                personal=role in CASEWORK_WRITERS)
    desk = employer_desk.counts(context.uow(), g.principal) if role == Role.EMPLOYER else None
    return render_template("home/index.html", summary=summary, role=role, Role=Role, desk=desk,
                           writes_casework=role in CASEWORK_WRITERS, WEEK=caseload.WEEK, COUNT_CAP=caseload.COUNT_CAP)
