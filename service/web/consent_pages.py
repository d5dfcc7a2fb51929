"""A person's consent (issue 18): which text version they agreed to, when, in which language, for which purposes;
and withdrawing it, a purpose or all, in one step (the same use case as POST /trainees/{id}/consent/withdraw).
Reading needs the roles that read the programme; withdrawing, the roles that write casework."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from schemas.consent import WithdrawSchema
from service.api import context
from service.domain import consent as rules
from service.domain.errors import ValidationFailed
from service.domain.roles import CASEWORK_WRITERS, PROGRAMME_READERS
from service.services import consent, trainees
from service.translations import labels
from service.translations.localise import localise
from service.web import forms
from service.web.auth import page_requires
from service.web.i18n import NATIVE_NAMES, current_language

blp = Blueprint("consent_pages", __name__, url_prefix="/people")


def _page(trainee_id: uuid.UUID, form: forms.Form, status: int = 200):
    person = trainees.get(context.uow(), g.principal, trainee_id)
    held = consent.of(context.uow(), g.principal, trainee_id)
    text = consent.text_of(context.uow(), g.principal, held, current_language())
    options = [(purpose, labels.label("consent_purpose", purpose, current_language())) for purpose in held.purposes]
    return render_template("consent/person.html", person=person, held=held, text=text, form=form, options=options,
                           language_name=NATIVE_NAMES.get(held.language or ""),
                           purposes=rules.PURPOSES, can_act=g.principal.role in CASEWORK_WRITERS), status


@blp.get("/<uuid:trainee_id>/consent")
@page_requires(PROGRAMME_READERS)
def show(trainee_id: uuid.UUID):
    return _page(trainee_id, forms.Form())


@blp.post("/<uuid:trainee_id>/consent/withdraw")
@page_requires(CASEWORK_WRITERS)
def withdraw(trainee_id: uuid.UUID):
    data, form = forms.read(WithdrawSchema(), MultiDict(request.form), ("purposes",))
    if data is None:
        return _page(trainee_id, form, 422)
    try:
        found = consent.withdraw(context.uow(), g.principal, trainee_id, data["purposes"])
    except ValidationFailed as error:
        return _page(trainee_id, form.fail(error), 422)
    flash(_("The consent is withdrawn for the purposes you chose."), "success")
    for note in found.notes:  # what stays, and the referrals withdrawn with sharing, in the reader's language
        flash(localise(note, current_language()), "success")
    return redirect(url_for("consent_pages.show", trainee_id=trainee_id))
