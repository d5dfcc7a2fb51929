"""Registration rules: consent and a plausible birth date."""

import uuid
from datetime import date
from types import SimpleNamespace

import pytest

from service.domain.errors import ValidationFailed
from service.domain.trainees import categorical_facts, check_registration, updated_event

TODAY = date(2026, 11, 23)


def test_consent_and_a_past_birth_date_pass():
    check_registration(consent=True, birth_date=date(2000, 1, 1), today=TODAY)


@pytest.mark.parametrize("consent, birth, field", [
    (False, date(2000, 1, 1), "consent"),
    (True, date(2026, 11, 24), "birth_date"),
    (True, date(1890, 1, 1), "birth_date"),
])
def test_refusals_name_the_field(consent, birth, field):
    with pytest.raises(ValidationFailed) as error:
        check_registration(consent=consent, birth_date=birth, today=TODAY)
    assert field in error.value.errors


def test_a_change_of_citizenship_is_a_trainee_update_naming_it():
    trainee = SimpleNamespace(organisation_id=uuid.uuid4(), id=uuid.uuid4(), citizenship="SY", district="Konak",
                              education_level="tertiary", labour_status="unemployed", settlement_type="urban",
                              sex="female", vulnerable_groups=["refugee"])
    before = categorical_facts(trainee)
    assert updated_event(trainee, before) is None
    trainee.citizenship = "TR"
    assert updated_event(trainee, before).changed == ("citizenship",)
