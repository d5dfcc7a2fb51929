"""The WIOA and ILO indicator packs of `GET /metrics/indicators?framework=wioa|ilo`.

`PACKS[framework](session, request)` answers a `service.metrics.reports.Request` (organisation,
project, period, suppression) with the pack's figures, each split by sex.

Why from the records and not the metrics read model: the read model keeps one row per
participation with its facts at entry and exit, which is what reach, outcomes and ESF+ count.
These packs ask what happened to a person quarter by quarter after the final exit (a job
overlapping the second or fourth calendar quarter, the same employer in both, a wage observed in
a quarter) and about each job started (hours, contract, formality, hourly wage): job histories,
not facts of a participation. A few queries over one organisation's enrolments, placements and
follow-ups answer them exactly, and `pathways metrics verify` has nothing of theirs to reconcile.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from sqlalchemy.orm import Session

from service.domain.errors import ValidationFailed
from service.metrics.packs import ilo, wioa
from service.metrics.packs import labels as pack_labels
from service.domain.messages import Msg

Pack = Callable[[Session, object], dict]


def _split_by_sex_only(framework: str, pack: Pack) -> Pack:
    """The packs are split by sex, as their funders ask; a breakdown by= is refused (422), not ignored."""

    @wraps(pack)
    def answer(session: Session, request) -> dict:
        if request.by:
            raise ValidationFailed({"by": [Msg("The {framework} indicators are split by sex only; "
                                               "by= is not available for them.",
                                               framework=framework)]})
        return pack(session, request)

    return answer


PACKS: dict[str, Pack] = {module.FRAMEWORK: _split_by_sex_only(module.FRAMEWORK, module.pack)
                          for module in (wioa, ilo)}
#: Export labels (gettext msgids): every indicator of every pack; the other keys and values of the answers.
LABELS, COLUMNS, VALUES = pack_labels.INDICATORS, pack_labels.COLUMNS, pack_labels.VALUES
