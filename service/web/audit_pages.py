"""The audit trail for admins: who changed what and when, newest first, a page at a time, narrowed by person
(a name or a person's id: the entries of their record and of their enrolments, referrals, placements,
follow-ups and documents), by the user who acted, by what kind of record and by days (the organisation's).

The entries are read by the API's use case (`GET /audit`, service/services/audit.py) with its cursor: the page
goes to older entries and back to the newest.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from service import clock
from service.api import context
from service.domain.errors import ValidationFailed
from service.domain.personal_fields import is_personal_change
from service.domain.roles import ADMIN_ONLY
from service.services import accounts, audit, directory
from service.services.queries import decode_cursor
from service.db import audit as db_audit
from service.web import formatting, forms
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("audit_pages", __name__)

PAGE_SIZE = 50
#: Users offered in the filter (active and deactivated): an organisation's staff, not a bulk list.
USERS_SHOWN = 500
#: How many people a name may match before the page asks for more of it.
PEOPLE_SHOWN = 10
#: The kinds of record, by table, in words (any other is shown by its table's name).
RECORDS = {
    "trainees": _l("Person"), "trainee_documents": _l("Identity document"), "enrolments": _l("Enrolment"),
    "referrals": _l("Referral"), "placements": _l("Placement"), "follow_ups": _l("Follow-up"),
    "projects": _l("Project"), "cohorts": _l("Cohort"), "employers": _l("Employer"), "vacancies": _l("Vacancy"),
    "users": _l("User"), "user_invitations": _l("Password link"), "organisations": _l("Organisation settings"),
    "organisation_groups": _l("Group"), "trainee_merges": _l("Merge of duplicates"),
    "trainee_distinctions": _l("Not the same person"),
}
ACTIONS = {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted")}
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Fields an entry repeats from the record it is about (shown once, beside it).
REPEATED = frozenset({"id", "organisation_id"})
#: The most changed fields shown per entry (the rest are counted).
FIELDS_SHOWN = 12


@blp.get("/admin/audit")
@page_requires(ADMIN_ONLY)
def index():
    form = forms.Form(values=MultiDict(request.args))
    args: dict = {"limit": PAGE_SIZE}
    people: list[directory.Person] = []
    user_options = _users()
    _person(form, args, people)
    if user := form.value("user").strip():
        if user not in dict(user_options):
            form.errors["user"] = [_("Choose one of the users listed.")]
        else:
            args["actor_id"] = uuid.UUID(user)
    if record := form.value("record").strip():
        if record not in RECORDS:
            form.errors["record"] = [_("Choose one of the kinds of record listed.")]
        else:
            args["entity_type"] = record
    since, until = _day(form, "from"), _day(form, "to")
    if since and until and until < since:
        form.errors["to"] = [_("The last day cannot come before the first.")]
    zone = clock.zone(g.principal.time_zone or "UTC")
    if since:
        args["since"] = datetime.combine(since, time(), zone)
    if until:
        args["until"] = datetime.combine(until + timedelta(days=1), time(), zone)
    if cursor := form.value("cursor"):
        try:
            decode_cursor(cursor)
            args["cursor"] = cursor
        except ValidationFailed:  # a cursor typed by hand: start at the newest
            pass
    entries, next_cursor = audit.list_(context.uow(), g.principal, args) if form.ok else ([], None)
    emails = dict(user_options)
    return render_template(
        "admin/audit.html", form=form, entries=entries, next_cursor=next_cursor, people=people,
        user_options=user_options, record_options=sorted(((key, str(text)) for key, text in RECORDS.items()),
                                                         key=lambda pair: pair[1]),
        actor=lambda actor_id: emails.get(str(actor_id), _("Pathways itself")) if actor_id else _("Pathways itself"),
        record_label=lambda entity_type: str(RECORDS.get(entity_type, entity_type)), emails=emails,
        action_label=lambda action: str(ACTIONS.get(action, action)), changes=_changes,
        filtered=any(form.value(name) for name in ("person", "user", "record", "from", "to")),
    ), (200 if form.ok else 422)


def _users() -> list[tuple[str, str]]:
    found = []
    for active in (True, False):
        rows, _total = accounts.organisation_users(context.uow(), g.principal, limit=USERS_SHOWN, active=active)
        found += [(str(row.id), row.email if active else _("%(email)s (deactivated)", email=row.email))
                  for row in rows]
    return found


def _person(form: forms.Form, args: dict, people: list) -> None:
    """A person's id, or a name that matches exactly one person: their entries; several: the page lists them."""
    typed = form.value("person").strip()
    if not typed:
        return
    try:
        args["trainee_id"] = uuid.UUID(typed)
        return
    except ValueError:
        pass
    if len(typed) > 200:
        form.errors["person"] = [_("Enter a name, or a person's id.")]
        return
    found = directory.search(context.uow(), g.principal, directory.Criteria(name=typed), limit=PEOPLE_SHOWN,
                             lang=current_language())
    if found.total == 1:
        args["trainee_id"] = found.rows[0].id
        people.extend(found.rows)
    elif not found.total:
        form.errors["person"] = [_("Nobody's name matches “%(name)s”.", name=typed)]
    else:
        people.extend(found.rows)
        form.errors["person"] = [_("%(count)s people match “%(name)s”: choose one below, or type more of the "
                                   "name.", count=found.total, name=typed)]


def _day(form: forms.Form, name: str) -> date | None:
    typed = form.value(name).strip()
    if not typed:
        return None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999:
        form.errors[name] = [_("Enter a date such as %(example)s.", example="2026-03-01")]
        return None
    return day


def _changes(entry) -> tuple[list[tuple[str, str]], int]:
    """(field, what it became) of an entry, at most FIELDS_SHOWN, and how many more there are."""
    shown = []
    for key, value in (entry.changes or {}).items():
        if key in REPEATED:
            continue
        if is_personal_change(value):  # its value is never kept, only that it changed
            text = _("(recorded)") if entry.action == "create" else _("(changed)")
        elif isinstance(value, list) and len(value) == 2 and entry.action == "update":
            text = f"{_show(value[0])} → {_show(value[1])}"
        else:
            text = _show(value)
        shown.append((key, text))
    return shown[:FIELDS_SHOWN], max(0, len(shown) - FIELDS_SHOWN)


def _show(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value == db_audit.REDACTED:
        return _("(not shown)")
    if isinstance(value, str) and _MOMENT.fullmatch(value):
        return formatting.moment(datetime.fromisoformat(value))
    if isinstance(value, str) and _DAY.fullmatch(value):
        return formatting.day(date.fromisoformat(value))
    if isinstance(value, list):
        return ", ".join(_show(item) for item in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_show(item)}" for key, item in value.items()) or "–"
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"
