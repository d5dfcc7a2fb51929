"""Users and authentication by bearer token."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from service.clock import utcnow
from service.db.models import Employer, Organisation, User
from service.domain.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from service.domain.roles import ADMIN_ONLY, Principal, Role
from service.services import tokens
from service.services.queries import get_scoped, page
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg

#: Run on every request and never remembered: a removed user or a replaced token must be refused
#: at once by every API process (a per-process memory let them work for seconds in the others).
#: One look-up through the unique index on token_hash (and the organisation's time zone by its key).
_BY_TOKEN = select(User.id, User.organisation_id, User.role, User.employer_id, User.token_expires_at,
                   Organisation.time_zone).join(Organisation, Organisation.id == User.organisation_id).where(
    User.token_hash == bindparam("digest"), User.active.is_(True))


def authenticate(uow: UnitOfWork, token: str) -> Principal:
    with uow:
        user = uow.session.execute(_BY_TOKEN, {"digest": tokens.digest(token)}).one_or_none()
    if user is None:
        raise Unauthenticated(Msg("The bearer token is not valid."))
    # No expiry is refused too: migration 0006 gave every older token one.
    if user.token_expires_at is None or user.token_expires_at <= utcnow():
        raise Unauthenticated(Msg("The bearer token has expired; an admin can issue a new one "
                                  "(POST /users/{id}/token)."))
    return Principal(user_id=user.id, organisation_id=user.organisation_id, role=Role(user.role),
                     employer_id=user.employer_id, time_zone=user.time_zone)


def create(uow: UnitOfWork, principal: Principal, data: dict,
           token_ttl: timedelta | None = None) -> tuple[User, str]:
    """Create a user of the caller's organisation; returns it and its token (shown once)."""
    role, employer_id = data["role"], data.get("employer_id")
    if role == Role.EMPLOYER and employer_id is None:
        raise ValidationFailed({"employer_id": [Msg("Required for an employer user.")]})
    if role != Role.EMPLOYER and employer_id is not None:
        raise ValidationFailed({"employer_id": [Msg("Only employer users belong to an employer.")]})
    with uow:
        if employer_id is not None:
            _check_employer(uow, principal, employer_id)
        return _add(uow, principal.organisation_id, data["email"], role, employer_id, token_ttl)


def add_admin(uow: UnitOfWork, organisation_slug: str, email: str,
              token_ttl: timedelta | None = None) -> tuple[User, str]:
    """Give an organisation another admin, e.g. one left without any. For operators only (the
    command line): no principal, because no user of the organisation may be able to act."""
    with uow:
        return _add(uow, _organisation_id(uow, organisation_slug), email, Role.ADMIN, None, token_ttl)


def _add(uow: UnitOfWork, organisation_id: uuid.UUID, email: str, role: str, employer_id: uuid.UUID | None,
         token_ttl: timedelta | None) -> tuple[User, str]:
    email = email.lower()
    if _active_user_with_email(uow, organisation_id, email):
        raise Conflict(Msg("A user with this email exists already."))
    user = User(organisation_id=organisation_id, email=email, role=role, employer_id=employer_id)
    token = tokens.issue(user, token_ttl)
    uow.session.add(user)
    try:
        uow.commit()
    except IntegrityError:
        raise Conflict(Msg("A user with this email exists already.")) from None
    return user, token


def rotate_token(uow: UnitOfWork, principal: Principal, user_id: uuid.UUID,
                 token_ttl: timedelta | None = None) -> tuple[User, str]:
    """A new token for a user: an admin's for anyone of the organisation, others' for themselves.
    The old token is refused from the commit on."""
    if principal.role != Role.ADMIN and principal.user_id != user_id:
        raise Forbidden(Msg("The {role} role may only replace its own token.", role=principal.role))
    with uow:
        user = get_scoped(uow.session, User, principal.organisation_id, user_id, for_update=True, label="User")
        if not user.active:
            raise NotFound(Msg("User not found."))
        token = tokens.issue(user, token_ttl)
        uow.commit()
        return user, token


def reissue_token(uow: UnitOfWork, user_id: uuid.UUID, token_ttl: timedelta | None = None) -> str:
    """Give an active user a new token; the old one stops working. Returns the token."""
    return reissue(uow, user_id, token_ttl)[1]


def reissue(uow: UnitOfWork, user_id: uuid.UUID, token_ttl: timedelta | None = None) -> tuple[User, str]:
    """Give an active user a new token; the old one stops working. For operators only
    (the command line): no principal, because it is not an API action."""
    with uow:
        user = uow.session.scalars(select(User).where(User.id == user_id).with_for_update()).one_or_none()
        if user is None or not user.active:
            raise NotFound(Msg("User not found."))
        token = tokens.issue(user, token_ttl)
        uow.commit()
        return user, token


def find_active(uow: UnitOfWork, organisation_slug: str, email: str) -> User:
    """The active user with `email` in the organisation with `organisation_slug` (for operators)."""
    with uow:
        organisation_id = _organisation_id(uow, organisation_slug)
        user = uow.session.scalars(select(User).where(
            User.organisation_id == organisation_id, User.email == email.lower(), User.active.is_(True))).one_or_none()
        if user is None:
            raise NotFound(Msg("No active user with email {email} in organisation {organisation}.",
                                    email=repr(email), organisation=repr(organisation_slug)))
        return user


def _organisation_id(uow: UnitOfWork, slug: str) -> uuid.UUID:
    organisation_id = uow.session.scalar(select(Organisation.id).where(Organisation.slug == slug))
    if organisation_id is None:
        raise NotFound(Msg("No organisation with slug {slug}.", slug=repr(slug)))
    return organisation_id


def _active_user_with_email(uow: UnitOfWork, organisation_id: uuid.UUID, email: str) -> bool:
    stmt = select(User.id).where(User.organisation_id == organisation_id, User.email == email,
                                 User.active.is_(True))
    return uow.session.scalar(stmt) is not None


def _check_employer(uow: UnitOfWork, principal: Principal, employer_id: uuid.UUID) -> None:
    stmt = select(Employer.id).where(Employer.id == employer_id,
                                     Employer.organisation_id == principal.organisation_id)
    if uow.session.scalar(stmt) is None:
        raise ValidationFailed({"employer_id": [Msg("No such employer in this organisation.")]})


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[User], str | None]:
    stmt = select(User).where(User.organisation_id == principal.organisation_id, User.active.is_(True))
    if args.get("role"):
        stmt = stmt.where(User.role == args["role"])
    with uow:
        return page(uow.session, stmt, User, limit=args["limit"], cursor=args.get("cursor"))


def get(uow: UnitOfWork, principal: Principal, user_id: uuid.UUID) -> User:
    with uow:
        user = get_scoped(uow.session, User, principal.organisation_id, user_id, label="User")
        if not user.active:
            raise NotFound(Msg("User not found."))
        return user


def deactivate(uow: UnitOfWork, principal: Principal, user_id: uuid.UUID) -> None:
    """Users are deactivated, not erased: the audit trail keeps naming them."""
    with uow:
        _serialise_removals(uow, principal.organisation_id)
        user = get_scoped(uow.session, User, principal.organisation_id, user_id, label="User")
        if not user.active:
            raise NotFound(Msg("User not found."))
        if user.role == Role.ADMIN and _active_admins(uow, principal.organisation_id) <= 1:
            raise Conflict(Msg("The last admin of an organisation cannot be removed."))
        user.active = False
        user.token_hash = None
        uow.commit()


def change_role(uow: UnitOfWork, principal: Principal, user_id: uuid.UUID, role: Role,
                employer_id: uuid.UUID | None = None) -> User:
    """Give a user of the organisation another role (an employer user: with its employer). It holds from the
    user's next request on, with their web session and their token alike: both read the role every time.
    The last active admin keeps the role (as they cannot be removed)."""
    principal.require(ADMIN_ONLY)
    if role == Role.EMPLOYER and employer_id is None:
        raise ValidationFailed({"employer_id": [Msg("Required for an employer user.")]})
    if role != Role.EMPLOYER:
        employer_id = None
    with uow:
        _serialise_removals(uow, principal.organisation_id)
        user = get_scoped(uow.session, User, principal.organisation_id, user_id, for_update=True, label="User")
        if not user.active:
            raise NotFound(Msg("User not found."))
        if employer_id is not None:
            _check_employer(uow, principal, employer_id)
        if (user.role == Role.ADMIN and role != Role.ADMIN
                and _active_admins(uow, principal.organisation_id) <= 1):
            raise Conflict(Msg("The last admin of an organisation keeps the admin role: make another user "
                               "admin first."))
        user.role, user.employer_id = role, employer_id
        uow.commit()
        return user


def _serialise_removals(uow: UnitOfWork, organisation_id: uuid.UUID) -> None:
    """Two admins removing each other at the same moment both counted two admins and both
    succeeded, leaving none. Removals in one organisation wait for each other on its row
    (FOR NO KEY UPDATE: rows that merely reference the organisation are not held up); the
    reads that follow see the other removal. SQLite's BEGIN IMMEDIATE serialises writers anyway."""
    uow.session.execute(select(Organisation.id).where(Organisation.id == organisation_id)
                        .with_for_update(key_share=True))


def _active_admins(uow: UnitOfWork, organisation_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(User).where(
        User.organisation_id == organisation_id, User.role == Role.ADMIN, User.active.is_(True))
    return uow.session.execute(stmt).scalar_one()
