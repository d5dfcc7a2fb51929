"""The guard rail on the minimum cell size (issue 18, item 9): figures about fewer people than it are hidden.

It cannot go below `LOWEST`; below `SAFE` only with a reason, which is stored with the setting (and so in the
audit trail) and shown on the settings page. Organisations set below `LOWEST` before the rail keep their value
until an admin changes it: a new value must be `LOWEST` or more.
"""

from __future__ import annotations

from service.domain.errors import ValidationFailed
from service.domain.messages import Msg

LOWEST = 3
SAFE = 5
#: The longest reason kept.
REASON_LENGTH = 500

BELOW_LOWEST = Msg("The minimum cell size cannot be below {lowest}: figures about one or two people would let "
                   "readers recognise them.", lowest=LOWEST)
REASON_NEEDED = Msg("A minimum cell size below {safe} needs a reason: say why smaller figures must be shown.",
                    safe=SAFE)


def checked(size: int, reason: str | None) -> str | None:
    """The reason to store with a new minimum cell size (none from `SAFE` upwards); refused below `LOWEST`,
    and below `SAFE` without a reason."""
    reason = (reason or "").strip() or None
    if size < LOWEST:
        raise ValidationFailed({"min_cell_size": [BELOW_LOWEST]})
    if size < SAFE and reason is None:
        raise ValidationFailed({"min_cell_size_reason": [REASON_NEEDED]})
    return reason if size < SAFE else None


def settled(current: int, changes: dict) -> dict:
    """A settings change with the guard rail applied: a new minimum cell size (or a new reason) is `checked`
    and its reason stored beside it; the current size sent again without a reason (a form saving the other
    settings) changes neither, so an organisation set below the rail before it keeps its value."""
    if "min_cell_size" not in changes and "min_cell_size_reason" not in changes:
        return changes
    size = changes.get("min_cell_size", current)
    reason = (changes.get("min_cell_size_reason") or "").strip()
    if size == current and not reason:
        return {key: value for key, value in changes.items() if key not in ("min_cell_size", "min_cell_size_reason")}
    return changes | {"min_cell_size_reason": checked(size, reason)}
