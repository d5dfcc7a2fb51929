"""Registering and maintaining trainees; national ids stay inside the vault."""

from __future__ import annotations

import uuid

from sqlalchemy import String, cast, select
from sqlalchemy.exc import IntegrityError

from service import clock
from service.clock import utcnow
from service.db.models import Enrolment, Trainee, TraineeDocument
from service.domain import consent as consent_rules
from service.domain import enrolments as enrolment_rules
from service.domain import trainees as rules
from service.domain.roles import CASEWORK_WRITERS, Principal
from service.services import consent, documents, groups, matching
from service.services.pii import NationalIdVault
from service.services.queries import filter_by, get_scoped, own_organisation, page
from service.services.unit_of_work import UnitOfWork


def register(uow: UnitOfWork, principal: Principal, data: dict, vault: NationalIdVault) -> Trainee:
    data = dict(data)
    not_duplicate_of = data.pop("not_duplicate_of", ())
    confirm_sex_mismatch = data.pop("confirm_sex_mismatch", False)
    consent_purposes, consent_language = data.pop("consent_purposes", None), data.pop("consent_language", None)
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        groups.check(uow.session, organisation.id, data.get("vulnerable_groups", ()))
        rules.check_registration(consent=data["consent"], birth_date=data["birth_date"],
                                 today=clock.today(organisation.time_zone))
        checked = documents.check(organisation, documents.submitted(data, organisation.national_id_scheme),
                                  no_document_reason=data.get("no_document_reason"), birth_date=data["birth_date"],
                                  sex=data["sex"], confirm_sex_mismatch=confirm_sex_mismatch)
        held = documents.sealed(vault, organisation.id, checked)
        fingerprints = documents.lookup_fingerprints(vault, organisation.id, checked)
        documents.refuse_held(uow.session, organisation.id, fingerprints)
        distinct = matching.refuse_likely_duplicates(uow.session, organisation.id, data,
                                                     has_national_id=any(
                                                         d.type == organisation.national_id_scheme for d in held),
                                                     not_duplicate_of=not_duplicate_of)
        trainee = Trainee(organisation_id=organisation.id, documents=held, consent_at=utcnow(), **data)
        documents.mirror_national_id(trainee, organisation.national_id_scheme)
        uow.session.add(trainee)
        try:
            uow.session.flush()
        except IntegrityError:
            # A concurrent registration of the same person (or number) won the race.
            uow.rollback()
            documents.refuse_held(uow.session, organisation.id, fingerprints)
            raise
        matching.record_distinct(uow.session, organisation.id, trainee.id, distinct, principal.user_id)
        consent.record_given(uow.session, principal, trainee, consent_purposes, consent_language)
        uow.record(rules.registered_event(trainee))
        uow.commit()
        return trainee


def update(uow: UnitOfWork, principal: Principal, trainee_id: uuid.UUID, changes: dict,
           vault: NationalIdVault | None = None) -> Trainee:
    changes = dict(changes)
    confirm_sex_mismatch = changes.pop("confirm_sex_mismatch", False)
    consent_given = changes.pop("consent", None)
    with uow:
        trainee = get_scoped(uow.session, Trainee, principal.organisation_id, trainee_id, label="Trainee")
        if consent_given is not None:  # false withdraws every purpose; true only confirms a consent in force
            consent_rules.check_patch(consent_given, held=trainee.consent)
            if not consent_given:
                consent.withdraw_for(uow.session, principal, trainee, consent_rules.PURPOSES)
        if "sex" in changes and changes["sex"] != trainee.sex and vault is not None:
            documents.refuse_contradicted_sex(trainee, changes["sex"], confirm_sex_mismatch, vault)
        if "vulnerable_groups" in changes:  # a retired group the person has stays; none is given anew
            groups.check(uow.session, trainee.organisation_id, changes["vulnerable_groups"],
                         held=trainee.vulnerable_groups or ())
        before = rules.categorical_facts(trainee)
        changed = {key for key, value in changes.items() if getattr(trainee, key) != value}
        for key, value in changes.items():
            setattr(trainee, key, value)
        feeds = groups.feeds(uow.session, trainee.organisation_id) if "vulnerable_groups" in changed else None
        # The open participations hold the person as now; closed ones keep the person as at entry.
        for enrolment in uow.session.scalars(select(Enrolment).where(
                Enrolment.trainee_id == trainee.id, Enrolment.status == enrolment_rules.ENROLLED)):
            enrolment_rules.follow_person(enrolment, trainee, changed, feeds=feeds)
        if (event := rules.updated_event(trainee, before)) is not None:  # only these facts matter downstream
            uow.record(event)
        uow.commit()
        return trainee


def get(uow: UnitOfWork, principal: Principal, trainee_id: uuid.UUID) -> Trainee:
    with uow:
        return get_scoped(uow.session, Trainee, principal.organisation_id, trainee_id, label="Trainee")


def list_(uow: UnitOfWork, principal: Principal, args: dict,
          vault: NationalIdVault | None = None) -> tuple[list[Trainee], str | None]:
    stmt = matching.visible(select(Trainee).where(Trainee.organisation_id == principal.organisation_id))
    stmt = matching.name_search(stmt, args.get("q"))
    stmt = filter_by(stmt, Trainee, args, equal=("sex", "district", "settlement_type"))
    if args.get("project_id"):
        stmt = stmt.where(Trainee.id.in_(select(Enrolment.trainee_id).where(
            Enrolment.organisation_id == principal.organisation_id,
            Enrolment.project_id == args["project_id"])))
    if args.get("vulnerable_group"):
        # Group keys are identifiers (lower case, digits, underscores), so matching the quoted key in the
        # JSON text is exact and works alike on PostgreSQL and SQLite.
        stmt = stmt.where(cast(Trainee.vulnerable_groups, String).like(f'%"{args["vulnerable_group"]}"%'))
    with uow:
        if args.get("vulnerable_group"):
            groups.check_filter(uow.session, principal.organisation_id, args["vulnerable_group"])
        if args.get("document") or args.get("document_type"):
            stmt = _holding(uow, principal, stmt, args, vault)
        return page(uow.session, stmt, Trainee, limit=args["limit"], cursor=args.get("cursor"))


def _holding(uow: UnitOfWork, principal: Principal, stmt, args: dict, vault: NationalIdVault | None):
    """People holding the number (through its keyed hash) or a document of the type. Who holds which
    number is for the people who register them: managers read the programme, not identities."""
    held = select(TraineeDocument.trainee_id).where(TraineeDocument.organisation_id == principal.organisation_id)
    if args.get("document_type"):
        held = held.where(TraineeDocument.type == args["document_type"])
    if args.get("document"):
        principal.require(CASEWORK_WRITERS)
        assert vault is not None, "a search by number needs the vault"
        organisation = own_organisation(uow.session, principal.organisation_id)
        held = held.where(TraineeDocument.number_hash.in_(
            documents.fingerprints_of(organisation, vault, args["document"], args.get("document_type"))))
    return stmt.where(Trainee.id.in_(held))
