"""The guard rail on the minimum cell size (service.domain.cell_size)."""

import pytest

from service.domain import cell_size
from service.domain.errors import ValidationFailed


@pytest.mark.parametrize("changes, current, refused_field, settled", [
    ({"min_cell_size": 2, "min_cell_size_reason": "why"}, 5, "min_cell_size", None),
    ({"min_cell_size": 4}, 5, "min_cell_size_reason", None),
    ({"min_cell_size": 4, "min_cell_size_reason": "  "}, 5, "min_cell_size_reason", None),
    ({"min_cell_size": 4, "min_cell_size_reason": " Funder "}, 5, None, {"min_cell_size": 4,
                                                                        "min_cell_size_reason": "Funder"}),
    ({"min_cell_size": 7, "min_cell_size_reason": "ignored"}, 4, None, {"min_cell_size": 7,
                                                                       "min_cell_size_reason": None}),
    ({"min_cell_size": 2, "locale": "sv"}, 2, None, {"locale": "sv"}),  # set before the rail: kept as it is
    ({"locale": "sv"}, 1, None, {"locale": "sv"}),
])
def test_the_rail(changes, current, refused_field, settled):
    if refused_field:
        with pytest.raises(ValidationFailed) as refused:
            cell_size.settled(current, changes)
        assert list(refused.value.errors) == [refused_field]
    else:
        assert cell_size.settled(current, changes) == settled
