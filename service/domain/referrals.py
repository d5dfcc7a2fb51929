"""Referral steps: referred -> interviewing -> hired | rejected; withdrawn from any open state."""

from __future__ import annotations

from service.domain import events
from service.domain.errors import InvalidTransition
from service.domain.messages import Msg

REFERRED, INTERVIEWING, HIRED, REJECTED, WITHDRAWN = "referred", "interviewing", "hired", "rejected", "withdrawn"
STATUSES = (REFERRED, INTERVIEWING, HIRED, REJECTED, WITHDRAWN)
OPEN_STATUSES = (REFERRED, INTERVIEWING)

#: step name -> (states it may start from, state it leads to)
STEPS = {
    "interview": ((REFERRED,), INTERVIEWING),
    "hire": ((REFERRED, INTERVIEWING), HIRED),
    "reject": ((REFERRED, INTERVIEWING), REJECTED),
    "withdraw": ((REFERRED, INTERVIEWING), WITHDRAWN),
}


def step(referral, name: str) -> None:
    sources, target = STEPS[name]
    if referral.status not in sources:
        raise InvalidTransition(Msg("A {status} referral cannot {step}.", status=referral.status, step=name),
                                current_status=referral.status)
    referral.status = target


def created_event(referral) -> events.ReferralCreated:
    return events.ReferralCreated(
        organisation_id=referral.organisation_id, referral_id=referral.id, trainee_id=referral.trainee_id,
        vacancy_id=referral.vacancy_id, employer_id=referral.employer_id)


def hired_event(referral, placement) -> events.ReferralHired:
    return events.ReferralHired(
        organisation_id=referral.organisation_id, referral_id=referral.id, trainee_id=referral.trainee_id,
        vacancy_id=referral.vacancy_id, employer_id=referral.employer_id, placement_id=placement.id)
