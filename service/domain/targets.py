"""Share targets: a minimum or maximum share of reached people in one category."""

from __future__ import annotations

from service.domain import people
from service.domain.messages import Msg

#: Dimensions a share target (and later a metrics breakdown) may name, with their values.
DIMENSIONS: dict[str, tuple[str, ...] | None] = {
    "sex": people.SEXES,
    "age_band": tuple(label for label, _, _ in people.AGE_BANDS),
    # The organisation's own vocabulary (service.services.groups.check_targets checks the keys).
    "vulnerable_group": None,
    "settlement_type": people.SETTLEMENT_TYPES,
    "labour_status": people.LABOUR_STATUSES,
    "education_level": people.EDUCATION_LEVELS,
    "district": None,  # free text: any value
}


def share_target_errors(target: dict) -> list[str]:
    """Messages for what is wrong with one share target (empty when it is valid)."""
    dimension = target.get("dimension")
    if not isinstance(dimension, str) or dimension not in DIMENSIONS:
        return [Msg("Unknown dimension; expected one of {choices}.", choices=", ".join(DIMENSIONS))]
    allowed = DIMENSIONS[dimension]
    values = target["value"] if isinstance(target["value"], list) else [target["value"]]
    errors: list[str] = []
    if allowed is not None:
        unknown = [v for v in values if v not in allowed]
        if unknown:
            errors.append(Msg("Unknown value(s) for {dimension}: {unknown}.", dimension=dimension,
                              unknown=", ".join(map(str, unknown))))
    low, high = target.get("min_share"), target.get("max_share")
    if low is None and high is None:
        errors.append(Msg("Give min_share, max_share or both."))
    if low is not None and high is not None and low > high:
        errors.append(Msg("min_share is above max_share."))
    return errors
