"""Share targets name a known dimension, known categories and a share bound."""

import pytest

from service.domain.targets import share_target_errors


@pytest.mark.parametrize("target", [
    {"dimension": "sex", "value": "female", "min_share": 0.4},
    {"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.3},
    {"dimension": "settlement_type", "value": "rural", "min_share": 0.2, "max_share": 0.8},
    {"dimension": "district", "value": "Buca", "max_share": 0.5},
])
def test_valid_targets(target):
    assert share_target_errors(target) == []


@pytest.mark.parametrize("target, fragment", [
    ({"dimension": "height", "value": "tall", "min_share": 0.1}, "Unknown dimension"),
    ({"dimension": "sex", "value": "woman", "min_share": 0.1}, "Unknown value"),
    ({"dimension": "sex", "value": "female"}, "min_share, max_share"),
    ({"dimension": "sex", "value": "female", "min_share": 0.6, "max_share": 0.5}, "above"),
])
def test_invalid_targets_say_why(target, fragment):
    assert any(fragment in message for message in share_target_errors(target))
