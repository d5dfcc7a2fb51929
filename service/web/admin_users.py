"""The admin's users pages: the list (role, sign-in, last sign-in; active or deactivated users), invitations,
and one user's page to change the role, issue a password reset link or deactivate them.

A role change and a deactivation hold from the user's next request: their web sessions and their API token
read the user's role and whether they are active on every request (service/services/web_sessions.py,
users.authenticate). The last active admin can neither lose the role nor be deactivated
(service/services/users.py). A reset link is an invitation to the user who exists (service/services/
invitations.py): shown once to the admin, it sets a new password once; no password is ever shown.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from schemas.users import UserCreateSchema
from service.api import context
from service.clock import utcnow
from service.domain.errors import Conflict, ValidationFailed
from service.domain.roles import ADMIN_ONLY, Role
from service.services import accounts, invitations, users
from service.translations import labels
from service.web import forms, paging
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("admin_users", __name__)

#: The list's two views: the users who may sign in, and those deactivated (kept: the audit trail names them).
STATUSES = ("active", "deactivated")


@blp.context_processor
def _helpers():
    return {"now": utcnow()}


@blp.get("/admin/users", endpoint="users")
@page_requires(ADMIN_ONLY)
def users_list():
    return _users_page(forms.Form(), 200)


@blp.post("/admin/users")
@page_requires(ADMIN_ONLY)
def invite():
    schema = UserCreateSchema()
    submitted = MultiDict(request.form)
    form = forms.Form(values=submitted)
    document = forms.document(schema, submitted)
    if document.get("role") != Role.EMPLOYER:  # the employer list is for employer users only
        document.pop("employer_id", None)
    try:
        data = schema.load(document)
        invited = invitations.invite(context.uow(), g.principal, data)
    except (ValidationError, ValidationFailed) as error:
        form.fail(error)
    except Conflict as error:
        form.fail({"email": [error.detail]})
    if not form.ok:
        return _users_page(form, 422)
    # Shown here, once: the link is stored only hashed, and a redirect would have to carry it somewhere.
    link = url_for("account.invitation", token=invited.token, _external=True)
    return _users_page(forms.Form(), 200, invited=invited, link=link)


def _status() -> str:
    wanted = request.args.get("status", STATUSES[0])
    return wanted if wanted in STATUSES else STATUSES[0]


def _users_page(form: forms.Form, status: int, **extra):
    lang = current_language()
    sort = paging.paging(accounts.USER_SORTABLE, "email")
    shown = _status()
    rows, total = accounts.organisation_users(context.uow(), g.principal, sort=sort.sort, descending=sort.descending,
                                              offset=sort.offset, limit=sort.size, active=shown == "active")
    return render_template("admin/users.html", form=form, paged=paging.Paged(rows, sort, total), shown=shown,
                           role_options=labels.choices("role", lang), employer_options=_employer_options(),
                           role_label=lambda role: labels.label("role", role, lang), **extra), status


def _employer_options() -> list[tuple[str, str]]:
    return [(str(employer.id), employer.name) for employer in accounts.organisation_employers(
        context.uow(), g.principal)]


# One user ----------------------------------------------------------------------------------------------

@blp.get("/admin/users/<uuid:user_id>")
@page_requires(ADMIN_ONLY)
def user(user_id: uuid.UUID):
    return _user_page(user_id, forms.Form(), 200)


@blp.post("/admin/users/<uuid:user_id>/role")
@page_requires(ADMIN_ONLY)
def change_role(user_id: uuid.UUID):
    users.get(context.uow(), g.principal, user_id)  # another organisation's user, or a removed one: 404 first
    form = forms.Form(values=MultiDict(request.form))
    role, employer = request.form.get("role", ""), request.form.get("employer_id", "").strip()
    employer_id = None
    if role not in tuple(Role):
        form.errors["role"] = [_("Choose one of the roles listed.")]
    elif role == Role.EMPLOYER and employer:
        try:
            employer_id = uuid.UUID(employer)
        except ValueError:
            form.errors["employer_id"] = [_("Choose one of the employers listed.")]
    if form.ok:
        try:
            users.change_role(context.uow(), g.principal, user_id, Role(role), employer_id)
        except ValidationFailed as error:
            form.fail(error)
        except Conflict:
            form.errors["role"] = [_("This is the last admin of the organisation: make another user admin "
                                     "first.")]
            return _user_page(user_id, form, 409)
    if not form.ok:
        return _user_page(user_id, form, 422)
    flash(_("The role is changed. It holds from the user's next page or API request."), "success")
    if user_id == g.principal.user_id and role != Role.ADMIN:
        return redirect(url_for("home.index"))  # the admin pages are no longer theirs
    return redirect(url_for("admin_users.user", user_id=user_id))


@blp.post("/admin/users/<uuid:user_id>/reset")
@page_requires(ADMIN_ONLY)
def reset_password(user_id: uuid.UUID):
    found = users.get(context.uow(), g.principal, user_id)
    invited = invitations.invite(context.uow(), g.principal, {"email": found.email, "role": found.role,
                                                              "employer_id": found.employer_id})
    # Shown here, once, as an invitation is: the link is stored only hashed.
    link = url_for("account.invitation", token=invited.token, _external=True)
    return _user_page(user_id, forms.Form(), 200, invited=invited, link=link)


@blp.post("/admin/users/<uuid:user_id>/deactivate")
@page_requires(ADMIN_ONLY)
def deactivate(user_id: uuid.UUID):
    found = users.get(context.uow(), g.principal, user_id)
    form = forms.Form(values=MultiDict(request.form))
    if request.form.get("confirm") != "yes":
        form.errors["confirm"] = [_("Tick the box to confirm that %(email)s may no longer sign in.",
                                    email=found.email)]
        return _user_page(user_id, form, 422)
    try:
        users.deactivate(context.uow(), g.principal, user_id)
    except Conflict:
        form.errors["confirm"] = [_("This is the last admin of the organisation: make another user admin first.")]
        return _user_page(user_id, form, 409)
    flash(_("%(email)s is deactivated: their sessions and their API token no longer work.", email=found.email),
          "success")
    return redirect(url_for("admin_users.users"))


def _user_page(user_id: uuid.UUID, form: forms.Form, status: int, **extra):
    lang = current_language()
    found = users.get(context.uow(), g.principal, user_id)
    row = next(iter(accounts.organisation_users(context.uow(), g.principal, user_id=user_id)[0]), None)
    return render_template("admin/user.html", user=found, row=row, form=form,
                           role_options=labels.choices("role", lang), employer_options=_employer_options(),
                           role_label=lambda role: labels.label("role", role, lang),
                           is_self=found.id == g.principal.user_id, **extra), status
