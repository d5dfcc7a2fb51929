"""Organisations: bootstrap of a new tenant and its settings."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from service import clock
from service.db.models import Organisation, User
from service.domain import cell_size, countries, national_ids
from service.domain.errors import Conflict, ValidationFailed
from service.domain.roles import Principal, Role
from service.services import groups, tokens
from service.services.queries import own_organisation
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")


def bootstrap(uow: UnitOfWork, *, slug: str, name: str, country: str, admin_email: str,
              locale: str = "en", reach_target: int | None = None, time_zone: str | None = None,
              token_ttl: timedelta | None = None) -> tuple[Organisation, User, str]:
    """Create an organisation and its first admin; return them and the admin's token. The time zone is
    the country profile's (its capital's) unless given: an organisation far from it names its own."""
    country = country.upper()
    errors: dict[str, list[str]] = {}
    if not SLUG_PATTERN.match(slug):
        errors["org_slug"] = [Msg("Lower-case letters, digits and hyphens, at most 63.")]
    if not COUNTRY_PATTERN.match(country):
        errors["country"] = [Msg("An ISO 3166-1 alpha-2 code such as TR or SE.")]
    if not name.strip() or len(name) > 200:
        errors["org_name"] = [Msg("Between 1 and 200 characters.")]
    if "@" not in admin_email or len(admin_email) > 254:
        errors["admin_email"] = [Msg("Not a valid email address.")]
    if time_zone is not None and not clock.is_time_zone(time_zone):
        errors["time_zone"] = [clock.NOT_A_TIME_ZONE]
    if errors:
        raise ValidationFailed(errors)
    with uow:
        if uow.session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
            raise Conflict(Msg("An organisation with slug {slug} exists already.", slug=repr(slug)))
        organisation = Organisation(
            name=name.strip(), slug=slug, country=country, locale=locale, reach_target=reach_target,
            national_id_scheme=national_ids.default_scheme(country), share_targets=[], min_cell_size=5,
            time_zone=time_zone or countries.profile(country).time_zone)
        uow.session.add(organisation)
        uow.session.flush()
        groups.seed(uow.session, organisation)
        admin = User(organisation_id=organisation.id, email=admin_email.lower(), role=Role.ADMIN)
        token = tokens.issue(admin, token_ttl)
        uow.session.add(admin)
        uow.commit()
        return organisation, admin, token


def get(uow: UnitOfWork, principal: Principal) -> Organisation:
    with uow:
        return _own(uow, principal)


def update(uow: UnitOfWork, principal: Principal, changes: dict) -> Organisation:
    with uow:
        organisation = _own(uow, principal)
        groups.check_targets(uow.session, organisation.id, changes.get("share_targets"))
        changes = cell_size.settled(organisation.min_cell_size, changes)  # the guard rail, with its reason
        for key, value in changes.items():
            setattr(organisation, key, value)
        uow.commit()
        return organisation


def _own(uow: UnitOfWork, principal: Principal) -> Organisation:
    return own_organisation(uow.session, principal.organisation_id)
