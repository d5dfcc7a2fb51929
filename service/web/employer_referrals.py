"""The employer's inbox of referred people and their current placements (issue 17, routes of the
`employer_pages` blueprint of service/web/employer.py).

A row shows a person as an employer may know them: given name, family-name initial, cohort and its
occupation (service.services.employer_desk reads nothing more). Each open referral can be moved to an
interview, hired with the work terms (the API's `hire`, which creates the placement) or recorded as not
hired; each current placement can be ended with a date and a reason. After an action the list is shown
again with a message; a refused form is shown open, with its messages beside its fields.
"""

from __future__ import annotations

import uuid

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from schemas.placements import EmptySchema, PlacementEndSchema, WorkTermsSchema
from service.api import context
from service.domain import referrals as referral_rules
from service.domain.errors import Conflict, ValidationFailed
from service.services import employer_desk, placements, referrals
from service.translations import labels
from service.web import forms, paging
from service.web.auth import page_requires
from service.web.employer import EMPLOYERS, blp, currency_options, page_args, read
from service.web.i18n import current_language

#: The work terms of a hire, as the API's `hire` takes them.
TERMS = ("started_on", "wage_monthly", "currency", "hours_per_week", "contract_type", "formal")


def _chosen_vacancy(choices: list[tuple[uuid.UUID, str]]) -> uuid.UUID | None:
    wanted = request.args.get("vacancy")
    return next((vacancy_id for vacancy_id, _title in choices if str(vacancy_id) == wanted), None)


def _inbox(forms_shown: dict[str, forms.Form] | None = None, status_code: int = 200):
    lang = current_language()
    choices = employer_desk.vacancy_choices(context.uow(), g.principal)
    vacancy_id = _chosen_vacancy(choices)
    status = request.args.get("status")
    status = status if status in referral_rules.STATUSES else None
    page = paging.paging(("referred",), "referred", size=employer_desk.PAGE_SIZE)
    found = employer_desk.inbox(context.uow(), g.principal, vacancy_id=vacancy_id, status=status,
                                offset=page.offset, limit=page.size)
    return render_template(
        "employer/referrals.html", rows=found.rows, paged=paging.Paged(found.rows, page, found.total),
        forms=forms_shown or {}, vacancy_id=vacancy_id, status=status,
        vacancy_choices=[(str(vacancy_id), title) for vacancy_id, title in choices],
        status_choices=labels.choices("referral_status", lang), currencies=currency_options(),
        args=page_args()), status_code


def _back(message: str):
    flash(message, "success")
    return redirect(url_for("employer_pages.referral_list", **page_args()))


@blp.get("/referrals")
@page_requires(EMPLOYERS)
def referral_list():
    return _inbox()


@blp.post("/referrals/<uuid:referral_id>/<any(interview, reject):step>")
@page_requires(EMPLOYERS)
def referral_step(referral_id: uuid.UUID, step: str):
    _data, form = forms.read(EmptySchema(), request.form)
    if step == "reject" and request.form.get("confirm") != "yes":  # no undo: the box must be ticked
        name = _name(referrals.get(context.uow(), g.principal, referral_id).trainee)  # not ours: 404
        form.errors["confirm"] = [_("Tick the box to confirm that %(name)s is not hired.", name=name)]
    if form.ok:
        try:
            referral = referrals.take_step(context.uow(), g.principal, referral_id, step)  # not ours: 404
        except Conflict as error:  # moved on meanwhile (by a caseworker, or in another tab)
            form.fail({forms.FORM_WIDE: [error.detail]})
            return _inbox({f"referral-{referral_id}": form}, 409)
        name = _name(referral.trainee)
        return _back(_("%(name)s is invited to an interview.", name=name) if step == "interview"
                     else _("%(name)s is recorded as not hired.", name=name))
    return _inbox({f"referral-{referral_id}": form}, 422)


@blp.post("/referrals/<uuid:referral_id>/hire")
@page_requires(EMPLOYERS)
def referral_hire(referral_id: uuid.UUID):
    referrals.get(context.uow(), g.principal, referral_id)  # another employer's: 404 before reading the form
    terms, form = read(WorkTermsSchema(), request.form, names=TERMS, whole_numbers=("hours_per_week",),
                       amounts=("wage_monthly",))
    if terms is not None:
        try:
            referral = referrals.hire(context.uow(), g.principal, referral_id, terms)
        except ValidationFailed as error:
            form.fail(error)
        except Conflict as error:
            form.fail({forms.FORM_WIDE: [error.detail]})
            return _inbox({f"hire-{referral_id}": form}, 409)
        else:
            return _back(_("%(name)s is hired: the job is under My placements.", name=_name(referral.trainee)))
    return _inbox({f"hire-{referral_id}": form}, 422)


def _name(summary: dict | None) -> str:
    summary = summary or {}
    return f"{summary.get('given_name', '')} {summary.get('family_name_initial', '')}".strip()


# --- my placements --------------------------------------------------------------------------------------


def _placements(forms_shown: dict[str, forms.Form] | None = None, status_code: int = 200):
    page = paging.paging(("started",), "started", size=employer_desk.PAGE_SIZE)
    found = employer_desk.placements(context.uow(), g.principal, offset=page.offset, limit=page.size)
    return render_template("employer/placements.html", rows=found.rows,
                           paged=paging.Paged(found.rows, page, found.total), forms=forms_shown or {},
                           reasons=labels.choices("placement_end_reason", current_language()),
                           args=page_args()), status_code


@blp.get("/placements")
@page_requires(EMPLOYERS)
def placement_list():
    return _placements()


@blp.post("/placements/<uuid:placement_id>/end")
@page_requires(EMPLOYERS)
def placement_end(placement_id: uuid.UUID):
    placements.get(context.uow(), g.principal, placement_id)  # another employer's: 404 before reading the form
    data, form = forms.read(PlacementEndSchema(), request.form)
    if data is not None:
        try:
            placement = placements.end(context.uow(), g.principal, placement_id, data)
        except ValidationFailed as error:
            form.fail(error)
        except Conflict as error:  # ended meanwhile
            form.fail({forms.FORM_WIDE: [error.detail]})
            return _placements({f"end-{placement_id}": form}, 409)
        else:
            flash(_("The job of %(name)s is recorded as ended.", name=_name(placement.trainee)), "success")
            return redirect(url_for("employer_pages.placement_list", **page_args()))
    return _placements({f"end-{placement_id}": form}, 422)


# --- an action's address opened as a page ------------------------------------------------------------


@blp.get("/vacancies/<uuid:vacancy_id>/<any(close, reopen):action>")
def vacancy_action_address(**_address):
    """An action's address opened with GET (a bookmark, the browser's history): the list it belongs to, which
    checks who may read it, rather than a 405. Nothing is read or done here."""
    return redirect(url_for("employer_pages.vacancy_list"), 303)


@blp.get("/referrals/<uuid:referral_id>/<any(interview, reject, hire):step>")
def referral_action_address(**_address):
    return redirect(url_for("employer_pages.referral_list"), 303)


@blp.get("/placements/<uuid:placement_id>/end")
def placement_action_address(**_address):
    return redirect(url_for("employer_pages.placement_list"), 303)
