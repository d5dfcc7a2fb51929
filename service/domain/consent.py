"""Consent (issue 18, item 1): what a person agrees to, for which purposes, and what a withdrawal stops.

A person's consent is recorded per purpose, with the version and language of the organisation's
consent text that was read to them, when and by whom. `programme` (taking part: the record, the
enrolments, the figures made without a name) is required to register; `follow_up_contact` (being
called or written to after leaving) and `employer_sharing` (being proposed to employers, who then
see the name and the referral) are separate. Withdrawing `programme` withdraws everything: there is
no following up or sharing without taking part.
"""

from __future__ import annotations

from collections.abc import Iterable

from service.domain.errors import ValidationFailed
from service.domain.messages import Msg

PROGRAMME = "programme"
FOLLOW_UP_CONTACT = "follow_up_contact"
EMPLOYER_SHARING = "employer_sharing"
PURPOSES = (PROGRAMME, FOLLOW_UP_CONTACT, EMPLOYER_SHARING)
#: Version 0 is the default text in the translations, for organisations that never published one
#: (and for everyone registered before consent was versioned: they agreed to that text).
DEFAULT_VERSION = 0


def check_given(purposes: Iterable[str]) -> list[str]:
    """The purposes a person agrees to at registration, in the catalogue's order; `programme` is required."""
    given = set(purposes)
    if PROGRAMME not in given:
        raise ValidationFailed({"consent_purposes": [Msg("Consent for the programme is required to register a "
                                                         "trainee.")]})
    return [purpose for purpose in PURPOSES if purpose in given]


def withdrawn_by(purposes: Iterable[str]) -> list[str]:
    """What withdrawing `purposes` withdraws: `programme` takes every purpose with it."""
    asked = set(purposes)
    if not asked:
        raise ValidationFailed({"purposes": [Msg("Name at least one purpose to withdraw.")]})
    if PROGRAMME in asked:
        asked = set(PURPOSES)
    return [purpose for purpose in PURPOSES if purpose in asked]


def check_patch(consent: bool, *, held: bool) -> None:
    """`PATCH {"consent": false}` withdraws everything; `true` confirms a consent in force, but a withdrawn consent
    is not given back by a PATCH: the person agrees anew to the current text (a new registration of consent)."""
    if consent and not held:
        raise ValidationFailed({"consent": [Msg("A withdrawn consent is not given back by a change: the person must "
                                                "agree anew to the current consent text.")]})


#: What stays after a withdrawal, as codes an API client can match on (`remains_codes`).
RECORD_STAYS = "record_stays"
RECORD_UNTIL_ERASED = "record_until_erased"
REFERRALS_WITHDRAWN = "open_referrals_withdrawn"
REMAINS = (RECORD_STAYS, RECORD_UNTIL_ERASED, REFERRALS_WITHDRAWN)


def remaining(active: Iterable[str], referrals_withdrawn: int = 0) -> list[tuple[str, Msg]]:
    """What stays after a withdrawal and why (code, sentence): the record (the erasure is a separate, admin's
    step), and the open referrals withdrawn with sharing, if there were any."""
    if PROGRAMME in set(active):
        found = [(RECORD_STAYS, Msg("The person's record stays: they still take part in the programme."))]
    else:
        found = [(RECORD_UNTIL_ERASED, Msg(
            "The record, its enrolments and the figures already reported stay until an administrator erases "
            "the person's identifying data: the programme's reports and funders' "
            "audits are a legal obligation of their own (GDPR Art. 6(1)(c), 17(3)(b); KVKK Art. 5(2)(ç))."))]
    if referrals_withdrawn:
        found.append((REFERRALS_WITHDRAWN, Msg(
            "The person's open referrals were withdrawn ({count}): employers no longer receive them.",
            count=referrals_withdrawn)))
    return found


def remaining_note(active: Iterable[str], referrals_withdrawn: int = 0) -> str:
    """The English sentences of `remaining`, as one text."""
    return " ".join(str(message) for _code, message in remaining(active, referrals_withdrawn))
