"""Trainee registration rules."""

from __future__ import annotations

from datetime import date

from service.domain import events
from service.domain.errors import ValidationFailed

OLDEST_PLAUSIBLE_AGE = 120


def check_registration(*, consent: bool, birth_date: date, today: date) -> None:
    """Consent is the legal basis for processing: without it nothing is stored."""
    errors: dict[str, list[str]] = {}
    if consent is not True:
        errors["consent"] = ["Consent is required to register a trainee."]
    if birth_date > today:
        errors["birth_date"] = ["The birth date is in the future."]
    elif today.year - birth_date.year > OLDEST_PLAUSIBLE_AGE:
        errors["birth_date"] = ["The birth date is implausibly early."]
    if errors:
        raise ValidationFailed(errors)


def registered_event(trainee) -> events.TraineeRegistered:
    return events.TraineeRegistered(organisation_id=trainee.organisation_id, data=_facts(trainee))


def updated_event(trainee) -> events.TraineeUpdated:
    return events.TraineeUpdated(organisation_id=trainee.organisation_id, data=_facts(trainee))


def _facts(trainee) -> dict:
    """The categorical facts an event may carry: no names, contact details or national id."""
    return {
        "trainee_id": str(trainee.id),
        "sex": trainee.sex,
        "birth_year": trainee.birth_date.year,
        "settlement_type": trainee.settlement_type,
        "education_level": trainee.education_level,
        "labour_status": trainee.labour_status,
        "vulnerable_groups": sorted(trainee.vulnerable_groups or []),
        "district": trainee.district,
    }
