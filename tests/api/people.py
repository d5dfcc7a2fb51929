"""Helpers of the matching, search and merge tests: people registered without a national id."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, update

from service.db.models import Trainee, TraineeDocument
from tests.api.helpers import register_trainee


def without_national_id(pathways, trainee_id: str) -> None:
    """Make a registered person one without any document (as registration with `no_document_reason` leaves
    them): name and birth date are all that can tell them apart."""
    with pathways.uow() as uow:
        uow.session.execute(delete(TraineeDocument).where(TraineeDocument.trainee_id == uuid.UUID(trainee_id)))
        uow.session.execute(update(Trainee).where(Trainee.id == uuid.UUID(trainee_id)).values(
            national_id_hash=None, national_id_ciphertext=None))
        uow.commit()


def register_undocumented(client, pathways, headers, **overrides) -> dict:
    trainee = register_trainee(client, headers, **overrides)
    without_national_id(pathways, trainee["id"])
    return trainee
