"""The home page: where a signed-in user starts; for caseworkers, their follow-ups falling due and recent people.

Staff who write casework (caseworkers, admins) see their own overdue follow-ups and those due this
week (service.services.caseload says whose are "mine"), the organisation's totals beside them, the
people they touched last and a quick search. Managers read: the search, projects and the worklist.
Employer users have no casework pages yet: their home leads to their account.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, g, render_template, url_for
from flask_babel import format_currency, format_date

from service.api import context
from service.domain.roles import CASEWORK_WRITERS, EVERYONE, PROGRAMME_READERS, Role
from service.services import caseload
from service.translations import labels
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("home", __name__)


def has_page(endpoint: str) -> bool:
    """Whether this deployment serves `endpoint`: links to pages of other areas are shown only then."""
    return endpoint in current_app.view_functions


def person_url(trainee_id: uuid.UUID) -> str | None:
    """The person's page, when served."""
    return url_for("person.show", trainee_id=trainee_id) if has_page("person.show") else None


def page_helpers() -> dict:
    """What the templates of the home, follow-ups and projects pages use: labels, dates, money, links."""
    lang = current_language()
    return {
        "label_of": lambda kind, value: labels.label(kind, value, lang),
        "date": lambda day: format_date(day, "medium") if day else "",
        "money": lambda amount, currency: format_currency(amount, currency) if amount is not None else "",
        "has_page": has_page,
        "person_url": person_url,
        "full_name": lambda row: f"{row.given_name} {row.family_name}",
    }


blp.context_processor(page_helpers)


@blp.get("/")
@page_requires(EVERYONE)
def index():
    role = g.principal.role
    summary = None
    if role in PROGRAMME_READERS:
        summary = caseload.home(context.uow(), g.principal, language=current_language(),
                                personal=role in CASEWORK_WRITERS)
    return render_template("home/index.html", summary=summary, role=role, Role=Role,
                           writes_casework=role in CASEWORK_WRITERS, WEEK=caseload.WEEK)
