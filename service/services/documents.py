"""People's identity documents: numbers go into the vault (keyed hash, ciphertext), never out of it.

One number is held once in an organisation, whatever its type and whoever holds it: the per-organisation
fingerprint is of the canonical number alone, so a registration or an added document that repeats one
is refused with the holder's id, and `GET /trainees?document=` finds its holder by one indexed look-up.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.db.models import Organisation, Trainee, TraineeDocument
from service.domain import national_ids
from service.domain.documents import rules
from service.domain.documents.catalogue import document_type
from service.domain.documents.rules import Checked, Submitted
from service.domain.errors import Conflict, NotFound, ValidationFailed
from service.domain.roles import Principal
from service.services.pii import NationalIdVault
from service.services.queries import get_scoped, own_organisation
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg, message_of

HELD_ALREADY = Msg("A trainee with this identity number is registered already.")


def submitted(data: dict, primary: str) -> list[Submitted]:
    """The request's documents (popped from `data`), `national_id` first as a document of the primary type."""
    found = []
    national_id = data.pop("national_id", None)
    if national_id is not None:
        found.append(Submitted("national_id", primary, national_id, shorthand=True))
    for index, document in enumerate(data.pop("documents", None) or []):
        found.append(Submitted(f"documents.{index}", document["type"], document["number"],
                               document.get("issuing_country")))
    return found


def check(organisation: Organisation, entries: list[Submitted], *, no_document_reason: str | None, birth_date,
          sex: str, confirm_sex_mismatch: bool) -> list[Checked]:
    return rules.check(entries, country=organisation.country, primary=organisation.national_id_scheme,
                       no_document_reason=no_document_reason, birth_date=birth_date, sex=sex,
                       confirm_sex_mismatch=confirm_sex_mismatch)


def refuse_held(session: Session, organisation_id: uuid.UUID, fingerprints: list[str]) -> None:
    """409 with the holder's id when any of these numbers is held in the organisation already."""
    if not fingerprints:
        return
    holder = session.scalar(select(TraineeDocument.trainee_id).where(
        TraineeDocument.organisation_id == organisation_id, TraineeDocument.number_hash.in_(fingerprints)).limit(1))
    if holder is None:  # a national id is always a document too; this is the table's own constraint's ground
        holder = session.scalar(select(Trainee.id).where(
            Trainee.organisation_id == organisation_id, Trainee.national_id_hash.in_(fingerprints)).limit(1))
    if holder is not None:
        raise Conflict(HELD_ALREADY, existing_trainee_id=str(holder))


def sealed(vault: NationalIdVault, organisation_id: uuid.UUID, checked: list[Checked]) -> list[TraineeDocument]:
    """Unsaved document rows (no trainee yet): the numbers only as fingerprint and ciphertext."""
    return [TraineeDocument(organisation_id=organisation_id, type=document.type,
                            issuing_country=document.issuing_country,
                            number_hash=vault.fingerprint(organisation_id, document.number),
                            number_ciphertext=vault.encrypt(organisation_id, document.number))
            for document in checked]


def mirror_national_id(trainee: Trainee, primary: str) -> None:
    """The trainee's national id columns hold its first document of the primary type, or nothing."""
    first = next((d for d in trainee.documents if d.type == primary), None)
    trainee.national_id_hash = first.number_hash if first else None
    trainee.national_id_ciphertext = first.number_ciphertext if first else None


def add(uow: UnitOfWork, principal: Principal, trainee_id: uuid.UUID, body: dict,
        vault: NationalIdVault) -> TraineeDocument:
    """A further document of a registered person (checked as at registration); it clears any
    no-document reason."""
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        trainee = get_scoped(uow.session, Trainee, organisation.id, trainee_id, for_update=True, label="Trainee")
        entry = Submitted("documents.0", body["type"], body["number"], body.get("issuing_country"))
        try:
            checked = check(organisation, [entry], no_document_reason=None, birth_date=trainee.birth_date,
                            sex=trainee.sex, confirm_sex_mismatch=body.get("confirm_sex_mismatch", False))
        except ValidationFailed as error:  # the body is one document: its fields are named plainly
            raise ValidationFailed({key.removeprefix("documents.0."): value
                                    for key, value in error.errors.items()}) from None
        (document,) = sealed(vault, organisation.id, checked)
        refuse_held(uow.session, organisation.id, lookup_fingerprints(vault, organisation.id, checked))
        trainee.documents.append(document)
        trainee.no_document_reason = None
        mirror_national_id(trainee, organisation.national_id_scheme)
        try:
            uow.session.flush()
        except IntegrityError:  # a concurrent registration took the number
            uow.rollback()
            refuse_held(uow.session, organisation.id, [document.number_hash])
            raise
        uow.commit()
        return document


def remove(uow: UnitOfWork, principal: Principal, trainee_id: uuid.UUID, document_id: uuid.UUID,
           no_document_reason: str | None) -> None:
    """Removes a document (one recorded by mistake). The last one goes only with a reason to hold none."""
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        trainee = get_scoped(uow.session, Trainee, organisation.id, trainee_id, for_update=True, label="Trainee")
        document = next((d for d in trainee.documents if d.id == document_id), None)
        if document is None:
            raise NotFound(Msg("Document not found."))
        last = len(trainee.documents) == 1
        if last and no_document_reason is None:
            raise ValidationFailed({"no_document_reason": [
                Msg("Required to remove the person's last document: why they hold none.")]})
        if not last and no_document_reason is not None:
            raise ValidationFailed({"no_document_reason": [Msg("Only when the last document is removed.")]})
        trainee.documents.remove(document)
        uow.session.delete(document)
        trainee.no_document_reason = no_document_reason
        mirror_national_id(trainee, organisation.national_id_scheme)
        uow.commit()


def refuse_contradicted_sex(trainee: Trainee, sex: str, confirmed: bool, vault: NationalIdVault) -> None:
    """A change of sex that a document's sex digit contradicts asks for confirmation, as a registration does."""
    if confirmed:
        return
    for index, document in enumerate(trainee.documents):
        kind = document_type(document.type)
        if kind is None or kind.sex is None:
            continue
        problem = rules.sex_problem(kind, vault.decrypt(trainee.organisation_id, document.number_ciphertext), sex,
                                    f"documents.{index}")
        if problem is not None:
            raise ValidationFailed({"sex": [problem]})


def fingerprints_of(organisation: Organisation, vault: NationalIdVault, number: str,
                    type_: str | None) -> list[str]:
    """Every fingerprint `number` may be stored under: its canonical spelling under the named type, or
    under each type the organisation takes that accepts it (a 10-digit personnummer is stored with its
    century), and as written. 422 when the named type refuses it."""
    if type_ is not None:
        if type_ not in rules.accepted_types(organisation.country, organisation.national_id_scheme):
            raise ValidationFailed({"document_type": [Msg("Not a document type of this organisation.")]})
        try:
            spellings = {national_ids.normalise(type_, number)}
        except ValueError as error:
            raise ValidationFailed({"document": [message_of(error)]}) from None
    else:
        spellings = set()
        for name in rules.accepted_types(organisation.country, organisation.national_id_scheme):
            try:
                spellings.add(national_ids.normalise(name, number))
            except ValueError:
                continue
        spellings.add("".join(number.split()).upper())
    return sorted(found for spelling in spellings for found in vault.fingerprints(organisation.id, spelling))


def lookup_fingerprints(vault: NationalIdVault, organisation_id: uuid.UUID, checked: list[Checked]) -> list[str]:
    """The fingerprints to look the checked numbers up by: under every configured hash key (while keys
    rotate a number may still be stored under the old one)."""
    return [found for document in checked for found in vault.fingerprints(organisation_id, document.number)]


def label(type_: str) -> str:
    kind = document_type(type_)
    return kind.label if kind else type_
