"""The organisation's settings, for admins: the pages' language (for users without their own choice), the time
zone whose calendar day is the organisation's today, the minimum cell size of the figures, and the vocabulary
of groups a person may belong to (add a group with its labels, retire or reactivate one).

The settings are read with the API's schema (`PATCH /organisation`) and saved by the same use case; the groups
by those of `/organisation/groups`, so the pages refuse exactly what the API refuses.
"""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from schemas.groups import GroupCreateSchema
from schemas.organisations import OrganisationPatchSchema
from service import clock
from service.api import context
from service.domain import cell_size
from service.domain import groups as group_rules
from service.domain.errors import Conflict, ValidationFailed
from service.domain.roles import ADMIN_ONLY
from service.services import groups, organisations
from service.web import formatting, forms, i18n
from service.web.auth import page_requires
from service.web.i18n import LANGUAGES, NATIVE_NAMES

blp = Blueprint("settings_pages", __name__)

#: The fields of the settings form (the API's names).
SETTINGS = ("locale", "time_zone", "min_cell_size", "min_cell_size_reason")
#: The allowed minimum cell sizes (service.domain.cell_size), and below which the page warns and asks why.
CELL_SIZES = (cell_size.LOWEST, 100)
SAFE_CELL_SIZE = cell_size.SAFE


@blp.get("/admin/organisation")
@page_requires(ADMIN_ONLY)
def show():
    return _page(200)


@blp.post("/admin/organisation")
@page_requires(ADMIN_ONLY)
def save():
    schema, form = OrganisationPatchSchema(), forms.Form(values=MultiDict(request.form))
    document = forms.document(schema, form.values, SETTINGS)
    if re.fullmatch(r"[0-9]{1,6}", document.get("min_cell_size", "")):  # the schema takes a JSON number
        document["min_cell_size"] = int(document["min_cell_size"])
    try:
        data = schema.load(document)
    except (ValidationError, ValidationFailed) as error:
        data = None
        form.fail(error)
    if form.error("min_cell_size"):  # the schema's words speak of numbers "greater than or equal to"
        form.errors["min_cell_size"] = [_("A whole number from %(low)s to %(high)s.", low=CELL_SIZES[0],
                                          high=CELL_SIZES[1])]
    if form.error("time_zone"):
        form.errors["time_zone"] = [_("Choose one of the time zones listed.")]
    if form.error("locale"):
        form.errors["locale"] = [_("Choose one of the languages listed.")]
    if "min_cell_size" not in document:  # emptied: left out of the PATCH, the old size would stay, "saved"
        data = None
        form.errors["min_cell_size"] = [_("Enter the minimum cell size: a whole number from %(low)s to %(high)s.",
                                          low=CELL_SIZES[0], high=CELL_SIZES[1])]
    if data is None:
        return _page(422, settings_form=form)
    try:
        organisation = organisations.update(context.uow(), g.principal, data)
    except ValidationFailed as error:  # the guard rail: below 3, or below 5 without a reason
        return _page(422, settings_form=form.fail(error))
    flash(_("The settings are saved."), "success")
    if organisation.min_cell_size < SAFE_CELL_SIZE:
        flash(_("Cells smaller than %(size)s may let readers recognise people: figures from %(count)s people "
                "upwards are now shown.", size=SAFE_CELL_SIZE, count=organisation.min_cell_size), "warning")
    return redirect(url_for("settings_pages.show"))


@blp.post("/admin/organisation/groups")
@page_requires(ADMIN_ONLY)
def add_group():
    submitted = MultiDict(request.form)
    form = forms.Form(values=submitted)
    labels = {lang: submitted.get(f"labels-{lang}", "").strip() for lang in LANGUAGES}
    document: dict = {"key": submitted.get("key", "").strip() or key_from(labels["en"]),
                      "labels": {lang: text for lang, text in labels.items() if text}}
    if submitted.get("feeds"):
        document["feeds"] = submitted["feeds"]
    if not labels["en"]:
        form.errors["labels-en"] = [_("Enter the group's name in English: it is the exports' name of the group.")]
        return _page(422, group_form=form)
    try:
        entry = groups.add(context.uow(), g.principal, GroupCreateSchema().load(document))
    except (ValidationError, ValidationFailed) as error:
        _labels_beside_fields(form.fail(error))
        return _page(422, group_form=form)
    except Conflict:
        form.errors["key"] = [_("The vocabulary has a group with this key already (perhaps retired): "
                                "reactivate that one, or choose another key.")]
        return _page(409, group_form=form)
    flash(_("The group %(label)s is added.", label=formatting.group_label(entry)), "success")
    return redirect(url_for("settings_pages.show", _anchor="groups-heading"))


@blp.post("/admin/organisation/groups/<key>/<any(retire, reactivate):step>")
@page_requires(ADMIN_ONLY)
def change_group(key: str, step: str):
    entry = groups.change(context.uow(), g.principal, key, {"active": step == "reactivate"})  # unknown: 404
    name = formatting.group_label(entry)
    flash(_("%(label)s is retired: past records keep it, nobody new is given it.", label=name) if step == "retire"
          else _("%(label)s can be given again.", label=name), "success")
    return redirect(url_for("settings_pages.show", _anchor="groups-heading"))


def key_from(label: str) -> str:
    """A group's key made from its English label ("Single parents" -> single_parents), when none is typed."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    if key and not key[0].isalpha():
        key = "g_" + key
    return key[:group_rules.MAXIMUM_KEY_LENGTH].rstrip("_")


def _labels_beside_fields(form: forms.Form) -> None:
    """A label's message (labels-en) stays beside its field; one about the labels as a whole goes on English."""
    if general := form.errors.pop("labels", None):
        form.errors.setdefault("labels-en", []).extend(general)


def _page(status: int, settings_form: forms.Form | None = None, group_form: forms.Form | None = None):
    organisation = organisations.get(context.uow(), g.principal)
    vocabulary = groups.list_(context.uow(), g.principal)
    return render_template(
        "admin/organisation.html", organisation=organisation, vocabulary=vocabulary,
        settings_form=settings_form or forms.Form(), group_form=group_form or forms.Form(),
        language_options=[(lang, NATIVE_NAMES[lang]) for lang in LANGUAGES],
        time_zone_options=i18n.time_zone_choices(clock.time_zones()),
        cell_sizes=CELL_SIZES, safe_cell_size=SAFE_CELL_SIZE, languages=LANGUAGES), status
