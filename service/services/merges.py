"""Merging a duplicate registration into the person it is, and undoing it.

A merge moves the duplicate's enrolments, referrals, placements, follow-ups and documents (and its
national id, when the survivor has none) to the survivor, in one transaction, and keeps the duplicate
as merged (`merged_into_id`): hidden from lists, answered by a pointer to the survivor. The merge row
holds the ids of what moved, so that the undo moves exactly that back; records added to the survivor
since stay with it. Both are events naming both people, so the metrics consumer re-derives both
(a merged duplicate has no participation left: reach counts the person once).

The moves are bulk updates of `trainee_id` (the records themselves do not change, so their audit holds
no entry each); the merge's own audit entry holds every moved id.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.clock import utcnow
from service.db.models import Enrolment, FollowUp, Placement, Referral, Trainee, TraineeDocument, TraineeMerge
from service.domain import enrolments as enrolment_rules
from service.domain import events, referrals as referral_rules
from service.domain.errors import Conflict, NotFound, ValidationFailed
from service.domain.roles import Principal
from service.services.queries import get_scoped
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg

#: What moves, by the name `moved` keeps it under.
MOVED: dict[str, Any] = {"enrolments": Enrolment, "referrals": Referral, "placements": Placement,
                         "follow_ups": FollowUp, "documents": TraineeDocument}
NATIONAL_ID = "national_id"


def merge(uow: UnitOfWork, principal: Principal, survivor_id: uuid.UUID, duplicate_id: uuid.UUID) -> TraineeMerge:
    if survivor_id == duplicate_id:
        raise ValidationFailed({"duplicate_id": [Msg("A person cannot be merged into themselves.")]})
    with uow:
        session = uow.session
        survivor, duplicate = _locked(session, principal.organisation_id, survivor_id, duplicate_id)
        for trainee in (survivor, duplicate):
            if trainee.merged_into_id is not None:
                raise Conflict(Msg("Trainee {id} was merged into {merged_into_id} already.",
                                   id=trainee.id, merged_into_id=trainee.merged_into_id),
                               merged_into_id=str(trainee.merged_into_id))
        _refuse_two_open(session, Enrolment, Enrolment.project_id, enrolment_rules.ENROLLED, survivor.id,
                         duplicate.id, "project", Msg("Both have an open enrolment in project {id}: end one of them "
                         "(or correct the duplicate's) before merging."))
        _refuse_two_open(session, Referral, Referral.vacancy_id, referral_rules.OPEN_STATUSES, survivor.id,
                         duplicate.id, "vacancy", Msg("Both have an open referral to vacancy {id}: close one of them "
                         "before merging."))
        now = utcnow()
        moved: dict[str, list[str] | bool] = {}
        for name, model in MOVED.items():
            ids = list(session.scalars(select(model.id).where(model.trainee_id == duplicate.id).order_by(model.id)))
            if ids:
                session.execute(update(model).where(model.id.in_(ids))
                                .values(trainee_id=survivor.id, updated_at=now))
            moved[name] = [str(record_id) for record_id in ids]
        moved[NATIONAL_ID] = survivor.national_id_hash is None and duplicate.national_id_hash is not None
        if moved[NATIONAL_ID]:
            _move_national_id(session, duplicate, survivor)
        duplicate.merged_into_id = survivor.id
        record = TraineeMerge(organisation_id=principal.organisation_id, survivor_id=survivor.id,
                              duplicate_id=duplicate.id, moved=moved, merged_at=now, merged_by=principal.user_id)
        session.add(record)
        session.flush()
        uow.record(events.TraineeMerged(organisation_id=principal.organisation_id, merge_id=record.id,
                                        trainee_id=survivor.id, duplicate_id=duplicate.id))
        uow.commit()
        return record


def undo(uow: UnitOfWork, principal: Principal, merge_id: uuid.UUID) -> TraineeMerge:
    with uow:
        session = uow.session
        record = get_scoped(session, TraineeMerge, principal.organisation_id, merge_id, for_update=True,
                            label="Merge")
        if record.undone_at is not None:
            raise Conflict(Msg("This merge was undone already."))
        survivor, duplicate = _locked(session, principal.organisation_id, record.survivor_id, record.duplicate_id)
        if survivor.merged_into_id is not None:
            raise Conflict(Msg("The survivor was merged into {merged_into_id} since: undo that merge first.",
                               merged_into_id=survivor.merged_into_id),
                           merged_into_id=str(survivor.merged_into_id))
        now = utcnow()
        for name, model in MOVED.items():
            ids = [uuid.UUID(record_id) for record_id in record.moved.get(name, [])]
            if ids:  # what moved and is still the survivor's
                session.execute(update(model).where(model.id.in_(ids), model.trainee_id == survivor.id)
                                .values(trainee_id=duplicate.id, updated_at=now))
        if record.moved.get(NATIONAL_ID) and survivor.national_id_hash is not None:
            _move_national_id(session, survivor, duplicate)
        duplicate.merged_into_id = None
        record.undone_at, record.undone_by = now, principal.user_id
        session.flush()
        uow.record(events.TraineeMergeUndone(organisation_id=principal.organisation_id, merge_id=record.id,
                                             trainee_id=survivor.id, duplicate_id=duplicate.id))
        uow.commit()
        return record


def get(uow: UnitOfWork, principal: Principal, merge_id: uuid.UUID) -> TraineeMerge:
    with uow:
        return get_scoped(uow.session, TraineeMerge, principal.organisation_id, merge_id, label="Merge")


def _locked(session: Session, organisation_id: uuid.UUID, survivor_id: uuid.UUID,
            duplicate_id: uuid.UUID) -> tuple[Trainee, Trainee]:
    """Both people, locked in id order (two merges of the same pair in opposite directions cannot deadlock)."""
    found = {trainee.id: trainee for trainee in session.scalars(
        select(Trainee).where(Trainee.organisation_id == organisation_id,
                              Trainee.id.in_((survivor_id, duplicate_id)))
        .order_by(Trainee.id).with_for_update())}
    for trainee_id, field in ((survivor_id, "id"), (duplicate_id, "duplicate_id")):
        if trainee_id not in found:
            raise NotFound(Msg("Trainee {id} not found.", id=trainee_id), field=field)
    return found[survivor_id], found[duplicate_id]


def _refuse_two_open(session: Session, model, column, open_status, survivor_id: uuid.UUID,
                     duplicate_id: uuid.UUID, what: str, message: Msg) -> None:
    """The database allows one open enrolment per person and project (one open referral per vacancy):
    a merge that would make two is refused, naming the project (vacancy)."""
    statuses = (open_status,) if isinstance(open_status, str) else tuple(open_status)

    def open_of(trainee_id: uuid.UUID) -> set:
        return set(session.scalars(select(column).where(model.trainee_id == trainee_id,
                                                        model.status.in_(statuses))))

    both = sorted(open_of(survivor_id) & open_of(duplicate_id))
    if both:
        raise Conflict(Msg(message.msgid, id=both[0]), **{f"{what}_id": str(both[0])})


def _move_national_id(session: Session, source: Trainee, target: Trainee) -> None:
    """The national id from `source` to `target` (unique per organisation: cleared first)."""
    fingerprint, ciphertext = source.national_id_hash, source.national_id_ciphertext
    source.national_id_hash = source.national_id_ciphertext = None
    session.flush()
    target.national_id_hash, target.national_id_ciphertext = fingerprint, ciphertext
