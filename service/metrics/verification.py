"""`pathways metrics verify`: the read model against a recomputation from the records.

Every figure is a function of the read-model rows, so equal rows mean equal figures;
comparing rows also says which person is off and in what, which a figure cannot. The
rollups (pre-aggregated figures) are compared with a fresh scan of the rows as well.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db.models import AuditEntry
from service.domain.enrolments import CORRECTION_ACTION
from service.metrics import projection, rollups


@dataclass(frozen=True)
class Difference:
    trainee_id: uuid.UUID | None  # None: a rollup's cell
    detail: str


def verify(session: Session, organisation_id: uuid.UUID) -> tuple[int, list[Difference]]:
    """(trainees checked, differences) for one organisation."""
    checked, differences = 0, []
    for chunk in projection.trainee_chunks(session, organisation_id):
        expected, actual = projection.derive(session, chunk), projection.stored(session, chunk)
        checked += len(chunk)
        differences.extend(Difference(trainee_id, _describe(expected.get(trainee_id), actual.get(trainee_id)))
                           for trainee_id in chunk if expected.get(trainee_id) != actual.get(trainee_id))
    differences.extend(Difference(trainee_id, "in the read model but not in the records")
                       for trainee_id in projection.orphans(session, organisation_id))
    differences.extend(Difference(None, detail) for detail in rollups.differences(session, organisation_id))
    return checked, differences


def entry_corrections(session: Session, organisation_id: uuid.UUID) -> int:
    """How many corrections of values at entry the audit holds: each changed a closed participation's
    figures on purpose (a report of last year may differ from the one sent then, and this says why)."""
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.organisation_id == organisation_id, AuditEntry.action == CORRECTION_ACTION))


def _describe(expected, actual) -> str:
    if actual is None:
        return "missing from the read model"
    (want_person, want_rows), (have_person, have_rows) = expected, actual
    if want_person != have_person:
        fields = [k for k, v in asdict(want_person).items() if asdict(have_person)[k] != v]
        return f"participant differs in {', '.join(fields)}"
    wanted = {row.enrolment_id: row for row in want_rows}
    have = {row.enrolment_id: row for row in have_rows}
    if wanted.keys() != have.keys():
        return f"{len(wanted.keys() - have.keys())} enrolment(s) missing, {len(have.keys() - wanted.keys())} extra"
    for enrolment_id, row in wanted.items():
        if have[enrolment_id] != row:
            fields = [k for k, v in asdict(row).items() if getattr(have[enrolment_id], k) != v]
            return f"enrolment {enrolment_id} differs in {', '.join(fields)}"
    return "differs"
