"""Invitations: an admin invites a user (new, or of the organisation already) to set a web password
through a one-time link, valid 72 hours.

The link's token carries 256 random bits and is stored only as its SHA-256 digest. A new invitation
for a user ends any earlier one still unused, so only the last link handed over works.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from service.clock import utcnow
from service.db import audit
from service.db.models import Organisation, User, UserInvitation
from service.domain.errors import NotFound, ValidationFailed
from service.domain.messages import Msg
from service.domain.roles import ADMIN_ONLY, Principal
from service.services import passwords, users, web_sessions
from service.services.tokens import digest
from service.services.unit_of_work import UnitOfWork

VALIDITY = timedelta(hours=72)


class InvitationInvalid(NotFound):
    """The link is unknown, used or expired (`reason`: "unknown", "used", "expired")."""

    def __init__(self, reason: str):
        messages = {"used": Msg("This invitation has been used already."),
                    "expired": Msg("This invitation has expired.")}
        super().__init__(messages.get(reason, Msg("This invitation is not valid.")))
        self.reason = reason


@dataclass(frozen=True)
class Invited:
    user_id: uuid.UUID
    email: str
    role: str
    token: str
    expires_at: datetime
    #: Whether the invitation made the user (False: an existing user was invited to set a password).
    created: bool


@dataclass(frozen=True)
class Invitation:
    """What the page of an invitation link shows before the password is set."""

    email: str
    organisation_name: str
    expires_at: datetime
    #: The organisation's IANA time zone: the page says until when in its local time.
    time_zone: str


def invite(uow: UnitOfWork, principal: Principal, data: dict) -> Invited:
    """Invite `data["email"]` with `data["role"]` (and `employer_id` for an employer user). A new email makes
    the user by the rules of `service.services.users.create`; the email of an active user of the organisation
    invites that user, whose role must be the one given."""
    principal.require(ADMIN_ONLY)
    email = data["email"].strip().lower()
    with uow:
        existing = uow.session.scalars(select(User).where(
            User.organisation_id == principal.organisation_id, User.email == email,
            User.active.is_(True))).one_or_none()
    created = existing is None
    if existing is None:
        user, _ = users.create(uow, principal, {**data, "email": email})
    else:
        if existing.role != data["role"] or (data.get("employer_id") not in (None, existing.employer_id)):
            raise ValidationFailed({"role": [Msg("This user exists already, with the role {role}.",
                                                 role=existing.role)]})
        user = existing
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with uow:
        # Any earlier link of the user still unused ends now: only the last one handed over works.
        uow.session.execute(update(UserInvitation).where(
            UserInvitation.user_id == user.id, UserInvitation.used_at.is_(None),
            UserInvitation.expires_at > now).values(expires_at=now))
        invitation = UserInvitation(organisation_id=principal.organisation_id, user_id=user.id,
                                    created_by=principal.user_id, token_hash=digest(token), expires_at=now + VALIDITY)
        uow.session.add(invitation)
        uow.commit()
    return Invited(user_id=user.id, email=user.email, role=user.role, token=token,
                   expires_at=invitation.expires_at, created=created)


def look_up(uow: UnitOfWork, token: str) -> Invitation:
    """The invitation of a link, still usable; InvitationInvalid otherwise."""
    with uow:
        invitation, user = _usable(uow, token, for_update=False)
        organisation = uow.session.execute(select(Organisation.name, Organisation.time_zone).where(
            Organisation.id == user.organisation_id)).one()
        return Invitation(email=user.email, organisation_name=organisation.name, expires_at=invitation.expires_at,
                          time_zone=organisation.time_zone)


def accept(uow: UnitOfWork, token: str, password: str) -> User:
    """Set the invited user's password (once): the link is used, the user unlocked, their web sessions ended."""
    with uow:
        invitation, user = _usable(uow, token, for_update=True)
        passwords.check_rule(password, user.email)
        uow.session.info[audit.ACTOR_KEY] = user.id  # the invited user acts, signed in by the link
        now = utcnow()
        invitation.used_at = now
        user.password_hash = passwords.hash_password(password)
        user.password_changed_at = now
        user.failed_sign_ins = 0
        if user.locked_until is not None:
            user.locked_until = None
        web_sessions.revoke_others(uow, user.id)
        uow.commit()
        return user


def _usable(uow: UnitOfWork, token: str, for_update: bool) -> tuple[UserInvitation, User]:
    stmt = select(UserInvitation, User).join(User, User.id == UserInvitation.user_id).where(
        UserInvitation.token_hash == digest(token))
    row = uow.session.execute(stmt.with_for_update() if for_update else stmt).one_or_none()
    if row is None or not row.User.active:
        raise InvitationInvalid("unknown")
    if row.UserInvitation.used_at is not None:
        raise InvitationInvalid("used")
    if row.UserInvitation.expires_at <= utcnow():
        raise InvitationInvalid("expired")
    return row.UserInvitation, row.User
