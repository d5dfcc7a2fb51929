"""Registering and maintaining trainees; national ids stay inside the vault."""

from __future__ import annotations

import uuid

from sqlalchemy import String, cast, select
from sqlalchemy.exc import IntegrityError

from service.clock import today, utcnow
from service.db.models import Enrolment, Trainee
from service.domain import enrolments as enrolment_rules
from service.domain import national_ids
from service.domain import trainees as rules
from service.domain.errors import Conflict, ValidationFailed
from service.domain.roles import Principal
from service.services.pii import NationalIdVault
from service.services.queries import filter_by, get_scoped, own_organisation, page
from service.services.unit_of_work import UnitOfWork


def register(uow: UnitOfWork, principal: Principal, data: dict, vault: NationalIdVault) -> Trainee:
    data = dict(data)
    raw_national_id = data.pop("national_id")
    rules.check_registration(consent=data["consent"], birth_date=data["birth_date"], today=today())
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        try:
            national_id = national_ids.normalise(organisation.national_id_scheme, raw_national_id)
        except ValueError as error:
            raise ValidationFailed({"national_id": [str(error)]}) from None
        fingerprint = vault.fingerprint(organisation.id, national_id)
        _refuse_duplicate(uow, organisation.id, fingerprint)
        trainee = Trainee(
            organisation_id=organisation.id, national_id_hash=fingerprint,
            national_id_ciphertext=vault.encrypt(organisation.id, national_id),
            consent_at=utcnow(), **data)
        uow.session.add(trainee)
        try:
            uow.session.flush()
        except IntegrityError:
            # A concurrent registration of the same person won the race.
            uow.rollback()
            _refuse_duplicate(uow, organisation.id, fingerprint)
            raise
        uow.record(rules.registered_event(trainee))
        uow.commit()
        return trainee


def _refuse_duplicate(uow: UnitOfWork, organisation_id: uuid.UUID, fingerprint: str) -> None:
    stmt = select(Trainee.id).where(Trainee.organisation_id == organisation_id,
                                    Trainee.national_id_hash == fingerprint)
    existing = uow.session.scalar(stmt)
    if existing is not None:
        raise Conflict("A trainee with this national id is registered already.",
                       existing_trainee_id=str(existing))


def update(uow: UnitOfWork, principal: Principal, trainee_id: uuid.UUID, changes: dict) -> Trainee:
    with uow:
        trainee = get_scoped(uow.session, Trainee, principal.organisation_id, trainee_id, label="Trainee")
        before = rules.categorical_facts(trainee)
        changed = {key for key, value in changes.items() if getattr(trainee, key) != value}
        for key, value in changes.items():
            setattr(trainee, key, value)
        # The open participations hold the person as now; closed ones keep the person as at entry.
        for enrolment in uow.session.scalars(select(Enrolment).where(
                Enrolment.trainee_id == trainee.id, Enrolment.status == enrolment_rules.ENROLLED)):
            enrolment_rules.follow_person(enrolment, trainee, changed)
        if (event := rules.updated_event(trainee, before)) is not None:  # only these facts matter downstream
            uow.record(event)
        uow.commit()
        return trainee


def get(uow: UnitOfWork, principal: Principal, trainee_id: uuid.UUID) -> Trainee:
    with uow:
        return get_scoped(uow.session, Trainee, principal.organisation_id, trainee_id, label="Trainee")


def list_(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[list[Trainee], str | None]:
    stmt = select(Trainee).where(Trainee.organisation_id == principal.organisation_id)
    stmt = filter_by(stmt, Trainee, args, equal=("sex", "district", "settlement_type"))
    if args.get("project_id"):
        stmt = stmt.where(Trainee.id.in_(select(Enrolment.trainee_id).where(
            Enrolment.organisation_id == principal.organisation_id,
            Enrolment.project_id == args["project_id"])))
    if args.get("vulnerable_group"):
        # Group names are fixed identifiers, so matching the quoted name in the JSON text
        # is exact and works alike on PostgreSQL and SQLite.
        stmt = stmt.where(cast(Trainee.vulnerable_groups, String).like(f'%"{args["vulnerable_group"]}"%'))
    with uow:
        return page(uow.session, stmt, Trainee, limit=args["limit"], cursor=args.get("cursor"))
