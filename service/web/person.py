"""A person's page: their details (and editing them), enrolments, referrals, placements, follow-ups, and
the caseworker's actions on them (enrol, complete, drop out, refer to an open vacancy, record a job found).

Every action is a small form posted to its own address and read with the API's schema for the same
step; it calls the same use case as the API, then redirects back to the page with a message (so a
reload never sends it twice). A refused action shows the page again with the messages beside the
fields of that form, in the reader's language, and what was typed kept. Reading needs the roles
that read the programme (managers too); acting needs the roles that write casework, as in the API.
"""

from __future__ import annotations

import uuid

import marshmallow as ma
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from schemas.base import BaseSchema
from schemas.enrolments import CompleteSchema, DropOutSchema, EnrolmentCreateSchema
from schemas.placements import (EmptySchema, PlacementCreateSchema, PlacementEndSchema, ReferralCreateSchema,
                                WorkTermsSchema)
from schemas.trainees import TraineePatchSchema
from service.api import context
from service.domain import consent as consent_rules
from service.domain import enrolments as enrolment_rules
from service.domain.errors import Conflict, NotFound, ValidationFailed
from service.domain.money import CURRENCIES
from service.domain.roles import CASEWORK_WRITERS, PROGRAMME_READERS
from service.services import consent, enrolments, person_file, placements, referrals, trainees
from service.translations import labels
from service.web import formatting, forms, i18n
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("person", __name__, url_prefix="/people")

#: The details the edit form changes: those PATCH /trainees/{id} takes (identity stays fixed).
EDITABLE = ("given_name", "family_name", "sex", "phone", "email", "district", "settlement_type",
            "education_level", "labour_status", "vulnerable_groups", "citizenship")
#: Details a person may be left without: emptied in the form, they are removed (null), not kept.
CLEARABLE = ("phone", "email", "district", "citizenship")
#: Where a record named by a form but missing (another organisation's, or gone meanwhile) is reported.
MISSING_FIELD = {"Project": "project_id", "Cohort": "cohort_id", "Vacancy": "vacancy_id", "Employer": "employer_id"}
#: Reasons of a drop-out: every exit reason but a completed course (DropOutSchema's choices).
DROP_OUT_REASONS = tuple(reason for reason in enrolment_rules.EXIT_REASONS if reason != "completed_course")
#: The steps of an open referral a caseworker takes with one button (hiring takes the work terms).
REFERRAL_STEPS = ("interview", "reject", "withdraw")


class VacancyChoiceSchema(BaseSchema):
    """The vacancy of a referral: the API takes it in the path (POST /vacancies/{id}/referrals)."""

    vacancy_id = ma.fields.UUID(required=True)


def _options(choices: person_file.Choices | None) -> dict[str, list[tuple[str, str]]]:
    """The (value, label) options of the action forms' selects."""
    if choices is None:
        return {}
    lang = current_language()

    def since(start) -> str:
        return f" ({formatting.day(start)})" if start else ""

    def closing(end) -> str:
        return " (" + _("closes %(day)s", day=formatting.day(end)) + ")" if end else ""

    return {
        "projects": [(str(p.id), f"{p.code} · {p.name}") for p in choices.projects],
        "cohorts": [(str(c.id), f"{code} · {c.name}{since(c.starts_on)}") for c, code in choices.cohorts],
        "vacancies": [(str(v.id), f"{v.title} · {employer}{closing(v.closes_on)}")
                      for v, employer in choices.vacancies],
        "employers": [(str(e.id), e.name) for e in choices.employers],
        "currencies": i18n.currency_choices(CURRENCIES),
        "drop_out_reasons": [(reason, labels.label("exit_reason", reason, lang)) for reason in DROP_OUT_REASONS],
        "referral_steps": [(step, labels.label("referral_step", step, lang)) for step in REFERRAL_STEPS],
    }


# --- reading ------------------------------------------------------------------------------------------


def _page(trainee_id: uuid.UUID, forms_shown: dict[str, forms.Form] | None = None, status: int = 200):
    """The person's page; `forms_shown` holds a refused form (its values and messages) by its name."""
    file = person_file.read(context.uow(), g.principal, trainee_id)
    # Sharing with employers withdrawn (or never given): no referral is offered (issue 18; service.services.consent).
    sharing = file.choices is None or consent.allowed(context.uow(), g.principal, file.trainee,
                                                      consent_rules.EMPLOYER_SHARING)
    return render_template("person/show.html", file=file, person=file.trainee, forms=forms_shown or {},
                           can_act=file.choices is not None, options=_options(file.choices),
                           sharing=sharing), status


@blp.get("/<uuid:trainee_id>")
@page_requires(PROGRAMME_READERS)
def show(trainee_id: uuid.UUID):
    try:
        return _page(trainee_id)
    except NotFound as error:
        # A duplicate merged into another record: its old address (a bookmark, a CSV) leads to the survivor.
        if "merged_into_id" not in error.extra:
            raise
        flash(_("This record was merged into the one below."), "success")
        return redirect(url_for("person.show", trainee_id=error.extra["merged_into_id"]))


@blp.get("/<uuid:trainee_id>/enrolments")
@blp.get("/<uuid:trainee_id>/enrolments/<uuid:enrolment_id>/<any(complete, 'drop-out'):action>")
@blp.get("/<uuid:trainee_id>/referrals")
@blp.get("/<uuid:trainee_id>/referrals/<uuid:referral_id>/<any(interview, reject, withdraw, hire):action>")
@blp.get("/<uuid:trainee_id>/placements")
@blp.get("/<uuid:trainee_id>/placements/<uuid:placement_id>/end")
def action_address(trainee_id: uuid.UUID, **_address):
    """An action's address opened as a page (a bookmark, a typed address, the browser's history): the person's
    page, which checks who may read it, rather than a 405. Nothing is read or done here."""
    return redirect(url_for("person.show", trainee_id=trainee_id), 303)


# --- details ------------------------------------------------------------------------------------------


def _read(schema: ma.Schema, submitted: MultiDict, *, names: tuple[str, ...] | None = None,
          clear: tuple[str, ...] = (), whole_numbers: tuple[str, ...] = ()) -> tuple[dict | None, forms.Form]:
    """`forms.read`, and what a form's text cannot say as JSON does: a field emptied in `clear` is removed
    (null, not left as it was); a field of `whole_numbers` typed as digits is the number (the API's
    integers refuse text, as JSON's "40" is no number)."""
    form = forms.Form(values=MultiDict(submitted))
    document = forms.document(schema, submitted, names)
    for name in clear:
        if name in submitted and not submitted.get(name, "").strip():
            document[name] = None
    for name in whole_numbers:
        if isinstance(document.get(name), str) and document[name].isascii() and document[name].isdigit():
            document[name] = int(document[name])
    try:
        return schema.load(document), form
    except ma.ValidationError as error:
        return None, form.fail(error)


def _edit_page(file: person_file.PersonFile, form: forms.Form, status: int = 200):
    held = set(file.trainee.vulnerable_groups or ())
    # Active groups are offered; a retired one stays offered only to a person who has it.
    group_options = [(entry.key, formatting.group_label(entry))
                     for entry in file.groups if entry.active or entry.key in held]
    countries = i18n.countries()
    return render_template("person/edit.html", file=file, person=file.trainee, form=form,
                           group_options=group_options, countries=countries), status


@blp.route("/<uuid:trainee_id>/edit", methods=["GET", "POST"])
@page_requires(CASEWORK_WRITERS)
def edit(trainee_id: uuid.UUID):
    file = person_file.read(context.uow(), g.principal, trainee_id, choices=False)
    if request.method == "GET":
        current = forms.values_of(file.trainee, EDITABLE, lists=("vulnerable_groups",))
        return _edit_page(file, forms.Form(values=current))
    changes, form = _read(TraineePatchSchema(), request.form, names=EDITABLE + ("confirm_sex_mismatch",),
                          clear=CLEARABLE)
    if changes is not None:
        try:
            trainees.update(context.uow(), g.principal, trainee_id, changes, context.pathways().vault)
        except ValidationFailed as error:
            form.fail(error)
        else:
            flash(_("The details are saved."), "success")
            return redirect(url_for("person.show", trainee_id=trainee_id))
    return _edit_page(file, form, 422)


# --- actions ------------------------------------------------------------------------------------------


def _refused(form: forms.Form, error: Exception, conflict_field: str = forms.FORM_WIDE) -> forms.Form:
    """A use case's refusal as messages of the form: a broken rule beside its field, a conflict beside
    `conflict_field`, a chosen record that is missing beside the field that named it."""
    if isinstance(error, ValidationFailed):
        return form.fail(error)
    if isinstance(error, NotFound):
        label = getattr(error.detail, "params", {}).get("label")
        if label not in MISSING_FIELD:
            raise error  # the person (or their enrolment) itself: the 404 page
        return form.fail({MISSING_FIELD[label]: [error.detail]})
    if isinstance(error, Conflict):
        field = "cohort_id" if "cohort_id" in error.extra else conflict_field
        return form.fail({field: [error.detail]})
    raise error


def _done(trainee_id: uuid.UUID, message: str, anchor: str):
    flash(message, "success")
    return redirect(url_for("person.show", trainee_id=trainee_id, _anchor=anchor))


def _with(submitted, **values) -> MultiDict:
    merged = MultiDict(submitted)
    for name, value in values.items():
        merged[name] = value
    return merged


@blp.post("/<uuid:trainee_id>/enrolments")
@page_requires(CASEWORK_WRITERS)
def enrol(trainee_id: uuid.UUID):
    data, form = forms.read(EnrolmentCreateSchema(), _with(request.form, trainee_id=str(trainee_id)))
    if data is not None:
        try:
            enrolments.enrol(context.uow(), g.principal, data)
        except (ValidationFailed, Conflict, NotFound) as error:
            _refused(form, error, conflict_field="project_id")
        else:
            return _done(trainee_id, _("Enrolled."), "enrolments")
    return _page(trainee_id, {"enrol": form}, 422)


def _own_enrolment(trainee_id: uuid.UUID, enrolment_id: uuid.UUID) -> None:
    """The enrolment is this person's (another person's, or another organisation's, is not found here)."""
    enrolment = enrolments.get(context.uow(), g.principal, enrolment_id)
    if enrolment.trainee_id != trainee_id:
        raise NotFound(_("Not found"))


@blp.post("/<uuid:trainee_id>/enrolments/<uuid:enrolment_id>/complete")
@page_requires(CASEWORK_WRITERS)
def complete(trainee_id: uuid.UUID, enrolment_id: uuid.UUID):
    _own_enrolment(trainee_id, enrolment_id)
    data, form = forms.read(CompleteSchema(), request.form)
    if data is not None:
        try:
            enrolments.complete(context.uow(), g.principal, enrolment_id, data)
        except (ValidationFailed, Conflict) as error:
            _refused(form, error)
        else:
            return _done(trainee_id, _("The enrolment is completed."), f"enrolment-{enrolment_id}")
    return _page(trainee_id, {f"complete-{enrolment_id}": form}, 422)


@blp.post("/<uuid:trainee_id>/enrolments/<uuid:enrolment_id>/drop-out")
@page_requires(CASEWORK_WRITERS)
def drop_out(trainee_id: uuid.UUID, enrolment_id: uuid.UUID):
    _own_enrolment(trainee_id, enrolment_id)
    data, form = forms.read(DropOutSchema(), request.form)
    if data is not None:
        try:
            enrolments.drop_out(context.uow(), g.principal, enrolment_id, data)
        except (ValidationFailed, Conflict) as error:
            _refused(form, error)
        else:
            return _done(trainee_id, _("The drop-out is recorded."), f"enrolment-{enrolment_id}")
    return _page(trainee_id, {f"drop-out-{enrolment_id}": form}, 422)


@blp.post("/<uuid:trainee_id>/referrals")
@page_requires(CASEWORK_WRITERS)
def refer(trainee_id: uuid.UUID):
    chosen, form = forms.read(VacancyChoiceSchema(), request.form)
    data, body = forms.read(ReferralCreateSchema(), _with(request.form, trainee_id=str(trainee_id)))
    form.errors.update(body.errors)
    if chosen is not None and data is not None:
        try:
            referrals.refer(context.uow(), g.principal, chosen["vacancy_id"], data)
        except (ValidationFailed, Conflict, NotFound) as error:
            _refused(form, error, conflict_field="vacancy_id")
        else:
            return _done(trainee_id, _("The referral is recorded."), "referrals")
    return _page(trainee_id, {"refer": form}, 422)


def _own_referral(trainee_id: uuid.UUID, referral_id: uuid.UUID) -> None:
    """The referral is this person's (another person's, or another organisation's, is not found here)."""
    referral = referrals.get(context.uow(), g.principal, referral_id)
    if referral.trainee_id != trainee_id:
        raise NotFound(_("Not found"))


@blp.post("/<uuid:trainee_id>/referrals/<uuid:referral_id>/<any(interview, reject, withdraw):step>")
@page_requires(CASEWORK_WRITERS)
def referral_step(trainee_id: uuid.UUID, referral_id: uuid.UUID, step: str):
    _own_referral(trainee_id, referral_id)
    _data, form = forms.read(EmptySchema(), request.form)
    if form.ok:
        try:
            referrals.take_step(context.uow(), g.principal, referral_id, step)
        except Conflict as error:  # taken meanwhile (by the employer, or in another tab)
            _refused(form, error)
        else:
            done = {"interview": _("The interview is recorded."), "reject": _("Recorded as not hired."),
                    "withdraw": _("The referral is withdrawn.")}[step]
            return _done(trainee_id, done, "referrals")
    return _page(trainee_id, {f"referral-{referral_id}": form}, 422)


@blp.post("/<uuid:trainee_id>/referrals/<uuid:referral_id>/hire")
@page_requires(CASEWORK_WRITERS)
def hire(trainee_id: uuid.UUID, referral_id: uuid.UUID):
    _own_referral(trainee_id, referral_id)
    data, form = _read(WorkTermsSchema(), forms.with_amounts(request.form, "wage_monthly"),
                       whole_numbers=("hours_per_week",))
    form.values["wage_monthly"] = request.form.get("wage_monthly", "")  # shown again as typed
    forms.explain_amounts(form, request.form, "wage_monthly")
    if data is not None:
        try:
            referrals.hire(context.uow(), g.principal, referral_id, data)
        except (ValidationFailed, Conflict) as error:
            _refused(form, error)
        else:
            return _done(trainee_id, _("The hire is recorded."), "placements")
    return _page(trainee_id, {f"hire-{referral_id}": form}, 422)


@blp.post("/<uuid:trainee_id>/placements/<uuid:placement_id>/end")
@page_requires(CASEWORK_WRITERS)
def end_job(trainee_id: uuid.UUID, placement_id: uuid.UUID):
    placement = placements.get(context.uow(), g.principal, placement_id)
    if placement.trainee_id != trainee_id:
        raise NotFound(_("Not found"))
    data, form = forms.read(PlacementEndSchema(), request.form)
    if data is not None:
        try:
            placements.end(context.uow(), g.principal, placement_id, data)
        except (ValidationFailed, Conflict) as error:
            _refused(form, error)
        else:
            return _done(trainee_id, _("The end of the job is recorded."), "placements")
    return _page(trainee_id, {f"end-{placement_id}": form}, 422)


@blp.post("/<uuid:trainee_id>/placements")
@page_requires(CASEWORK_WRITERS)
def record_job(trainee_id: uuid.UUID):
    submitted = forms.with_amounts(_with(request.form, trainee_id=str(trainee_id)), "wage_monthly")
    data, form = _read(PlacementCreateSchema(), submitted, whole_numbers=("hours_per_week",))
    form.values["wage_monthly"] = request.form.get("wage_monthly", "")  # shown again as typed
    forms.explain_amounts(form, request.form, "wage_monthly")
    if data is not None:
        data.pop("vacancy_id", None)  # a job found without a referral: no vacancy of ours
        try:
            placements.create(context.uow(), g.principal, data)
        except (ValidationFailed, Conflict, NotFound) as error:
            _refused(form, error)
        else:
            return _done(trainee_id, _("The job is recorded."), "placements")
    return _page(trainee_id, {"job": form}, 422)
