"""Projects, cohorts, reach and share targets, written by admins: a project's details (new, edit), a new
cohort, and the project's targets (the reach target, and share targets added and removed one by one).

Each form is posted to its own address and read with the API's schema for the same write
(ProjectCreateSchema, ProjectPatchSchema, CohortCreateSchema), then handed to the same use case as the API
(service.services.projects) with the signed-in admin's principal; done, it redirects with a message. A
refused form shows again with the messages beside its fields in the reader's language and what was typed
kept: 422, or 409 for a conflict (a project code the organisation uses already). Only admins write, as in
the API; another organisation's project is not found (404).

A share is typed as a percentage in the reader's own way of writing numbers ("40", "37,5") and stored as
the API's fraction (0.4, 0.375). Whole numbers may carry the reader's grouping ("1.400" in Turkish).
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import marshmallow as ma
from babel.numbers import NumberFormatError, format_decimal, format_percent, parse_decimal
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext, lazy_pgettext
from werkzeug.datastructures import MultiDict

from schemas.projects import PRIORITY_GROUPS, CohortCreateSchema, ProjectCreateSchema, ProjectPatchSchema
from service.api import context
from service.domain.errors import Conflict, ValidationFailed
from service.domain.roles import ADMIN_ONLY
from service.domain.targets import DIMENSIONS
from service.services import groups, projects
from service.web import formatting, forms
from service.web.auth import page_requires
from service.web.i18n import current_language, label
from service.web.employer import occupation_options

blp = Blueprint("project_admin", __name__, url_prefix="/projects")

#: A project's details, as its form edits them (the targets have a page of their own).
DETAILS = ("code", "name", "description", "starts_on", "ends_on", "priority_groups")
#: Details emptied in the edit form are removed (null, or no text), not left as they were.
CLEARABLE = ("starts_on", "ends_on")
COHORT_FIELDS = ("name", "occupation", "starts_on", "ends_on", "capacity", "district")
#: The share form's fields: the categories ticked, and the lowest and highest share in per cent.
SHARE_FIELDS = ("category", "district", "min_share", "max_share")
#: What each dimension of a share target is called on the pages.
DIMENSION_NAMES = {
    "sex": lazy_gettext("Sex"), "age_band": lazy_gettext("Age band"), "vulnerable_group": lazy_gettext("Groups"),
    "settlement_type": lazy_gettext("Settlement"), "labour_status": lazy_gettext("Labour status"),
    "education_level": lazy_gettext("Education"), "district": lazy_gettext("District"),
}
#: The dimensions offered as boxes to tick; a district, free text, is typed (the share form's `district`).
OFFERED_DIMENSIONS = tuple(name for name in DIMENSIONS if DIMENSIONS[name] is not None or name == "vulnerable_group")
#: The priority groups that are no vulnerable group of the vocabulary.
PRIORITY_NAMES = {"women": lazy_pgettext("priority group", "Women"),
                  "youth": lazy_pgettext("priority group", "Young people"),
                  "rural": lazy_pgettext("priority group", "People in rural areas")}


def _end_message() -> str:
    return _("The end date must not be before the start date.")


#: Messages of the schemas and use cases that name a field of the API, said again for a person.
def _reworded(message: str) -> str:
    return {"Must not be before starts_on.": _end_message()}.get(str(message), message)


# --- reading forms -------------------------------------------------------------------------------------


def whole_number(text: str) -> int | str:
    """A whole number as the reader writes it ("1.400" in Turkish, "1 400" in Swedish); the text itself
    when it is none, for the schema to refuse."""
    compact = "".join(text.split())
    try:
        value = parse_decimal(compact, locale=current_language(), strict=True)
    except (NumberFormatError, ValueError):
        return text
    return int(value) if isinstance(value, Decimal) and value == value.to_integral_value() and abs(value) < 10**12 \
        else text


def percent(text: str) -> float | None:
    """A share typed in per cent ("40", "37,5", "40 %") as the API's fraction (0.4); None when it is no number."""
    compact = "".join(text.replace("%", "").split())
    try:
        value = parse_decimal(compact, locale=current_language(), strict=True)
    except (NumberFormatError, ValueError):
        return None
    if not isinstance(value, Decimal) or not value.is_finite() or abs(value) > 10**6:
        return None
    return float(round(value / 100, 6))


def _messages(error: ma.ValidationError | ValidationFailed) -> dict:
    if isinstance(error, ValidationFailed):
        return dict(error.errors) or {forms.FORM_WIDE: [error.detail]}
    return error.messages if isinstance(error.messages, dict) else {forms.FORM_WIDE: error.messages}


def _fail(form: forms.Form, messages: dict) -> forms.Form:
    """The messages beside their fields, those naming the API's fields said for a person."""
    return form.fail({name: [_reworded(m) for m in found] if isinstance(found, list) else found
                      for name, found in messages.items()})


def _read(schema: ma.Schema, submitted: MultiDict, names: tuple[str, ...], *, clear: tuple[str, ...] = (),
          whole_numbers: tuple[str, ...] = ()) -> tuple[dict | None, forms.Form]:
    """`forms.read`, with what a form's text cannot say as JSON: a field of `clear` emptied is removed (null);
    a whole number typed is the number."""
    form = forms.Form(values=MultiDict(submitted))
    document = forms.document(schema, submitted, names)
    for name in clear:
        if name in submitted and not submitted.get(name, "").strip():
            document[name] = None
    for name in whole_numbers:
        if isinstance(document.get(name), str):
            document[name] = whole_number(document[name])
    try:
        return schema.load(document), form
    except (ma.ValidationError, ValidationFailed) as error:
        _fail(form, _messages(error))
    # The schema's rule between the dates runs only once every field is right: run it on the dates alone, so
    # an end before the start shows with the other messages rather than after they are mended.
    dates = {name: document[name] for name in ("starts_on", "ends_on") if document.get(name)}
    if len(dates) == 2 and not form.error("starts_on") and not form.error("ends_on"):
        try:
            schema.load(dates, partial=True)
        except (ma.ValidationError, ValidationFailed) as error:
            _fail(form, _messages(error))
    return None, form


def _refused(form: forms.Form, error: ValidationFailed | Conflict, conflict_field: str = forms.FORM_WIDE) -> int:
    """A use case's refusal beside its field; the status to answer."""
    if isinstance(error, Conflict):
        form.fail({conflict_field: [error.detail]})
        return 409
    _fail(form, _messages(error))
    return 422


# --- what the templates show ----------------------------------------------------------------------------


def _vocabulary() -> dict[str, str]:
    """{key: label} of the organisation's groups, read once per request."""
    if "project_admin_groups" not in g:
        g.project_admin_groups = {entry.key: formatting.group_label(entry)
                                  for entry in groups.list_(context.uow(), g.principal)}
    return g.project_admin_groups


def category_label(dimension: str, value: str) -> str:
    if dimension == "vulnerable_group":
        return _vocabulary().get(value, value)
    if dimension in ("sex", "settlement_type", "labour_status", "education_level"):
        return label(dimension, value)
    return value  # an age band ("18-24") or a district reads as itself


@blp.app_template_global()
def share_target_category(target: dict) -> str:
    """"Age band: 15-17, 18-24" for a share target."""
    dimension = target.get("dimension", "")
    values = target.get("value")
    values = values if isinstance(values, list) else [values]
    name = DIMENSION_NAMES.get(dimension, dimension)
    return f"{name}: " + ", ".join(category_label(dimension, str(value)) for value in values)


@blp.app_template_global()
def share(fraction: float | None) -> str:
    """A stored fraction as a percentage in the reader's notation, to at most two decimals (0.625: "%62,5")."""
    if fraction is None:
        return ""
    return format_percent(Decimal(str(round(fraction, 4))), locale=current_language(), decimal_quantization=False)


@blp.app_template_global()
def writes_projects() -> bool:
    """The signed-in user may write projects (buttons shown only to them; the pages check it again)."""
    principal = g.get("principal")
    return principal is not None and principal.role in ADMIN_ONLY


def _category_options() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(dimension, its name, [(dimension:value, label)]) of the categories a share target may name."""
    options = []
    for dimension in OFFERED_DIMENSIONS:
        if dimension == "vulnerable_group":
            values = list(_vocabulary())
        else:
            values = list(DIMENSIONS[dimension] or ())
        options.append((dimension, str(DIMENSION_NAMES[dimension]),
                        [(f"{dimension}:{value}", category_label(dimension, value)) for value in values]))
    return options


def _priority_options() -> list[tuple[str, str]]:
    return [(key, str(PRIORITY_NAMES[key]) if key in PRIORITY_NAMES else label("vulnerable_group", key))
            for key in PRIORITY_GROUPS]


# --- a project's details ------------------------------------------------------------------------------


def _details_page(form: forms.Form, project=None, status: int = 200):
    return render_template("projects/form.html", form=form, project=project,
                           priority_options=_priority_options()), status


@blp.route("/new", methods=["GET", "POST"])
@page_requires(ADMIN_ONLY)
def new():
    if request.method == "GET":
        return _details_page(forms.Form())
    data, form = _read(ProjectCreateSchema(), request.form, DETAILS)
    if data is None:
        return _details_page(form, status=422)
    try:
        project = projects.create(context.uow(), g.principal, data)
    except (ValidationFailed, Conflict) as error:
        return _details_page(form, status=_refused(form, error, conflict_field="code"))
    flash(_("The project is created. Add its cohorts and its targets."), "success")
    return redirect(url_for("project_pages.show", project_id=project.id))


@blp.route("/<uuid:project_id>/edit", methods=["GET", "POST"])
@page_requires(ADMIN_ONLY)
def edit(project_id: uuid.UUID):
    project = projects.get(context.uow(), g.principal, project_id)
    if request.method == "GET":
        return _details_page(forms.Form(values=forms.values_of(project, DETAILS, lists=("priority_groups",))), project)
    submitted = MultiDict(request.form)
    submitted.setdefault("priority_groups", "")  # none ticked: the list is emptied, not left as it was
    changes, form = _read(ProjectPatchSchema(), submitted, DETAILS, clear=CLEARABLE)
    form.values = MultiDict(request.form)
    if changes is not None and "description" not in changes and "description" in request.form:
        changes["description"] = ""  # emptied
    if changes is None:
        return _details_page(form, project, 422)
    try:
        projects.update(context.uow(), g.principal, project_id, changes)
    except (ValidationFailed, Conflict) as error:
        return _details_page(form, project, _refused(form, error, conflict_field="code"))
    flash(_("The project is saved."), "success")
    return redirect(url_for("project_pages.show", project_id=project_id))


# --- cohorts ---------------------------------------------------------------------------------------------


@blp.route("/<uuid:project_id>/cohorts/new", methods=["GET", "POST"])
@page_requires(ADMIN_ONLY)
def new_cohort(project_id: uuid.UUID):
    project = projects.get(context.uow(), g.principal, project_id)
    form = forms.Form()
    status = 200
    if request.method == "POST":
        data, form = _read(CohortCreateSchema(), request.form, COHORT_FIELDS, whole_numbers=("capacity",))
        status = 422
        if data is not None:
            try:
                projects.create_cohort(context.uow(), g.principal, project_id, data)
            except ValidationFailed as error:
                status = _refused(form, error)
            else:
                flash(_("The cohort is added."), "success")
                return redirect(url_for("project_pages.show", project_id=project_id, _anchor="cohorts"))
    return render_template("projects/cohort_form.html", form=form, project=project,
                           occupation_groups=occupation_options()), status


# --- targets ---------------------------------------------------------------------------------------------


def _targets_page(project_id: uuid.UUID, shown: dict[str, forms.Form] | None = None, status: int = 200):
    project = projects.get(context.uow(), g.principal, project_id)
    shown = shown or {}
    reach = shown.get("reach") or forms.Form(values=MultiDict({"reach_target": "" if project.reach_target is None
                                                               else format_decimal(project.reach_target,
                                                                                   locale=current_language())}))
    return render_template("projects/targets.html", project=project, reach=reach, share_form=shown.get("share"),
                           removal=shown.get("remove"), category_options=_category_options(),
                           fingerprint=fingerprint), status


def fingerprint(target: dict) -> str:
    """A share target as its remove button names it: a target changed meanwhile is not removed by mistake."""
    return json.dumps(target, sort_keys=True, ensure_ascii=False)


@blp.get("/<uuid:project_id>/targets")
@page_requires(ADMIN_ONLY)
def targets(project_id: uuid.UUID):
    return _targets_page(project_id)


def _save(project_id: uuid.UUID, changes: dict, form: forms.Form, name: str, done: str):
    try:
        projects.update(context.uow(), g.principal, project_id, changes)
    except ValidationFailed as error:
        if name == "share":  # the organisation's vocabulary refused a group: beside the categories
            form.fail(_share_errors(_messages(error), len(changes["share_targets"]) - 1))
        else:
            _fail(form, _messages(error))
        return _targets_page(project_id, {name: form}, 422)
    except Conflict as error:
        return _targets_page(project_id, {name: form}, _refused(form, error))
    flash(done, "success")
    return redirect(url_for("project_admin.targets", project_id=project_id,
                            _anchor="reach" if name == "reach" else "shares"))


@blp.post("/<uuid:project_id>/targets/reach")
@page_requires(ADMIN_ONLY)
def reach(project_id: uuid.UUID):
    projects.get(context.uow(), g.principal, project_id)  # another organisation's: 404 before reading
    changes, form = _read(ProjectPatchSchema(), request.form, ("reach_target",), clear=("reach_target",),
                          whole_numbers=("reach_target",))
    if changes is None or "reach_target" not in changes:
        if form.ok:
            form.fail({"reach_target": [_("Give the number of people to reach, or leave the field empty.")]})
        return _targets_page(project_id, {"reach": form}, 422)
    return _save(project_id, changes, form, "reach", _("The reach target is saved."))


def _share_document(form: forms.Form) -> dict | None:
    """The share target the form describes, in the API's terms; None (with messages on `form`) when the
    form cannot say one."""
    chosen = [value.split(":", 1) for value in form.values_of("category") if ":" in value]
    if district := form.value("district").strip():
        chosen.append(["district", district])
    dimensions = {dimension for dimension, _value in chosen}
    if not chosen:
        form.fail({"category": [_("Choose the category the share counts.")]})
    elif len(dimensions) > 1:
        form.fail({"category": [_("Choose values of one kind only, for example two age bands.")]})
    target: dict = {}
    if chosen and len(dimensions) == 1:
        values = [value for _dimension, value in chosen]
        target = {"dimension": chosen[0][0], "value": values[0] if len(values) == 1 else values}
    for name in ("min_share", "max_share"):
        typed = form.value(name).strip()
        if not typed:
            continue
        fraction = percent(typed)
        if fraction is None:
            form.fail({name: [_("Write a share in per cent, between 0 and 100, for example 40.")]})
        else:
            target[name] = fraction
    if not form.value("min_share").strip() and not form.value("max_share").strip():
        form.fail({"min_share": [_("Give the lowest share, the highest share or both.")]})
    return target if form.ok else None


def _share_errors(messages: dict, index: int) -> dict:
    """The schema's messages on share target `index` beside the share form's fields, said for a person."""
    found = messages.get("share_targets", {})
    if isinstance(found, dict):
        found = found.get(index, found.get(str(index), found))
    if isinstance(found, list):  # a rule across the target's fields, or across the list
        mapped: dict[str, list] = {}
        for message in found:
            text = str(message)
            if text == "min_share is above max_share.":
                mapped.setdefault("max_share", []).append(_("The highest share must not be below the lowest."))
            elif text == "Give min_share, max_share or both.":
                mapped.setdefault("min_share", []).append(_("Give the lowest share, the highest share or both."))
            else:
                mapped.setdefault("category", []).append(message)
        return mapped
    mapped = {}
    for name, inner in found.items():
        if name in ("min_share", "max_share"):
            mapped[name] = [_("Write a share in per cent, between 0 and 100, for example 40.")]
        elif name == "share_targets":
            mapped.update(_share_errors({"share_targets": inner}, index))
        else:
            mapped.setdefault("category", []).extend(inner if isinstance(inner, list) else [inner])
    return mapped


@blp.post("/<uuid:project_id>/targets/shares")
@page_requires(ADMIN_ONLY)
def add_share(project_id: uuid.UUID):
    project = projects.get(context.uow(), g.principal, project_id)
    form = forms.Form(values=MultiDict(request.form))
    target = _share_document(form)
    if target is None:
        return _targets_page(project_id, {"share": form}, 422)
    existing = list(project.share_targets or [])
    try:
        changes = ProjectPatchSchema().load({"share_targets": [*existing, target]})
    except (ma.ValidationError, ValidationFailed) as error:
        form.fail(_share_errors(_messages(error), len(existing)))
        return _targets_page(project_id, {"share": form}, 422)
    return _save(project_id, changes, form, "share", _("The share target is added."))


@blp.post("/<uuid:project_id>/targets/shares/<int:index>/remove")
@page_requires(ADMIN_ONLY)
def remove_share(project_id: uuid.UUID, index: int):
    project = projects.get(context.uow(), g.principal, project_id)
    form = forms.Form(values=MultiDict(request.form))
    existing = list(project.share_targets or [])
    if index >= len(existing) or fingerprint(existing[index]) != request.form.get("target"):
        form.fail({forms.FORM_WIDE: [_("The targets changed meanwhile; check them and try again.")]})
        return _targets_page(project_id, {"remove": form}, 409)
    if request.form.get("confirm") != "yes":  # no undo: the box beside the button must be ticked
        form.errors["confirm"] = [_("Tick the box to confirm that this share target is to be removed.")]
        return _targets_page(project_id, {"remove": form}, 422)
    changes = ProjectPatchSchema().load({"share_targets": existing[:index] + existing[index + 1:]})
    return _save(project_id, changes, form, "remove", _("The share target is removed."))

