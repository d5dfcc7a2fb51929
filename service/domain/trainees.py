"""Trainee registration rules."""

from __future__ import annotations

from datetime import date

from service.domain import events
from service.domain.errors import ValidationFailed
from service.domain.messages import Msg

OLDEST_PLAUSIBLE_AGE = 120


def check_registration(*, consent: bool, birth_date: date, today: date) -> None:
    """Consent is the legal basis for processing: without it nothing is stored."""
    errors: dict[str, list[str]] = {}
    if consent is not True:
        errors["consent"] = [Msg("Consent is required to register a trainee.")]
    if birth_date > today:
        errors["birth_date"] = [Msg("The birth date is in the future.")]
    elif today.year - birth_date.year > OLDEST_PLAUSIBLE_AGE:
        errors["birth_date"] = [Msg("The birth date is implausibly early.")]
    if errors:
        raise ValidationFailed(errors)


#: The facts of a trainee that metrics disaggregate by: a change of any of them is a `trainee.updated`.
CATEGORICAL_FACTS = ("citizenship", "district", "education_level", "labour_status", "settlement_type", "sex",
                     "vulnerable_groups")


def registered_event(trainee) -> events.TraineeRegistered:
    return events.TraineeRegistered(organisation_id=trainee.organisation_id, trainee_id=trainee.id)


def categorical_facts(trainee) -> dict:
    """What `updated_event` compares: the facts themselves stay in the record, never in an event."""
    return {name: sorted(trainee.vulnerable_groups or []) if name == "vulnerable_groups" else getattr(trainee, name)
            for name in CATEGORICAL_FACTS}


def updated_event(trainee, before: dict) -> events.TraineeUpdated | None:
    """The event of an edit, naming the categorical facts it changed; None when it changed none."""
    after = categorical_facts(trainee)
    changed = tuple(name for name in CATEGORICAL_FACTS if after[name] != before[name])
    if not changed:
        return None
    return events.TraineeUpdated(organisation_id=trainee.organisation_id, trainee_id=trainee.id, changed=changed)
