"""Users and authentication by bearer token."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service.db.models import Employer, User
from service.domain.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from service.domain.roles import Principal, Role
from service.services import tokens
from service.services.queries import get_scoped, page
from service.services.unit_of_work import UnitOfWork


#: Principals of recently seen tokens, kept this long: authentication was a fifth of the time of
#: a write (profile of POST /enrolments under load). A deactivated user or a replaced token is
#: forgotten at once in this process, and within this time in the API's other processes.
PRINCIPAL_TTL_SECONDS = 5.0
_MAX_REMEMBERED = 10_000
_recent: dict[str, tuple[Principal, float]] = {}


def authenticate(uow: UnitOfWork, token: str) -> Principal:
    digest, now = tokens.digest(token), time.monotonic()
    remembered = _recent.get(digest)
    if remembered is not None and remembered[1] > now:
        return remembered[0]
    with uow:
        user = uow.session.scalars(
            select(User).where(User.token_hash == digest, User.active.is_(True))
        ).one_or_none()
    if user is None:
        raise Unauthenticated("The bearer token is not valid.")
    principal = Principal(user_id=user.id, organisation_id=user.organisation_id, role=Role(user.role),
                          employer_id=user.employer_id)
    if len(_recent) >= _MAX_REMEMBERED:
        _recent.clear()
    _recent[digest] = (principal, now + PRINCIPAL_TTL_SECONDS)
    return principal


def _forget(user_id: uuid.UUID) -> None:
    for digest, (principal, _expires) in list(_recent.items()):
        if principal.user_id == user_id:
            _recent.pop(digest, None)


def create(uow: UnitOfWork, principal: Principal, data: dict) -> tuple[User, str]:
    role, employer_id = data["role"], data.get("employer_id")
    if role == Role.EMPLOYER and employer_id is None:
        raise ValidationFailed({"employer_id": ["Required for an employer user."]})
    if role != Role.EMPLOYER and employer_id is not None:
        raise ValidationFailed({"employer_id": ["Only employer users belong to an employer."]})
    token = tokens.new_token()
    email = data["email"].lower()
    with uow:
        if employer_id is not None:
            _check_employer(uow, principal, employer_id)
        if _active_user_with_email(uow, principal.organisation_id, email):
            raise Conflict("A user with this email exists already.")
        user = User(organisation_id=principal.organisation_id, email=email, role=role,
                    employer_id=employer_id, token_hash=tokens.digest(token))
        uow.session.add(user)
        try:
            uow.commit()
        except IntegrityError:
            raise Conflict("A user with this email exists already.") from None
        return user, token


def reissue_token(uow: UnitOfWork, user_id: uuid.UUID) -> str:
    """Give an active user a new token; the old one stops working. For operators only
    (the command line): no principal, because it is not an API action."""
    token = tokens.new_token()
    with uow:
        user = uow.session.scalars(select(User).where(User.id == user_id).with_for_update()).one_or_none()
        if user is None or not user.active:
            raise NotFound("User not found.")
        user.token_hash = tokens.digest(token)
        uow.commit()
    _forget(user_id)
    return token


def _active_user_with_email(uow: UnitOfWork, organisation_id: uuid.UUID, email: str) -> bool:
    stmt = select(User.id).where(User.organisation_id == organisation_id, User.email == email,
                                 User.active.is_(True))
    return uow.session.scalar(stmt) is not None


def _check_employer(uow: UnitOfWork, principal: Principal, employer_id: uuid.UUID) -> None:
    stmt = select(Employer.id).where(Employer.id == employer_id,
                                     Employer.organisation_id == principal.organisation_id)
    if uow.session.scalar(stmt) is None:
        raise ValidationFailed({"employer_id": ["No such employer in this organisation."]})


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
            raise NotFound("User not found.")
        return user


def deactivate(uow: UnitOfWork, principal: Principal, user_id: uuid.UUID) -> None:
    """Users are deactivated, not erased: the audit trail keeps naming them."""
    with uow:
        user = get_scoped(uow.session, User, principal.organisation_id, user_id, label="User")
        if not user.active:
            raise NotFound("User not found.")
        if user.role == Role.ADMIN and _active_admins(uow, principal.organisation_id) <= 1:
            raise Conflict("The last admin of an organisation cannot be removed.")
        user.active = False
        user.token_hash = None
        uow.commit()
    _forget(user_id)


def _active_admins(uow: UnitOfWork, organisation_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(User).where(
        User.organisation_id == organisation_id, User.role == Role.ADMIN, User.active.is_(True))
    return uow.session.scalar(stmt)
