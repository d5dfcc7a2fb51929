"""Reading an organisation's vocabulary of groups (service.domain.groups): its rows, or, for an organisation
without any (created before migration 0013 seeded them, or written in bulk), its country profile's defaults.
Here, below the use cases, because the metrics engine reads it too (its breakdowns list the organisation's
own keys)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import Organisation, OrganisationGroup
from service.domain import countries


@dataclass(frozen=True)
class Entry:
    key: str
    labels: dict[str, str]
    feeds: str | None
    active: bool


def entries(session: Session, organisation: Organisation) -> list[Entry]:
    """The organisation's vocabulary in a stable order: its profile's groups first, in the profile's order,
    then those it added, by key."""
    rows = session.scalars(select(OrganisationGroup).where(
        OrganisationGroup.organisation_id == organisation.id)).all()
    defaults = countries.profile(organisation.country).groups
    if not rows:
        return [Entry(g.key, g.labels(), g.feeds, True) for g in defaults]
    order = {g.key: index for index, g in enumerate(defaults)}
    found = [Entry(r.key, dict(r.labels), r.feeds, r.active) for r in rows]
    return sorted(found, key=lambda e: (order.get(e.key, len(order)), e.key))


def vocabulary(session: Session, organisation_id: uuid.UUID) -> list[Entry]:
    """The vocabulary of the organisation with this id (none: an organisation that does not exist)."""
    organisation = session.get(Organisation, organisation_id)
    return [] if organisation is None else entries(session, organisation)
