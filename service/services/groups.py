"""Each organisation's vocabulary of groups: reading it, checking people's groups against it, editing it.

An organisation's rows are seeded from its country profile at bootstrap (and by migration 0013); one
without rows (created before, or by a tool writing in bulk) reads its profile's defaults and gets them as
rows on its first edit. A retired group stays valid on the records that have it and keeps feeding its
category for them; it cannot be given to anyone new.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.groups import Entry, vocabulary
from service.db.models import Organisation, OrganisationGroup
from service.domain import countries
from service.domain.errors import Conflict, NotFound, ValidationFailed
from service.domain.roles import Principal
from service.services.queries import own_organisation
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg


def feeds(session: Session, organisation_id: uuid.UUID) -> dict[str, str | None]:
    """{key: indicator category} of every group, retired ones too (they still describe past records)."""
    return {entry.key: entry.feeds for entry in vocabulary(session, organisation_id)}


def check(session: Session, organisation_id: uuid.UUID, given: Iterable[str], *, held: Iterable[str] = (),
          field: str = "vulnerable_groups") -> None:
    """Raise 422 on `field` unless each group given is in the organisation's active vocabulary, or is
    one the record holds already (`held`: a retired group stays on a record that has it)."""
    known = {entry.key: entry.active for entry in vocabulary(session, organisation_id)}
    given = list(given)
    if len(given) > len(known):
        raise ValidationFailed({field: [Msg("Longer than the vocabulary: at most {count} groups, each once.",
                                            count=len(known))]})
    held = set(held)
    errors: dict[str, list[str]] = {}
    for index, key in enumerate(given):
        if key in held or known.get(key):
            continue
        active = ", ".join(k for k, on in known.items() if on)
        message = (f"{key} is a retired group: it stays on past records but is given to no one new."
                   if key in known else f"Not a group of this organisation's vocabulary. Must be one of: {active}.")
        errors[str(index)] = [message]
    if errors:
        raise ValidationFailed({field: errors})  # type: ignore[dict-item]


def check_targets(session: Session, organisation_id: uuid.UUID, targets: Iterable[Mapping] | None,
                  field: str = "share_targets") -> None:
    """Share targets on `vulnerable_group` name groups of the organisation's vocabulary (retired ones too:
    a target may describe who was reached)."""
    keys = [entry.key for entry in vocabulary(session, organisation_id)]
    for target in targets or ():
        if target.get("dimension") != "vulnerable_group":
            continue
        values = target["value"] if isinstance(target["value"], list) else [target["value"]]
        if unknown := [value for value in values if value not in keys]:
            raise ValidationFailed({field: [Msg("Unknown value(s) for vulnerable_group: {unknown}; "
                                                "the organisation's groups are: {keys}.",
                                                unknown=", ".join(unknown), keys=", ".join(keys))]})


def check_filter(session: Session, organisation_id: uuid.UUID, key: str, field: str = "vulnerable_group") -> None:
    """A filter by group names one of the vocabulary's groups, retired ones included."""
    keys = [entry.key for entry in vocabulary(session, organisation_id)]
    if key not in keys:
        raise ValidationFailed({field: [Msg("Not a group of this organisation's vocabulary. Must be one of: {choices}.",
                                            choices=", ".join(keys))]})


def seed(session: Session, organisation: Organisation) -> None:
    """Give an organisation without vocabulary rows its profile's defaults as rows (bootstrap, first edit)."""
    if session.scalar(select(OrganisationGroup.id).where(OrganisationGroup.organisation_id == organisation.id)
                      .limit(1)) is not None:
        return
    for group in countries.profile(organisation.country).groups:
        session.add(OrganisationGroup(organisation_id=organisation.id, key=group.key, labels=group.labels(),
                                      feeds=group.feeds, active=True))
    session.flush()


def list_(uow: UnitOfWork, principal: Principal) -> list[Entry]:
    with uow:
        return vocabulary(uow.session, principal.organisation_id)


def add(uow: UnitOfWork, principal: Principal, data: dict) -> Entry:
    """A new group (201); its key is new to the organisation, retired ones included (409 otherwise)."""
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        seed(uow.session, organisation)
        if _row(uow.session, organisation.id, data["key"]) is not None:
            raise Conflict(Msg("The vocabulary has a group {key} already (retired or not): change that one.",
                               key=data["key"]),
                           key=data["key"])
        row = OrganisationGroup(organisation_id=organisation.id, key=data["key"],
                                labels=_labels(data["labels"], {}), feeds=data.get("feeds"),
                                active=data.get("active", True))
        uow.session.add(row)
        uow.commit()
        return _entry(row)


def change(uow: UnitOfWork, principal: Principal, key: str, changes: Mapping) -> Entry:
    """Relabel, re-map (what it feeds) or retire / reinstate a group. Closed participations keep the
    categories they were counted in; open ones take the new mapping when their person's groups change."""
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        seed(uow.session, organisation)
        row = _row(uow.session, organisation.id, key)
        if row is None:
            raise NotFound(Msg("The vocabulary has no group {key}.", key=key))
        if "labels" in changes:
            row.labels = _labels(changes["labels"], row.labels)
        if "feeds" in changes:
            row.feeds = changes["feeds"]
        if "active" in changes:
            row.active = changes["active"]
        uow.commit()
        return _entry(row)


def _labels(given: Mapping[str, str], current: Mapping[str, str]) -> dict[str, str]:
    """The labels after a change: given languages replaced (an empty label removes that language); English
    is always there."""
    labels = {**current, **given}
    labels = {language: text for language, text in labels.items() if text}
    if not labels.get("en"):
        raise ValidationFailed({"labels": {"en": [Msg("An English label is needed (the exports' fallback).")]}})  # type: ignore[dict-item]
    return dict(sorted(labels.items(), key=lambda item: (item[0] != "en", item[0])))


def _row(session: Session, organisation_id: uuid.UUID, key: str) -> OrganisationGroup | None:
    return session.scalar(select(OrganisationGroup).where(OrganisationGroup.organisation_id == organisation_id,
                                                          OrganisationGroup.key == key).with_for_update())


def _entry(row: OrganisationGroup) -> Entry:
    return Entry(row.key, dict(row.labels), row.feeds, row.active)

