"""Rebuilding an organisation's metrics read model from the records: `pathways metrics rebuild`, and the
metrics consumer for an organisation marked `rebuild_needed` (migration 0009 empties the read model).

Chunk by chunk, each in its own transaction, so it is safe while consumers run: a refresh and a
rebuild of the same trainee serialise on the trainee's lock, and each writes what the records say.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import select, update

from service.db.models import MetricState
from service.metrics import projection, rollups
from service.services import milestones
from service.services.unit_of_work import UnitOfWork


class UnitsOfWork(Protocol):
    def uow(self) -> UnitOfWork: ...


def rebuild(pathways: UnitsOfWork, organisation_id: uuid.UUID) -> int:
    """Chunk by chunk, the rollups dropped first and made again last; then `as_of` is the newest event
    written, the organisation's rebuild mark is cleared, and the milestones consumer's reach counts are
    recounted from the enrolments. Returns how many trainees were rebuilt."""
    written = 0
    with pathways.uow() as uow:
        rollups.drop(uow.session, organisation_id)
        uow.commit()
    with pathways.uow() as uow:
        chunks = list(projection.trainee_chunks(uow.session, organisation_id))
    for chunk in chunks:
        with pathways.uow() as uow:
            written += projection.rebuild_chunk(uow.session, organisation_id, chunk)
            uow.commit()
    with pathways.uow() as uow:
        projection.remove_orphans(uow.session, organisation_id)
        newest = projection.newest_event(uow.session, organisation_id)
        if newest is not None:
            projection.advance_as_of(uow.session, organisation_id, newest)
        uow.session.execute(update(MetricState).where(MetricState.organisation_id == organisation_id)
                            .values(rebuild_needed=False))
        uow.commit()
    with pathways.uow() as uow:  # from the rebuilt rows (a large organisation's; service.metrics.rollups)
        rollups.ensure(uow.session, organisation_id)
        uow.commit()
    with pathways.uow() as uow:  # the milestones' reach counts too, announcing any missed milestone
        milestones.rebuild_reach(uow, organisation_id)
        uow.commit()
    return written


def awaiting_rebuild(pathways: UnitsOfWork) -> list[uuid.UUID]:
    """The organisations whose read model is marked to be rebuilt."""
    with pathways.uow() as uow:
        return list(uow.session.scalars(select(MetricState.organisation_id).where(MetricState.rebuild_needed)
                                        .order_by(MetricState.organisation_id)))
