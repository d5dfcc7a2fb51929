"""The consent rules (service.domain.consent): programme is required to register; withdrawing programme withdraws
every purpose; a withdrawn consent is not given back by a PATCH."""

from __future__ import annotations

import pytest

from service.domain import consent
from service.domain.errors import ValidationFailed


def test_what_is_given_and_what_a_withdrawal_takes():
    assert consent.check_given(["employer_sharing", "programme"]) == ["programme", "employer_sharing"]
    with pytest.raises(ValidationFailed) as refused:
        consent.check_given(["follow_up_contact"])
    assert "consent_purposes" in refused.value.errors
    assert consent.withdrawn_by(["follow_up_contact"]) == ["follow_up_contact"]
    assert consent.withdrawn_by(["programme"]) == list(consent.PURPOSES)
    with pytest.raises(ValidationFailed):
        consent.withdrawn_by([])
    consent.check_patch(True, held=True)
    consent.check_patch(False, held=False)
    with pytest.raises(ValidationFailed):
        consent.check_patch(True, held=False)
    assert "stays" in consent.remaining_note(["programme"]) and "erase" in consent.remaining_note([])
