"""National-id validation by scheme, and that error messages never echo the number."""

import pytest

from service.domain import national_ids


@pytest.mark.parametrize("scheme, value, canonical", [
    ("tr_tckn", "10000000146", "10000000146"),
    ("tr_tckn", " 100 000 001 46 ", "10000000146"),
    ("se_personnummer", "880320-0016", "198803200016"),
    ("se_personnummer", "8803200016", "198803200016"),
    ("se_personnummer", "19880320-0016", "198803200016"),
    ("generic", " ab 12-34 ", "AB12-34"),
])
def test_valid_numbers_are_normalised(scheme, value, canonical):
    assert national_ids.normalise(scheme, value) == canonical


@pytest.mark.parametrize("scheme, value", [
    ("tr_tckn", "10000000147"),      # wrong check digits
    ("tr_tckn", "00000000146"),      # leading zero
    ("tr_tckn", "1234"),
    ("se_personnummer", "880320-0017"),  # Luhn
    ("co_cc", "0213123432"),           # a cédula does not begin with 0
    ("gt_cui", "2131234320101"),       # check digit
    ("generic", "x" * 40),
    ("generic", "ab\x00cd"),
    ("tr_tckn", "   "),
])
def test_invalid_numbers_are_refused_without_echoing_them(scheme, value):
    with pytest.raises(ValueError) as error:
        national_ids.normalise(scheme, value)
    assert value.strip() not in str(error.value) or not value.strip()


@pytest.mark.parametrize("country, scheme", [("TR", "tr_tckn"), ("se", "se_personnummer"),
                                             ("CO", "co_cc"), ("GT", "gt_cui"), ("DE", "generic")])
def test_default_scheme_follows_the_country(country, scheme):
    assert national_ids.default_scheme(country) == scheme
