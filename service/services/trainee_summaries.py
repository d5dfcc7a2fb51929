"""The minimal view of trainees that referrals and placements carry (SPEC section 1)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import Cohort, Enrolment, Trainee


def attach(session: Session, records: list) -> list:
    """Set `record.trainee` to a summary: given name, family-name initial, latest cohort and occupation."""
    ids = {record.trainee_id for record in records}
    summaries = _summaries(session, ids) if ids else {}
    for record in records:
        record.trainee = summaries.get(record.trainee_id)
    return records


def _summaries(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, dict]:
    names = session.execute(select(Trainee.id, Trainee.given_name, Trainee.family_name)
                            .where(Trainee.id.in_(ids))).all()
    cohorts = session.execute(
        select(Enrolment.trainee_id, Cohort.name, Cohort.occupation)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.trainee_id.in_(ids))
        .order_by(Enrolment.enrolled_on, Enrolment.id)).all()
    latest = {trainee_id: (name, occupation) for trainee_id, name, occupation in cohorts}
    return {
        trainee_id: {
            "given_name": given,
            "family_name_initial": family[:1] + "." if family else "",
            "cohort": latest.get(trainee_id, (None, None))[0],
            "occupation": latest.get(trainee_id, (None, None))[1],
        }
        for trainee_id, given, family in names
    }
