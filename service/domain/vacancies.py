"""Vacancy states: open -> filled | closed, and a closed vacancy may reopen."""

from __future__ import annotations

from datetime import date

from service.domain.errors import Conflict, InvalidTransition
from service.domain.messages import Msg

OPEN, FILLED, CLOSED = "open", "filled", "closed"
STATUSES = (OPEN, FILLED, CLOSED)
CONTRACT_TYPES = ("permanent", "fixed_term", "apprenticeship", "seasonal")

_ALLOWED = {OPEN: {FILLED, CLOSED}, CLOSED: {OPEN}, FILLED: {OPEN}}


def change_status(vacancy, status: str) -> None:
    if status == vacancy.status:
        return
    if status not in _ALLOWED[vacancy.status]:
        raise InvalidTransition(Msg("A {status} vacancy cannot become {target}.", status=vacancy.status, target=status),
                                current_status=vacancy.status)
    vacancy.status = status


def check_open(vacancy, what: str = "referrals") -> None:
    if vacancy.status != OPEN:
        raise InvalidTransition(Msg("The vacancy is {status}; only open vacancies take {what}.",
                                    status=vacancy.status, what=Msg(what)),
                                current_status=vacancy.status)


def check_takes_referrals(vacancy, today: date) -> None:
    """Open, and not past its closing date: a referral after it would wait for nobody."""
    check_open(vacancy)
    if vacancy.closes_on is not None and vacancy.closes_on < today:
        raise Conflict(Msg("The vacancy closed on {closes_on}; it takes no more referrals "
                           "(an employer or caseworker may move closes_on).", closes_on=vacancy.closes_on.isoformat()),
                       closes_on=vacancy.closes_on.isoformat())


def fill_if_taken(vacancy, active_hires: int) -> bool:
    """Mark an open vacancy filled once its positions are taken; True when it changed."""
    if vacancy.status == OPEN and active_hires >= vacancy.positions:
        vacancy.status = FILLED
        return True
    return False
