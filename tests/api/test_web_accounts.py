"""Web accounts at the service level: password hashing and rule, sign-in and lockout, session lifetimes,
invitations, password changes and the operator's set-password; on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from service import clock
from service.clock import utcnow
from service.db.models import AuditEntry, Organisation, User, UserInvitation, WebSession
from service.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from service.domain.roles import Principal, Role
from service.services import accounts, invitations, passwords, sign_in, users, web_sessions
from service.services.tokens import digest

PASSWORD = "correct horse battery"


def _principal(pathways, tenant, role=Role.ADMIN) -> Principal:
    return Principal(user_id=uuid.UUID(tenant.user_ids[role]), organisation_id=uuid.UUID(tenant.organisation_id),
                     role=role)


def _user(pathways, user_id) -> User:
    with pathways.uow() as uow:
        return uow.session.get(User, uuid.UUID(str(user_id)))


def _with_password(pathways, tenant, role=Role.CASEWORKER, password=PASSWORD) -> User:
    user = _user(pathways, tenant.user_ids[role])
    accounts.set_password(pathways.uow(), user.email, password)
    return _user(pathways, user.id)


def test_passwords_are_argon2id_hashes_that_verify_only_the_password():
    digest = passwords.hash_password(PASSWORD)
    assert digest.startswith("$argon2id$")
    assert PASSWORD not in digest
    assert passwords.hash_password(PASSWORD) != digest  # salted
    assert passwords.verify(digest, PASSWORD)
    assert not passwords.verify(digest, PASSWORD + "!")
    assert not passwords.verify(None, PASSWORD)
    assert not passwords.verify("not a hash", PASSWORD)
    assert not passwords.needs_rehash(digest)
    weak = "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$" + "A" * 22
    assert passwords.needs_rehash(weak)


@pytest.mark.parametrize(("password", "message"), [
    ("short pass", None), ("x" * 9, "Use at least 10 characters."), ("x" * 128, None),
    ("x" * 129, "Use at most 128 characters."),
    ("Ayse@Example.org", "Choose a password other than your email address."),
])
def test_password_rule(password, message):
    if message is None:
        passwords.check_rule(password, "ayse@example.org")
        return
    with pytest.raises(ValidationFailed) as refused:
        passwords.check_rule(password, "ayse@example.org")
    assert refused.value.errors == {"password": [message]}


def test_sign_in_with_the_right_password_only(pathways, tenant):
    user = _with_password(pathways, tenant)
    signed_in = sign_in.sign_in(pathways.uow(), user.email.upper(), PASSWORD)
    assert signed_in.id == user.id
    for email, password in ((user.email, "wrong password"), ("nobody@example.org", PASSWORD)):
        with pytest.raises(sign_in.SignInRefused) as refused:
            sign_in.sign_in(pathways.uow(), email, password)
        assert (refused.value.detail, refused.value.locked) == (sign_in.REFUSED, False)
    # A user without a password (API token only) cannot sign in, and is told the same.
    manager = _user(pathways, tenant.user_ids[Role.MANAGER])
    with pytest.raises(sign_in.SignInRefused) as refused:
        sign_in.sign_in(pathways.uow(), manager.email, "")
    assert refused.value.detail == sign_in.REFUSED


def test_five_wrong_passwords_lock_the_user_for_fifteen_minutes(pathways, tenant):
    user = _with_password(pathways, tenant)
    start = utcnow()
    with clock.frozen(start):
        for attempt in range(1, 5):
            with pytest.raises(sign_in.SignInRefused) as refused:
                sign_in.sign_in(pathways.uow(), user.email, f"wrong {attempt}")
            assert not refused.value.locked
        assert _user(pathways, user.id).failed_sign_ins == 4
        with pytest.raises(sign_in.SignInRefused) as refused:
            sign_in.sign_in(pathways.uow(), user.email, "wrong 5")
        assert (refused.value.locked, refused.value.detail) == (True, sign_in.LOCKED)
        # Locked: even the right password is refused, with the same words.
        with pytest.raises(sign_in.SignInRefused) as refused:
            sign_in.sign_in(pathways.uow(), user.email, PASSWORD)
        assert refused.value.locked
    assert _user(pathways, user.id).locked_until == start + sign_in.LOCKOUT
    with clock.frozen(start + sign_in.LOCKOUT - timedelta(seconds=1)), pytest.raises(sign_in.SignInRefused):
        sign_in.sign_in(pathways.uow(), user.email, PASSWORD)
    with clock.frozen(start + sign_in.LOCKOUT):
        assert sign_in.sign_in(pathways.uow(), user.email, PASSWORD).id == user.id
    assert _user(pathways, user.id).failed_sign_ins == 0
    # The lockout is audited; each failure is not.
    with pathways.uow() as uow:
        changes = [entry.changes for entry in uow.session.scalars(select(AuditEntry).where(
            AuditEntry.entity_id == user.id, AuditEntry.action == "update"))]
    assert sum("locked_until" in change for change in changes) == 1
    assert not any("failed_sign_ins" in change for change in changes)


def test_a_right_password_clears_the_failures(pathways, tenant):
    user = _with_password(pathways, tenant)
    for _ in range(4):
        with pytest.raises(sign_in.SignInRefused):
            sign_in.sign_in(pathways.uow(), user.email, "wrong password")
    sign_in.sign_in(pathways.uow(), user.email, PASSWORD)
    with pytest.raises(sign_in.SignInRefused) as refused:  # counting starts again
        sign_in.sign_in(pathways.uow(), user.email, "wrong password")
    assert not refused.value.locked


def test_the_same_email_in_two_organisations_signs_in_where_the_password_is(pathways, make_tenant):
    email, ids = "shared@example.org", []
    tenants = (make_tenant(), make_tenant())
    for tenant in tenants:
        user, _ = users.create(pathways.uow(), _principal(pathways, tenant), {"email": email, "role": "caseworker"})
        ids.append(user.id)
    with pytest.raises(Conflict):  # the operator must say which
        accounts.set_password(pathways.uow(), email, "first password")
    for tenant, password in zip(tenants, ("first password", "second password")):
        accounts.set_password(pathways.uow(), email, password,
                              organisation_slug=_slug(pathways, uuid.UUID(tenant.organisation_id)))
    assert sign_in.sign_in(pathways.uow(), email, "first password").id == ids[0]
    assert sign_in.sign_in(pathways.uow(), email, "second password").id == ids[1]
    with pytest.raises(sign_in.SignInRefused):
        sign_in.sign_in(pathways.uow(), email, "third password")
    # A wrong password counted against both.
    assert [_user(pathways, user_id).failed_sign_ins for user_id in ids] == [1, 1]


def _slug(pathways, organisation_id) -> str:
    with pathways.uow() as uow:
        return uow.session.get(Organisation, organisation_id).slug


def test_sessions_resolve_within_their_idle_and_absolute_lifetimes(pathways, tenant):
    user = _with_password(pathways, tenant)
    lifetimes = web_sessions.Lifetimes(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
    start = utcnow()
    with clock.frozen(start):
        cookie = web_sessions.open_session(pathways.uow(), user.id)
        signed_in = web_sessions.resolve(pathways.uow(), cookie, lifetimes)
    assert (signed_in.principal.user_id, signed_in.principal.role, signed_in.email) == (
        user.id, Role.CASEWORKER, user.email)
    assert signed_in.principal.organisation_id == user.organisation_id
    assert signed_in.principal.time_zone == "Europe/Istanbul"
    assert signed_in.locale is None and len(signed_in.csrf_token) >= 32
    assert web_sessions.resolve(pathways.uow(), cookie + "x", lifetimes) is None
    assert web_sessions.resolve(pathways.uow(), None, lifetimes) is None

    def last_seen():
        with pathways.uow() as uow:
            return uow.session.scalar(select(WebSession.last_seen_at).where(WebSession.id == signed_in.session_id))

    # Used every 29 minutes, it lives on (last_seen_at moves at most once a minute) ...
    moment = start
    with clock.frozen(start + timedelta(seconds=59)):
        assert web_sessions.resolve(pathways.uow(), cookie, lifetimes) is not None
    assert last_seen() == start
    for _ in range(24):
        moment += timedelta(minutes=29)
        if moment - start >= lifetimes.absolute:
            break
        with clock.frozen(moment):
            assert web_sessions.resolve(pathways.uow(), cookie, lifetimes) is not None
        assert last_seen() == moment
    # ... until 12 hours after sign-in, however busy.
    with clock.frozen(start + lifetimes.absolute - timedelta(seconds=1)):
        assert web_sessions.resolve(pathways.uow(), cookie, lifetimes) is not None
    with clock.frozen(start + lifetimes.absolute):
        assert web_sessions.resolve(pathways.uow(), cookie, lifetimes) is None

    # 30 minutes without a request end a session.
    with clock.frozen(start):
        idle = web_sessions.open_session(pathways.uow(), user.id)
    with clock.frozen(start + lifetimes.idle - timedelta(seconds=1)):
        assert web_sessions.resolve(pathways.uow(), idle, lifetimes) is not None
    with clock.frozen(start + lifetimes.idle - timedelta(seconds=1) + lifetimes.idle):
        assert web_sessions.resolve(pathways.uow(), idle, lifetimes) is None


def test_sign_out_revokes_and_a_removed_user_has_no_session(pathways, tenant):
    user = _with_password(pathways, tenant)
    cookie = web_sessions.open_session(pathways.uow(), user.id)
    other = web_sessions.open_session(pathways.uow(), user.id)
    web_sessions.revoke(pathways.uow(), cookie)
    web_sessions.revoke(pathways.uow(), cookie)  # twice, or an unknown cookie: no error
    web_sessions.revoke(pathways.uow(), "unknown")
    assert web_sessions.resolve(pathways.uow(), cookie) is None
    assert web_sessions.resolve(pathways.uow(), other) is not None
    users.deactivate(pathways.uow(), _principal(pathways, tenant), user.id)
    assert web_sessions.resolve(pathways.uow(), other) is None


def test_sessions_past_their_lifetime_are_deleted_at_the_next_sign_in(pathways, tenant):
    user = _with_password(pathways, tenant)
    lifetimes = web_sessions.Lifetimes()
    start = utcnow()
    with clock.frozen(start):
        old = web_sessions.open_session(pathways.uow(), user.id, lifetimes)
    with clock.frozen(start + timedelta(hours=1)):
        recent = web_sessions.open_session(pathways.uow(), user.id, lifetimes)
    with clock.frozen(start + lifetimes.absolute):
        web_sessions.open_session(pathways.uow(), user.id, lifetimes)
    with pathways.uow() as uow:
        hashes = set(uow.session.scalars(select(WebSession.token_hash).where(WebSession.user_id == user.id)))
    assert len(hashes) == 2 and digest(old) not in hashes and digest(recent) in hashes


def test_config_reads_the_lifetimes_from_the_environment():
    from service.config import from_env
    config = from_env({"PATHWAYS_WEB_SESSION_IDLE_MINUTES": "10", "PATHWAYS_WEB_SESSION_ABSOLUTE_HOURS": "0.5"})
    assert web_sessions.Lifetimes.of(config) == web_sessions.Lifetimes(idle=timedelta(minutes=10),
                                                                       absolute=timedelta(minutes=30))
    assert web_sessions.Lifetimes.of(from_env({})) == web_sessions.Lifetimes()


def test_changing_the_password_revokes_the_other_sessions(pathways, tenant):
    user = _with_password(pathways, tenant)
    here = web_sessions.open_session(pathways.uow(), user.id)
    elsewhere = web_sessions.open_session(pathways.uow(), user.id)
    session_id = web_sessions.resolve(pathways.uow(), here).session_id
    with pytest.raises(ValidationFailed) as refused:
        accounts.change_password(pathways.uow(), user.id, session_id, "not my password", "a new password")
    assert set(refused.value.errors) == {"current_password"}
    with pytest.raises(ValidationFailed) as refused:
        accounts.change_password(pathways.uow(), user.id, session_id, PASSWORD, "short")
    assert set(refused.value.errors) == {"password"}
    assert web_sessions.resolve(pathways.uow(), elsewhere) is not None  # nothing changed yet

    accounts.change_password(pathways.uow(), user.id, session_id, PASSWORD, "a new password")
    assert web_sessions.resolve(pathways.uow(), here) is not None
    assert web_sessions.resolve(pathways.uow(), elsewhere) is None
    assert sign_in.sign_in(pathways.uow(), user.email, "a new password").id == user.id
    with pytest.raises(sign_in.SignInRefused):
        sign_in.sign_in(pathways.uow(), user.email, PASSWORD)


def test_language_choice(pathways, tenant):
    user = _with_password(pathways, tenant)
    accounts.set_locale(pathways.uow(), user.id, "sv")
    cookie = web_sessions.open_session(pathways.uow(), user.id)
    assert web_sessions.resolve(pathways.uow(), cookie).locale == "sv"
    with pytest.raises(ValidationFailed):
        accounts.set_locale(pathways.uow(), user.id, "de")
    accounts.set_locale(pathways.uow(), user.id, None)
    assert _user(pathways, user.id).locale is None


def test_an_invitation_creates_the_user_and_sets_the_password_once(pathways, tenant):
    admin = _principal(pathways, tenant)
    start = utcnow()
    with clock.frozen(start):
        invited = invitations.invite(pathways.uow(actor_id=admin.user_id), admin,
                                     {"email": "New.Person@Example.org", "role": "manager"})
    assert (invited.email, invited.role, invited.created) == ("new.person@example.org", "manager", True)
    assert invited.expires_at == start + timedelta(hours=72)
    assert invitations.look_up(pathways.uow(), invited.token).email == "new.person@example.org"
    with pytest.raises(ValidationFailed):
        invitations.accept(pathways.uow(), invited.token, "new.person@example.org")
    with clock.frozen(start + timedelta(hours=71)):
        invitations.accept(pathways.uow(), invited.token, "a good password")
    assert sign_in.sign_in(pathways.uow(), "new.person@example.org", "a good password").id == invited.user_id
    with pytest.raises(invitations.InvitationInvalid) as used:
        invitations.accept(pathways.uow(), invited.token, "another password")
    assert used.value.reason == "used"
    with pytest.raises(invitations.InvitationInvalid):
        invitations.look_up(pathways.uow(), invited.token)
    # Audited like other writes: the admin created the invitation, the user used it; no token or hash shown.
    with pathways.uow() as uow:
        entries = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "user_invitations")).all()
    assert sorted((e.action, e.actor_id) for e in entries) == [("create", admin.user_id),
                                                               ("update", invited.user_id)]
    assert all("token_hash" not in e.changes or e.changes["token_hash"] == "[redacted]" for e in entries)


def test_an_invitation_expires_after_72_hours_and_a_new_one_ends_the_old(pathways, tenant):
    admin = _principal(pathways, tenant)
    start = utcnow()
    with clock.frozen(start):
        first = invitations.invite(pathways.uow(), admin, {"email": "late@example.org", "role": "caseworker"})
    with clock.frozen(start + timedelta(hours=72)), pytest.raises(invitations.InvitationInvalid) as expired:
        invitations.accept(pathways.uow(), first.token, "a good password")
    assert expired.value.reason == "expired"
    with pytest.raises(invitations.InvitationInvalid) as unknown:
        invitations.accept(pathways.uow(), "no such token", "a good password")
    assert unknown.value.reason == "unknown"

    second = invitations.invite(pathways.uow(), admin, {"email": "late@example.org", "role": "caseworker"})
    third = invitations.invite(pathways.uow(), admin, {"email": "late@example.org", "role": "caseworker"})
    assert (second.created, second.user_id, third.user_id) == (False, first.user_id, first.user_id)
    with pytest.raises(invitations.InvitationInvalid):
        invitations.accept(pathways.uow(), second.token, "a good password")
    invitations.accept(pathways.uow(), third.token, "a good password")
    with pytest.raises(ValidationFailed) as refused:  # an existing user keeps their role
        invitations.invite(pathways.uow(), admin, {"email": "late@example.org", "role": "manager"})
    assert set(refused.value.errors) == {"role"}


def test_only_admins_invite_and_employer_users_need_an_employer(pathways, tenant):
    with pytest.raises(Forbidden):
        invitations.invite(pathways.uow(), _principal(pathways, tenant, Role.CASEWORKER),
                           {"email": "x@example.org", "role": "caseworker"})
    with pytest.raises(ValidationFailed) as refused:
        invitations.invite(pathways.uow(), _principal(pathways, tenant),
                           {"email": "x@example.org", "role": "employer"})
    assert set(refused.value.errors) == {"employer_id"}
    with pathways.uow() as uow:
        assert uow.session.scalar(select(UserInvitation.id)) is None


def test_an_invitation_unlocks_and_ends_the_sessions_of_an_existing_user(pathways, tenant):
    user = _with_password(pathways, tenant)
    cookie = web_sessions.open_session(pathways.uow(), user.id)
    for _ in range(sign_in.MAX_FAILURES):
        with pytest.raises(sign_in.SignInRefused):
            sign_in.sign_in(pathways.uow(), user.email, "wrong password")
    invited = invitations.invite(pathways.uow(), _principal(pathways, tenant),
                                 {"email": user.email, "role": "caseworker"})
    invitations.accept(pathways.uow(), invited.token, "a fresh password")
    assert web_sessions.resolve(pathways.uow(), cookie) is None
    assert sign_in.sign_in(pathways.uow(), user.email, "a fresh password").id == user.id


def test_set_password_unlocks_and_refuses_unknown_users(pathways, tenant):
    user = _with_password(pathways, tenant)
    for _ in range(sign_in.MAX_FAILURES):
        with pytest.raises(sign_in.SignInRefused):
            sign_in.sign_in(pathways.uow(), user.email, "wrong password")
    assert _user(pathways, user.id).locked_until is not None
    accounts.set_password(pathways.uow(), user.email, "recovered password")
    assert _user(pathways, user.id).locked_until is None
    assert sign_in.sign_in(pathways.uow(), user.email, "recovered password").id == user.id
    with pytest.raises(NotFound):
        accounts.set_password(pathways.uow(), "nobody@example.org", "recovered password")
    with pytest.raises(NotFound):
        accounts.set_password(pathways.uow(), user.email, "recovered password", organisation_slug="elsewhere")
    with pytest.raises(ValidationFailed):
        accounts.set_password(pathways.uow(), user.email, "short")
