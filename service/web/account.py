"""Accounts on the pages: signing in and out, the user's own language and password, invitation links
(the admin's users pages are service/web/admin_users.py).

Signing in is limited per client address with the API's Flask-Limiter storage and allowance
(`Config.rate_limit_storage`, `auth_failure_limit`): every refused sign-in counts, and once the address
has used its allowance the form is answered 429 before any password is checked. The user's own
lockout (five wrong passwords, fifteen minutes) is the use case's (service/services/sign_in.py).
"""

from __future__ import annotations

import logging
import math
import time


from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import parse
from werkzeug.datastructures import MultiDict

from service.api import context
from service.api.ratelimit import EXTENSION as RATE_LIMIT
from service.clock import utcnow
from service.domain.errors import ValidationFailed
from service.domain.roles import EVERYONE
from service.services import accounts, invitations, web_sessions
from service.services import sign_in as signing_in
from service.translations import labels
from service.web import forms
from service.web.auth import COOKIE, page_requires, safe_next
from service.web.i18n import LANGUAGES, NATIVE_NAMES, current_language

log = logging.getLogger(__name__)
blp = Blueprint("account", __name__)

#: Where the refusals of one client address are counted (beside the API's failed authentications).
RATE_SCOPE = "web-sign-in"
#: The page's own words (the use case's English ones are the API's): the same for an unknown address as for a
#: wrong password; a locked user is told to wait, which says no more than five refusals already did.
REFUSED = _l("The email address or password is wrong.")
LOCKED = _l("Too many failed sign-ins: wait %(minutes)s minutes and try again.",
            minutes=int(signing_in.LOCKOUT.total_seconds() // 60))
#: Account language choice meaning "the organisation's language".
ORGANISATION_DEFAULT = ""


@blp.context_processor
def _helpers():
    return {"now": utcnow()}


# Sign-in -----------------------------------------------------------------------------------------------

@blp.get("/sign-in")
def sign_in():
    if g.get("web_session") is not None:
        return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    form = forms.Form(values=MultiDict({"email": request.args.get("email", ""),
                                        "next": safe_next(request.args.get("next")) or ""}))
    return render_template("account/sign_in.html", form=form)


@blp.post("/sign-in")
def sign_in_post():
    form = forms.Form(values=MultiDict({"email": request.form.get("email", ""),
                                        "next": safe_next(request.form.get("next")) or ""}))
    retry_after = _refusals_left()
    if retry_after:
        form.errors[forms.FORM_WIDE] = [_("Too many failed sign-ins from this address: wait %(seconds)s seconds "
                                          "and try again.", seconds=retry_after)]
        return render_template("account/sign_in.html", form=form), 429, {"Retry-After": str(retry_after)}
    email, password = request.form.get("email", "").strip(), request.form.get("password", "")
    if not email:
        form.errors["email"] = [_("Enter your email address.")]
    if not password:
        form.errors["password"] = [_("Enter your password.")]
    if not form.ok:
        return render_template("account/sign_in.html", form=form), 422
    try:
        user = signing_in.sign_in(context.pathways().uow(), email, password)
    except signing_in.SignInRefused as refused:
        _count_refusal()
        form.errors["password"] = [str(LOCKED if refused.locked else REFUSED)]
        return render_template("account/sign_in.html", form=form), 401
    previous = request.cookies.get(COOKIE)
    if previous:  # a new session for each sign-in: a cookie set before it (by anyone) is worth nothing after
        web_sessions.revoke(context.pathways().uow(), previous)
    cookie = web_sessions.open_session(context.pathways().uow(), user.id,
                                       web_sessions.Lifetimes.of(context.pathways().config))
    response = redirect(safe_next(request.form.get("next")) or url_for("home.index"))
    # No expiry on the cookie: it ends with the browser; the server ends the session after its lifetimes.
    response.set_cookie(COOKIE, cookie, httponly=True, samesite="Lax", secure=request.is_secure)
    return response


@blp.post("/sign-out")
def sign_out():
    web_sessions.revoke(context.pathways().uow(), request.cookies.get(COOKIE))
    g.web_session = None  # the page it leads to speaks the browser's language, not the account's
    flash(_("You have signed out."), "success")
    response = redirect(url_for("account.sign_in"))
    response.delete_cookie(COOKIE, httponly=True, samesite="Lax", secure=request.is_secure)
    return response


def _limiter_and_limit():
    limiter = current_app.extensions[RATE_LIMIT]
    return limiter.limiter, parse(context.pathways().config.auth_failure_limit)


def _refusals_left() -> int:
    """0 while this address may try again; else the seconds until it may."""
    try:
        strategy, limit = _limiter_and_limit()
        if strategy.test(limit, RATE_SCOPE, request.remote_addr or ""):
            return 0
        reset = strategy.get_window_stats(limit, RATE_SCOPE, request.remote_addr or "").reset_time
    except Exception:  # noqa: BLE001 - the counter's store is away: sign-in works on (the lockout still holds)
        log.warning("sign-in rate limit not checked: its storage is unavailable", exc_info=True)
        return 0
    return max(1, math.ceil(reset - time.time()))


def _count_refusal() -> None:
    try:
        strategy, limit = _limiter_and_limit()
        strategy.hit(limit, RATE_SCOPE, request.remote_addr or "")
    except Exception:  # noqa: BLE001 - as above
        log.warning("sign-in refusal not counted: the rate limit's storage is unavailable", exc_info=True)


# The user's own account --------------------------------------------------------------------------------

@blp.get("/account")
@page_requires(EVERYONE)
def settings():
    return _settings_page(forms.Form(), 200)


@blp.post("/account/language")
@page_requires(EVERYONE)
def choose_language():
    chosen = request.form.get("locale", ORGANISATION_DEFAULT)
    if chosen != ORGANISATION_DEFAULT and chosen not in LANGUAGES:
        form = forms.Form(values=MultiDict(request.form))
        form.errors["locale"] = [_("Choose one of the languages listed.")]
        return _settings_page(form, 422)
    accounts.set_locale(context.uow(), g.principal.user_id, chosen or None)
    with force_locale(chosen or g.web_session.organisation_locale):  # said in the language the pages now speak
        flash(_("Your language is saved.") if chosen else _("The pages now follow your organisation's language."),
              "success")
    return redirect(url_for("account.settings"))


@blp.post("/account/password")
@page_requires(EVERYONE)
def change_password():
    form = forms.Form(values=MultiDict())  # passwords are never written back into a page
    current, new, confirm = (request.form.get(name, "") for name in ("current_password", "password", "confirm"))
    if not current:
        form.errors["current_password"] = [_("Enter your current password.")]
    if new != confirm:
        form.errors["confirm"] = [_("The two new passwords are not the same.")]
    if form.ok:
        try:
            accounts.change_password(context.uow(), g.principal.user_id, g.web_session.session_id, current, new)
        except ValidationFailed as error:
            form.fail(error)
    if not form.ok:
        return _settings_page(form, 422)
    flash(_("Your password is changed. You were signed out everywhere else."), "success")
    return redirect(url_for("account.settings"))


def _settings_page(form: forms.Form, status: int):
    session = g.web_session
    options = [(ORGANISATION_DEFAULT, _("My organisation's language"))] + [
        (lang, NATIVE_NAMES[lang]) for lang in LANGUAGES]
    return render_template("account/settings.html", form=form, options=options,
                           chosen=session.locale or ORGANISATION_DEFAULT,
                           role=labels.label("role", session.principal.role, current_language())), status


# Invitations -------------------------------------------------------------------------------------------

@blp.get("/invitations/<token>")
def invitation(token: str):
    try:
        found = invitations.look_up(context.pathways().uow(), token)
    except invitations.InvitationInvalid as invalid:
        return _invalid_invitation(invalid)
    return render_template("account/invitation.html", invitation=found, form=forms.Form(), token=token)


@blp.post("/invitations/<token>")
def accept_invitation(token: str):
    form = forms.Form(values=MultiDict())
    password, confirm = request.form.get("password", ""), request.form.get("confirm", "")
    try:
        found = invitations.look_up(context.pathways().uow(), token)
        if password != confirm:
            form.errors["confirm"] = [_("The two passwords are not the same.")]
        else:
            user = invitations.accept(context.pathways().uow(), token, password)
    except invitations.InvitationInvalid as invalid:
        return _invalid_invitation(invalid)
    except ValidationFailed as error:
        form.fail(error)
    if not form.ok:
        return render_template("account/invitation.html", invitation=found, form=form, token=token), 422
    flash(_("Your password is set. Sign in with your email address and the new password."), "success")
    return redirect(url_for("account.sign_in", email=user.email))


def _invalid_invitation(invalid: invitations.InvitationInvalid):
    messages = {"used": (_("This invitation has been used"),
                         _("A password has been set with this link already. Sign in, or ask your admin for a new "
                           "invitation if you have forgotten the password.")),
                "expired": (_("This invitation has expired"),
                            _("Invitation links work for 72 hours, and only the latest one sent to you. Ask your "
                              "admin for a new invitation."))}
    title, message = messages.get(invalid.reason, (_("This invitation is not valid"),
                                                   _("Check that the whole link was copied, or ask your admin for a "
                                                     "new invitation.")))
    return render_template("account/invitation_invalid.html", title=title, message=message), (
        404 if invalid.reason == "unknown" else 410)
