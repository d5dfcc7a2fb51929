"""The employer's pages (issue 17): their vacancies (post, edit, close, with the referrals at each step), the
people referred to them and their current placements (service/web/employer_referrals.py).

They belong to users with the `employer` role, confined to their own employer: another employer's record, of
this organisation or another, answers 404 exactly as in the API. Staff reach the same records through the
person's page and the API, so these pages answer 403 to them. Forms are read with the API's schemas and
handed to the API's use cases (service.services.vacancies, referrals, placements); a refused form is shown
again with its messages beside the fields, in the reader's language, what was typed kept.
"""

from __future__ import annotations

import uuid

import marshmallow as ma
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from schemas.employers import VacancyCreateSchema, VacancyPatchSchema
from service.api import context
from service.domain import occupations
from service.domain import referrals as referral_rules
from service.domain import vacancies as vacancy_rules
from service.domain.dates import check_not_past
from service.domain.errors import Conflict, ValidationFailed
from service.domain.money import CURRENCIES
from service.domain.roles import Role
from service.services import employer_desk, organisation_day, vacancies
from service.translations import labels
from service.web import formatting, forms, i18n, paging
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("employer_pages", __name__, url_prefix="/employer")

#: These pages are the employer users' own.
EMPLOYERS = frozenset({Role.EMPLOYER})
#: What the vacancy form sends: the create schema's fields but the employer (always the user's own).
POSTED = ("title", "occupation", "positions", "wage_monthly", "currency", "contract_type", "district", "closes_on")
#: What editing changes (PATCH /vacancies/{id} takes no occupation; closing is its own button).
EDITABLE = ("title", "positions", "wage_monthly", "currency", "contract_type", "district", "closes_on")
#: Emptied in the edit form, these are removed (null), not kept.
CLEARABLE = ("district", "closes_on")
#: The button's action -> the vacancy status it asks for.
STATUS_ACTIONS = {"close": vacancy_rules.CLOSED, "reopen": vacancy_rules.OPEN}


# --- shared by the employer's pages -----------------------------------------------------------------------


def occupation_name(code: str | None) -> str:
    """An ISCO-08 code as its group's title in the reader's language (the sub-major group's, else the major
    group's); the code itself only when it is in no group."""
    if not code:
        return ""
    try:
        group = occupations.sub_major(code) or occupations.major(code)
    except ValueError:
        return code
    return labels.label("occupation_group", group, current_language())


def occupation_options() -> list[tuple[str, list[tuple[str, str]]]]:
    """ISCO-08's sub-major groups by major group, in the reader's language, for a select with optgroups."""
    lang = current_language()
    grouped = []
    for major in sorted(occupations.MAJOR_GROUPS, key=lambda code: (code == "0", code)):
        subs = [(code, labels.label("occupation_group", code, lang))
                for code in sorted(occupations.SUB_MAJOR_GROUPS) if code[0] == major]
        grouped.append((labels.label("occupation_group", major, lang), subs))
    return grouped


def currency_options() -> list[tuple[str, str]]:
    return i18n.currency_choices(CURRENCIES)


def read(schema: ma.Schema, submitted: MultiDict, *, names: tuple[str, ...], clear: tuple[str, ...] = (),
         kept: tuple[str, ...] = (), whole_numbers: tuple[str, ...] = (),
         amounts: tuple[str, ...] = ()) -> tuple[dict | None, forms.Form]:
    """`forms.read`, and what a form's text cannot say as JSON does: sums written as the reader writes
    numbers, digits typed for a whole number, an emptied `clear` field removed (null), an emptied `kept`
    field refused (a change must not blank it; left out, a PATCH would keep it silently)."""
    typed = MultiDict(submitted)
    submitted = forms.with_amounts(submitted, *amounts)
    form = forms.Form(values=typed)
    document = forms.document(schema, submitted, names)
    for name in clear:
        if name in submitted and not submitted.get(name, "").strip():
            document[name] = None
    for name in kept:
        if name in submitted and not submitted.get(name, "").strip():
            document[name] = ""
    for name in whole_numbers:
        if isinstance(document.get(name), str) and document[name].isascii() and document[name].isdigit():
            document[name] = int(document[name])
    try:
        return schema.load(document), form
    except ma.ValidationError as error:
        form.fail(error)
        forms.explain_amounts(form, typed, *amounts)
        _past_closing_day(schema, document, form)
        return None, form


def _past_closing_day(schema: ma.Schema, document: dict, form: forms.Form) -> None:
    """The use case's rule on the closing day (service.domain.dates.check_not_past, by the organisation's
    today), run beside the schema's messages so that a past date shows with the others, not after them."""
    if not document.get("closes_on") or form.error("closes_on"):
        return
    try:
        day = schema.load({"closes_on": document["closes_on"]}, partial=True).get("closes_on")
        uow = context.uow()
        with uow:
            today = organisation_day.today(uow.session, g.principal.organisation_id)
        check_not_past("closes_on", day, today)
    except (ma.ValidationError, ValidationFailed) as error:
        form.fail(error)


def page_args() -> dict:
    """The list's filters and page, kept by the forms of its rows (a refused one shows the same list)."""
    return {name: value for name, value in request.args.items() if name in ("vacancy", "status", "page") and value}


@blp.context_processor
def _helpers() -> dict:
    return {"occupation_name": occupation_name}


# --- my vacancies ---------------------------------------------------------------------------------------


@blp.get("/vacancies")
@page_requires(EMPLOYERS)
def vacancy_list():
    status = request.args.get("status")
    status = status if status in vacancy_rules.STATUSES else None
    page = paging.paging(("posted",), "posted", size=employer_desk.PAGE_SIZE)
    found = employer_desk.vacancies(context.uow(), g.principal, status=status, offset=page.offset, limit=page.size)
    return render_template("employer/vacancies.html", rows=found.rows,
                           paged=paging.Paged(found.rows, page, found.total), status=status,
                           statuses=labels.choices("vacancy_status", current_language()),
                           steps=referral_rules.STATUSES, args=page_args())


def _form_page(form: forms.Form, vacancy=None, status: int = 200):
    return render_template("employer/vacancy_form.html", form=form, vacancy=vacancy,
                           occupation_groups=occupation_options(), currencies=currency_options()), status


def _refused(form: forms.Form, error: Exception) -> forms.Form:
    if isinstance(error, ValidationFailed):
        return form.fail(error)
    if isinstance(error, Conflict):
        return form.fail({forms.FORM_WIDE: [error.detail]})
    raise error


@blp.route("/vacancies/new", methods=["GET", "POST"])
@page_requires(EMPLOYERS)
def vacancy_new():
    if request.method == "GET":
        currency = employer_desk.default_currency(context.uow(), g.principal)
        return _form_page(forms.Form(values=MultiDict({"currency": currency or "", "positions": "1"})))
    data, form = read(VacancyCreateSchema(), request.form, names=POSTED, whole_numbers=("positions",),
                      amounts=("wage_monthly",))
    if data is not None:
        try:
            vacancy = vacancies.create(context.uow(), g.principal, data)
        except (ValidationFailed, Conflict) as error:
            _refused(form, error)
        else:
            flash(_("The vacancy “%(title)s” is posted.", title=vacancy.title), "success")
            return redirect(url_for("employer_pages.vacancy_list"))
    return _form_page(form, status=422)


def _current_values(vacancy) -> MultiDict:
    return MultiDict({
        "title": vacancy.title, "positions": str(vacancy.positions),
        "wage_monthly": formatting.amount(vacancy.wage_monthly, vacancy.currency), "currency": vacancy.currency,
        "contract_type": vacancy.contract_type, "district": vacancy.district or "",
        "closes_on": vacancy.closes_on.isoformat() if vacancy.closes_on else ""})


@blp.route("/vacancies/<uuid:vacancy_id>/edit", methods=["GET", "POST"])
@page_requires(EMPLOYERS)
def vacancy_edit(vacancy_id: uuid.UUID):
    vacancy = vacancies.get(context.uow(), g.principal, vacancy_id)  # another employer's: 404
    if request.method == "GET":
        return _form_page(forms.Form(values=_current_values(vacancy)), vacancy)
    changes, form = read(VacancyPatchSchema(), request.form, names=EDITABLE, clear=CLEARABLE,
                         kept=tuple(name for name in EDITABLE if name not in CLEARABLE),
                         whole_numbers=("positions",), amounts=("wage_monthly",))
    if changes is not None:
        try:
            vacancies.update(context.uow(), g.principal, vacancy_id, changes)
        except (ValidationFailed, Conflict) as error:
            _refused(form, error)
        else:
            flash(_("The vacancy “%(title)s” is saved.", title=changes.get("title", vacancy.title)), "success")
            return redirect(url_for("employer_pages.vacancy_list"))
    return _form_page(form, vacancy, 422)


@blp.post("/vacancies/<uuid:vacancy_id>/<any(close, reopen):action>")
@page_requires(EMPLOYERS)
def vacancy_status(vacancy_id: uuid.UUID, action: str):
    vacancy = vacancies.get(context.uow(), g.principal, vacancy_id)  # another employer's: 404
    try:
        vacancies.update(context.uow(), g.principal, vacancy_id, {"status": STATUS_ACTIONS[action]})
    except Conflict as error:  # changed meanwhile (filled, or closed in another tab)
        flash(str(forms.Form().fail({forms.FORM_WIDE: [error.detail]}).error(forms.FORM_WIDE)[0]), "error")
    else:
        done = (_("The vacancy “%(title)s” is closed.", title=vacancy.title) if action == "close"
                else _("The vacancy “%(title)s” is open again.", title=vacancy.title))
        flash(done, "success")
    return redirect(url_for("employer_pages.vacancy_list", **page_args()))
