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
from decimal import Decimal, InvalidOperation

from babel import Locale
from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
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
from service.web.i18n import country_name, current_language, label
from service.web.project_admin import category_label, share, share_target_category

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
#: Fields an entry repeats from the record it is about (shown once, beside it; its time is the entry's).
REPEATED = frozenset({"id", "organisation_id", "created_at", "updated_at"})
#: What each field of a record is called on the pages (a field not named here reads as its words).
FIELDS = {
    "given_name": _l("Given name"), "family_name": _l("Family name"), "sex": _l("Sex"),
    "birth_date": _l("Date of birth"), "phone": _l("Phone"), "email": _l("Email"), "district": _l("District"),
    "settlement_type": _l("Settlement"), "education_level": _l("Education"), "labour_status": _l("Labour status"),
    "vulnerable_groups": _l("Vulnerable groups"), "citizenship": _l("Citizenship"), "consent": _l("Consent"),
    "consent_at": _l("Consent recorded at"), "merged_into_id": _l("Merged into"),
    "national_id_hash": _l("National identity number"), "national_id_ciphertext": _l("National identity number"),
    "no_document_reason": _l("Reason for having no document"), "normalised_name": _l("Name for searches"),
    "trainee_id": _l("Person"), "project_id": _l("Project"), "cohort_id": _l("Cohort"), "status": _l("Status"),
    "enrolled_on": _l("Enrolled on"), "exited_on": _l("Left on"), "exit_reason": _l("Exit reason"),
    "qualification_gained": _l("Qualification gained"), "labour_status_at_entry": _l("Labour status at entry"),
    "education_level_at_entry": _l("Education at entry"), "settlement_type_at_entry": _l("Settlement at entry"),
    "vulnerable_groups_at_entry": _l("Groups at entry"), "indicator_groups_at_entry": _l("ESF+ categories at entry"),
    "citizenship_at_entry": _l("Citizenship at entry"), "age_at_entry": _l("Age at entry"),
    "vacancy_id": _l("Vacancy"), "employer_id": _l("Employer"), "note": _l("Note"), "placement_id": _l("Placement"),
    "started_on": _l("Started on"), "wage_monthly": _l("Monthly wage"), "currency": _l("Currency"),
    "hours_per_week": _l("Hours a week"), "contract_type": _l("Contract"), "formal": _l("Formal employment"),
    "ended_on": _l("Ended on"), "end_reason": _l("Reason for ending"), "enrolment_id": _l("Enrolment"),
    "checkpoint": _l("Checkpoint"), "due_on": _l("Due on"), "employment_status": _l("Employment status"),
    "source": _l("Source"), "observed_on": _l("Observed on"), "code": _l("Code"),
    "name": lazy_pgettext("record", "Name"),
    "description": _l("Description"), "starts_on": _l("Starts on"), "ends_on": _l("Ends on"),
    "reach_target": _l("Reach target"), "share_targets": _l("Share targets"), "priority_groups": _l("Priority groups"),
    "occupation": _l("Occupation"), "capacity": _l("Capacity"), "tax_number": _l("Tax number"),
    "sector": _l("Sector"), "title": _l("Title"), "positions": _l("Positions"), "closes_on": _l("Closes on"),
    "role": _l("Role"), "active": _l("Active"), "locale": _l("Language"), "country": _l("Country"),
    "time_zone": _l("Time zone"), "min_cell_size": _l("Minimum cell size"),
    "min_cell_size_reason": _l("Reason for the minimum cell size"),
    "national_id_scheme": _l("National identity scheme"),
    "type": _l("Type"), "issuing_country": _l("Issuing country"), "number_hash": _l("Document number"),
    "number_ciphertext": _l("Document number"), "key": _l("Key"), "labels": _l("Labels"), "feeds": _l("ESF+ category"),
    "user_id": _l("User"), "created_by": _l("Created by"), "token_hash": _l("Password link"),
    "expires_at": _l("Valid until"), "used_at": _l("Used at"), "token_expires_at": _l("Valid until"),
    "password_hash": _l("Password"), "password_changed_at": _l("Password changed at"),
    "failed_sign_ins": _l("Failed sign-ins"), "locked_until": _l("Locked until"), "slug": _l("Short name"),
}
#: The labels catalogue's kind of each coded field's values (`status` and `source` by the record's table).
KINDS = {
    "role": "role", "sex": "sex", "settlement_type": "settlement_type", "settlement_type_at_entry": "settlement_type",
    "education_level": "education_level", "education_level_at_entry": "education_level",
    "labour_status": "labour_status", "labour_status_at_entry": "labour_status", "exit_reason": "exit_reason",
    "contract_type": "contract_type", "end_reason": "placement_end_reason", "checkpoint": "follow_up_checkpoint",
    "employment_status": "employment_status", "occupation": "occupation_group", "sector": "sector",
    "no_document_reason": "no_document_reason", "indicator_groups_at_entry": "indicator_group",
    "feeds": "indicator_group",
}
TABLE_KINDS = {
    ("enrolments", "status"): "enrolment_status", ("referrals", "status"): "referral_status",
    ("vacancies", "status"): "vacancy_status", ("follow_ups", "status"): "follow_up_status",
    ("follow_ups", "source"): "follow_up_source", ("trainee_documents", "type"): "document_type",
}
#: Fields holding the id of another record, by the kind `audit.record_names` reads (users: by their email).
IDS = {"trainee_id": "trainee", "merged_into_id": "trainee", "employer_id": "employer", "vacancy_id": "vacancy",
       "project_id": "project", "cohort_id": "cohort"}
USER_IDS = frozenset({"user_id", "created_by"})
COUNTRIES = frozenset({"country", "citizenship", "citizenship_at_entry", "issuing_country"})
GROUPS = frozenset({"vulnerable_groups", "vulnerable_groups_at_entry", "priority_groups"})
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
    names = audit.record_names(context.uow(), g.principal, _ids(entries))
    return render_template(
        "admin/audit.html", form=form, entries=entries, next_cursor=next_cursor, people=people,
        user_options=user_options, record_options=sorted(((key, str(text)) for key, text in RECORDS.items()),
                                                         key=lambda pair: pair[1]),
        actor=lambda actor_id: emails.get(str(actor_id), _("Pathways itself")) if actor_id else _("Pathways itself"),
        record_label=lambda entity_type: str(RECORDS.get(entity_type, entity_type)), emails=emails,
        action_label=lambda action: str(ACTIONS.get(action, action)),
        changes=lambda entry: _changes(entry, names, emails),
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


def _ids(entries) -> dict[str, set[uuid.UUID]]:
    """{kind: ids} of the records the page's entries point at (before and after a change)."""
    found: dict[str, set[uuid.UUID]] = {}
    for entry in entries:
        for key, value in (entry.changes or {}).items():
            if key in IDS:
                for item in value if isinstance(value, list) else [value]:
                    try:
                        found.setdefault(IDS[key], set()).add(uuid.UUID(str(item)))
                    except ValueError:
                        pass
    return found


def field_name(key: str) -> str:
    """A field in the reader's language; one the page does not know as its words ("tax_number": "Tax number")."""
    known = FIELDS.get(key)
    return str(known) if known is not None else key.replace("_", " ").strip().capitalize()


class _Reader:
    """Writes an entry's values as the pages write them: labels, amounts, days, names instead of ids."""

    def __init__(self, entry, names: dict[str, dict], emails: dict[str, str]):
        self.entry, self.names, self.emails = entry, names, emails
        currency = (entry.changes or {}).get("currency")
        self.currency = currency[-1] if isinstance(currency, list) else currency

    def value(self, key: str, value) -> tuple[str, str | None]:
        """(text, link or None) of one value of field `key`."""
        if value is None or value == "" or value == db_audit.REDACTED or isinstance(value, bool):
            return _show(value), None
        if key in IDS:
            return self._record(IDS[key], value)
        if key in USER_IDS:
            return self.emails.get(str(value), _("(removed)")), None
        kind = TABLE_KINDS.get((self.entry.entity_type, key)) or KINDS.get(key)
        if kind:
            items = value if isinstance(value, list) else [value]
            return ", ".join(label(kind, item) for item in items), None
        if key in COUNTRIES and isinstance(value, str):
            return country_name(value), None
        if key in GROUPS and isinstance(value, list):
            return ", ".join(category_label("vulnerable_group", str(item)) for item in value) or "–", None
        if key == "labels" and isinstance(value, dict):  # a group's labels: the reader's own, else English
            return str(value.get(current_language()) or value.get("en") or _show(value)), None
        if key == "locale" and isinstance(value, str):
            try:
                return Locale.parse(value).get_display_name(current_language()) or value, None
            except (ValueError, TypeError):
                return value, None
        if key == "wage_monthly":
            try:
                return formatting.amount(Decimal(str(value)), self.currency or None), None
            except (InvalidOperation, ValueError, KeyError):
                return _show(value), None
        if key == "share_targets" and isinstance(value, list):
            return "; ".join(_share_target(item) if isinstance(item, dict) else _show(item) for item in value) \
                or "–", None
        return _show(value), None

    def _record(self, kind: str, value) -> tuple[str, str | None]:
        try:
            row = self.names.get(kind, {}).get(uuid.UUID(str(value)))
        except ValueError:
            row = None
        if row is None:
            return _("(removed)"), None
        if kind == "trainee":
            return f"{row.given_name} {row.family_name}", formatting.person_url(row.id)
        if kind == "project":
            return f"{row.code} – {row.name}", None
        return row[1], None


def _share_target(target: dict) -> str:
    """A share target as the project's page writes it ("Sex: Female — at least %60")."""
    try:
        category = share_target_category(target)
        low, high = target.get("min_share"), target.get("max_share")
        if low is not None and high is not None:
            return _("%(category)s — from %(low)s to %(high)s", category=category, low=share(low), high=share(high))
        if low is not None:
            return _("%(category)s — at least %(share)s", category=category, share=share(low))
        if high is not None:
            return _("%(category)s — at most %(share)s", category=category, share=share(high))
        return category
    except (TypeError, ValueError, AttributeError):
        return _show(target)


def _changes(entry, names: dict[str, dict], emails: dict[str, str]) -> tuple[list[tuple[str, list]], int]:
    """(field's name, [(text, link or None)...]) of an entry, at most FIELDS_SHOWN, and how many more there are:
    a change is its value before and after."""
    reader = _Reader(entry, names, emails)
    shown = []
    for key, value in (entry.changes or {}).items():
        if key in REPEATED:
            continue
        if is_personal_change(value):  # its value is never kept, only that it changed
            parts = [(_("(recorded)") if entry.action == "create" else _("(changed)"), None)]
        elif isinstance(value, list) and len(value) == 2 and entry.action == "update":
            parts = [reader.value(key, value[0]), reader.value(key, value[1])]
        else:
            parts = [reader.value(key, value)]
        shown.append((field_name(key), parts))
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
