"""The follow-ups worklist: checkpoints by due date, overdue first, and the outcome recorded in one step per row.

A row's form sends what POST /api/v1/follow-ups/{id} takes, read with the same schema
(FollowUpRecordSchema) and recorded by the same use case (service.services.follow_ups.record). The
form's one choice "outcome" is the API's pair status + employment_status: `unreachable` is the status
`unreachable`, any employment status is the status `recorded` with it. The API counts no attempts and
takes no working hours, so neither does the form.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from schemas.placements import FollowUpRecordSchema
from service import clock
from service.api import context
from service.domain import follow_ups as rules
from service.domain.errors import Conflict, NotFound, ValidationFailed
from service.domain.messages import Msg
from service.domain.money import CURRENCIES
from service.domain.roles import CASEWORK_WRITERS, PROGRAMME_READERS
from service.services import caseload, follow_ups, rosters
from service.translations import labels
from service.web import forms, paging
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("follow_up_pages", __name__)

#: The outcome a caseworker picks: each employment status, or that the person could not be reached.
OUTCOMES = rules.EMPLOYMENT_STATUSES + (rules.UNREACHABLE,)
#: The outcome `unreachable` as a caseworker reports it (the status label reads "Unreachable").
COULD_NOT_BE_REACHED = _l("Could not be reached")
#: The worklist's own filter words; the shown statuses read as their labels.
FILTER_LABELS = {caseload.TODO: _l("Due or overdue"), caseload.WEEK: _l("Due this week"), caseload.ALL: _l("All")}
#: Where the schema's fields are shown in a row's form (the outcome stands for status and employment status).
FIELD_OF = {"status": "outcome", "employment_status": "outcome"}


def _uuid(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None


def _query(page: paging.Paging, *, everything: bool = False) -> caseload.Query:
    """The worklist's filters from the address; an unknown value means no filter (never an error page)."""
    args = request.args
    status = args.get("status", caseload.TODO)
    checkpoint = args.get("checkpoint")
    return caseload.Query(
        status=status if status in caseload.FILTERS else caseload.TODO,
        checkpoint=checkpoint if checkpoint in rules.CHECKPOINTS else None,
        project_id=_uuid(args.get("project")), mine=args.get("mine") == "1", name=args.get("name", "").strip() or None,
        sort=page.sort, descending=page.descending,
        offset=0 if everything else page.offset, limit=paging.CSV_LIMIT if everything else page.size,
        language=current_language())


def _filter_choices() -> list[tuple[str, str]]:
    lang = current_language()
    return [(name, str(FILTER_LABELS[name]) if name in FILTER_LABELS else labels.label("follow_up_status", name, lang))
            for name in caseload.FILTERS]


def _csv(query: caseload.Query):
    found = caseload.worklist(context.uow(), g.principal, query)
    lang = current_language()
    header = [_("Family name"), _("Given name"), _("Phone"), _("Project"), _("Checkpoint"), _("Due on"),
              _("Window closes"), _("Status"), _("Outcome"), _("Monthly wage"), _("Currency"), _("Observed on")]
    rows = ([row.family_name, row.given_name, row.phone, row.project_code,
             labels.label("follow_up_checkpoint", row.checkpoint, lang), row.due_on.isoformat(),
             row.window_ends_on.isoformat(), labels.label("follow_up_status", row.shown_status, lang),
             labels.label("employment_status", row.employment_status, lang) if row.employment_status else "",
             row.wage_monthly, row.currency, row.observed_on.isoformat() if row.observed_on else ""]
            for row in found.rows)
    return paging.csv_response("follow-ups.csv", header, rows)


def _page(failed: dict[uuid.UUID, forms.Form] | None = None, status: int = 200):
    page = paging.paging(caseload.SORTS, "due")
    filters = forms.Form(values=MultiDict(request.args))
    try:
        if paging.wants_csv() and request.method == "GET":
            return _csv(_query(page, everything=True))
        found = caseload.worklist(context.uow(), g.principal, _query(page))
    except ValidationFailed as error:  # a name without a letter or digit: said beside the name, nothing listed
        filters.fail({"name": [message for messages in error.errors.values() for message in messages]})
        found, status = caseload.Worklist(rows=[], total=0, today=clock.today(g.principal.time_zone or "UTC")), 422
    failed = failed or {}
    # A form refused for a row no longer on this page still has its messages shown, in the summary.
    lost = [form for follow_up_id, form in failed.items() if follow_up_id not in {row.id for row in found.rows}]
    lang = current_language()
    return render_template(
        "follow_ups/worklist.html", worklist=found, paged=paging.Paged(found.rows, page, found.total, more=found.more),
        failed=failed, lost=lost, filters=_filter_choices(), filter_form=filters, query=_query(page),
        kept=_kept_args(),
        checkpoints=labels.choices("follow_up_checkpoint", lang),
        projects_choices=[(str(project_id), f"{code} · {name}")
                          for project_id, code, name in rosters.project_choices(context.uow(), g.principal)],
        outcomes=[(name, str(COULD_NOT_BE_REACHED) if name == rules.UNREACHABLE
                   else labels.label("employment_status", name, lang)) for name in OUTCOMES],
        currencies=sorted(CURRENCIES), wage_earning=rules.WAGE_EARNING,
        may_record=g.principal.role in CASEWORK_WRITERS), status


@blp.get("/follow-ups")
@page_requires(PROGRAMME_READERS)
def worklist():
    return _page()


def _document(submitted: MultiDict) -> MultiDict:
    """The row's form as the API's request body: the outcome split into status and employment status; a
    currency only with a wage (the select always holds one)."""
    outcome = submitted.get("outcome", "").strip()
    document = MultiDict({"status": rules.UNREACHABLE if outcome == rules.UNREACHABLE else rules.RECORDED})
    if outcome and outcome != rules.UNREACHABLE:
        document["employment_status"] = outcome
    wage = submitted.get("wage_monthly", "").strip()
    if wage:
        document["wage_monthly"] = forms.amount(wage) or wage
        document["currency"] = submitted.get("currency", "").strip().upper()
    if submitted.get("observed_on", "").strip():
        document["observed_on"] = submitted["observed_on"]
    return document


def _shown_on_fields(form: forms.Form) -> forms.Form:
    """The schema's and the rule's field names as the row's fields (status -> outcome)."""
    moved: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        moved.setdefault(FIELD_OF.get(name, name), []).extend(messages)
    form.errors = moved
    return form


@blp.post("/follow-ups")
@page_requires(CASEWORK_WRITERS)
def record():
    """Record one row's outcome. The form posts to the worklist's own address (its filters, sort and page
    in the query string), so a refused form is shown in place with every link of the page intact."""
    follow_up_id = _uuid(request.form.get("follow_up_id"))
    if follow_up_id is None:
        raise NotFound(Msg("Follow-up not found."))
    try:
        data, form = forms.read(FollowUpRecordSchema(), _document(request.form))
    except ValidationFailed as error:  # the schema's rule between fields (outcome needed when recorded)
        data, form = None, forms.Form().fail(error)
    form.values = MultiDict(request.form)  # what was typed, not what the schema was given
    forms.explain_amounts(form, request.form, "wage_monthly")
    if data is not None:
        try:
            recorded = follow_ups.record(context.uow(), g.principal, follow_up_id, data)
        except ValidationFailed as error:
            form.fail(error)
        except Conflict as error:  # recorded meanwhile: said at the top of the page
            form.fail({forms.FORM_WIDE: [error.detail]})
        else:
            lang = current_language()
            outcome = (labels.label("employment_status", recorded.employment_status, lang)
                       if recorded.status == rules.RECORDED
                       else labels.label("follow_up_status", recorded.status, lang))
            flash(_("Recorded: %(checkpoint)s, %(outcome)s.",
                    checkpoint=labels.label("follow_up_checkpoint", recorded.checkpoint, lang), outcome=outcome),
                  "success")
            return redirect(url_for("follow_up_pages.worklist", **_kept_args()))
    return _page({follow_up_id: _shown_on_fields(form)}, 422)


def _kept_args() -> dict:
    """The worklist's filters, sort and page the form was sent from (its action carries them)."""
    return {name: value for name, value in request.args.items() if name in ("status", "checkpoint", "project", "mine",
                                                                          "name", "sort", "page")}
