"""Registration rules: consent and a plausible birth date."""

from datetime import date

import pytest

from service.domain.errors import ValidationFailed
from service.domain.trainees import check_registration

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
