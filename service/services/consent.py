"""Consent texts (versioned per organisation and language) and each person's consent per purpose: recorded at
registration, shown, withdrawn (service.domain.consent). What a withdrawal stops is read through `withheld`:
the worklist (service.services.caseload), the employer's pages (service.services.employer_desk) and referrals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from service import translations
from service.clock import utcnow
from service.db.models import ConsentText, Referral, Trainee, TraineeConsent
from service.domain import consent as rules
from service.domain import referrals as referral_rules
from service.domain.errors import ValidationFailed
from service.domain.messages import Msg
from service.domain.roles import Principal
from service.services.queries import get_scoped, own_organisation
from service.services.unit_of_work import UnitOfWork
from service.translations import N_

#: The default consent text (version 0), for an organisation that never published its own; `%(organisation)s`
#: is its name. Plain words for each purpose, what withdrawing does, and what stays (GDPR Art. 7, 9(2)(a);
#: KVKK Art. 5, 6): translated in the consent domain.
DEFAULT_TEXT = N_(
    "I agree that %(organisation)s records my name, date of birth, contact details, identity documents and what I "
    "tell it about my education, work and circumstances, including, if I choose to say so, a disability, an "
    "ethnic group or refugee status. For each purpose I agree to separately: (1) the programme: to support me in "
    "training and finding work, and to report on the programme without my name; (2) follow-up contact: to call "
    "or write to me after I leave the programme to ask whether I have work; (3) sharing with employers: to "
    "propose me for jobs, so that an employer sees my name and my referral. I can see my data, have it "
    "corrected, and withdraw any of these consents at any time by telling my caseworker. Withdrawing stops that "
    "use from then on; it does not undo what was done before, and the figures already reported without my name "
    "stay.")


@dataclass
class Text:
    """A consent text as the API answers it (a published version or the default one)."""

    version: int
    language: str
    text: str
    purposes: list[str]
    published_at: datetime | None = None
    published_by: uuid.UUID | None = None
    default: bool = False


@dataclass
class PersonConsent:
    """A person's consent: which version, when, by whom, and each purpose given, refused or withdrawn."""

    trainee_id: uuid.UUID
    version: int
    language: str | None
    given_at: datetime
    given_by: uuid.UUID | None
    purposes: list[str]  # active now
    withdrawn: list[str] = field(default_factory=list)
    withdrawn_at: datetime | None = None
    recorded: bool = True  # False: registered before consent was versioned (default text, every purpose)
    remains: str | None = None
    remains_codes: list[str] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)  # the sentences of `remains`, to translate on a page


def default_text(language: str, organisation_name: str) -> Text:
    return Text(version=rules.DEFAULT_VERSION, language=language, purposes=list(rules.PURPOSES), default=True,
                text=translations.translate(language, DEFAULT_TEXT) % {"organisation": organisation_name})


def _latest_version(session: Session, organisation_id: uuid.UUID) -> int:
    return session.scalar(select(func.max(ConsentText.version)).where(
        ConsentText.organisation_id == organisation_id)) or rules.DEFAULT_VERSION


def current_text(session: Session, organisation_id: uuid.UUID, language: str) -> Text:
    """The organisation's latest version in `language`, else in any language of it (the first by code), else the
    default text in `language`."""
    organisation = own_organisation(session, organisation_id)
    version = _latest_version(session, organisation_id)
    if version == rules.DEFAULT_VERSION:
        return default_text(language, organisation.name)
    rows = session.scalars(select(ConsentText).where(ConsentText.organisation_id == organisation_id,
                                                     ConsentText.version == version)
                           .order_by(ConsentText.language)).all()
    chosen = next((row for row in rows if row.language == language), rows[0])
    return _text(chosen)


def _text(row: ConsentText) -> Text:
    return Text(version=row.version, language=row.language, text=row.text, purposes=list(row.purposes),
                published_at=row.published_at, published_by=row.published_by)


def text_of(uow: UnitOfWork, principal: Principal, held: PersonConsent, language: str) -> Text:
    """The text the person agreed to: their version in the language it was read in (the default text, for version
    0, in `language` when none is known)."""
    with uow:
        if held.version != rules.DEFAULT_VERSION:
            row = uow.session.scalar(select(ConsentText).where(
                ConsentText.organisation_id == principal.organisation_id, ConsentText.version == held.version,
                ConsentText.language == held.language))
            if row is not None:
                return _text(row)
        organisation = own_organisation(uow.session, principal.organisation_id)
        return default_text(held.language or language, organisation.name)


def text_for(uow: UnitOfWork, principal: Principal, language: str) -> Text:
    """The text a registration records now, in `language` (the registration page reads it to the person)."""
    with uow:
        return current_text(uow.session, principal.organisation_id, language)


def texts(uow: UnitOfWork, principal: Principal, language: str) -> dict:
    """The published versions (latest first) and the current text in `language`."""
    with uow:
        rows = uow.session.scalars(select(ConsentText).where(
            ConsentText.organisation_id == principal.organisation_id)
            .order_by(ConsentText.version.desc(), ConsentText.language)).all()
        return {"current": current_text(uow.session, principal.organisation_id, language),
                "items": [_text(row) for row in rows]}


def publish(uow: UnitOfWork, principal: Principal, data: dict) -> list[Text]:
    """A new version: its text in each language given, asking for the purposes given (`programme` always)."""
    purposes = rules.check_given(data.get("purposes") or rules.PURPOSES)
    with uow:
        own_organisation(uow.session, principal.organisation_id)
        version = _latest_version(uow.session, principal.organisation_id) + 1
        now = utcnow()
        rows = [ConsentText(organisation_id=principal.organisation_id, version=version, language=language,
                            text=text, purposes=purposes, published_at=now, published_by=principal.user_id)
                for language, text in sorted(data["texts"].items())]
        uow.session.add_all(rows)
        uow.commit()
        return [_text(row) for row in rows]


def record_given(session: Session, principal: Principal, trainee: Trainee, purposes, language: str | None) -> None:
    """At registration: the current text's version, in the language read (the first available else), and each
    purpose of the catalogue given or not."""
    organisation = own_organisation(session, trainee.organisation_id)
    text = current_text(session, trainee.organisation_id, language or translations.language(organisation.locale))
    given = rules.check_given(text.purposes if purposes is None else purposes)
    offered = set(text.purposes)
    unknown = [purpose for purpose in given if purpose not in offered]
    if unknown:
        raise ValidationFailed({"consent_purposes": [Msg("The current consent text does not ask for: {purposes}.",
                                                         purposes=", ".join(unknown))]})
    now = trainee.consent_at or utcnow()
    session.add_all([TraineeConsent(organisation_id=trainee.organisation_id, trainee_id=trainee.id, purpose=purpose,
                                    granted=purpose in given, version=text.version, language=text.language,
                                    recorded_at=now, recorded_by=principal.user_id)
                     for purpose in rules.PURPOSES])


def _of(session: Session, trainee: Trainee) -> PersonConsent:
    rows = session.scalars(select(TraineeConsent).where(TraineeConsent.trainee_id == trainee.id)).all()
    if not rows:  # registered before consent was versioned: the default text, every purpose
        return PersonConsent(trainee_id=trainee.id, version=rules.DEFAULT_VERSION, language=None,
                             given_at=trainee.consent_at, given_by=None,
                             purposes=list(rules.PURPOSES) if trainee.consent else [],
                             withdrawn=[] if trainee.consent else list(rules.PURPOSES), recorded=False)
    by_purpose = {row.purpose: row for row in rows}
    first = rows[0]
    withdrawn = [row for row in rows if row.granted and row.withdrawn_at is not None]
    return PersonConsent(
        trainee_id=trainee.id, version=first.version, language=first.language, given_at=first.recorded_at,
        given_by=first.recorded_by,
        purposes=[purpose for purpose in rules.PURPOSES if purpose in by_purpose and by_purpose[purpose].active],
        withdrawn=[purpose for purpose in rules.PURPOSES if purpose in {row.purpose for row in withdrawn}],
        withdrawn_at=max((row.withdrawn_at for row in withdrawn if row.withdrawn_at), default=None))


def of(uow: UnitOfWork, principal: Principal, trainee_id: uuid.UUID) -> PersonConsent:
    with uow:
        trainee = get_scoped(uow.session, Trainee, principal.organisation_id, trainee_id, label="Trainee")
        return _of(uow.session, trainee)


def withdraw(uow: UnitOfWork, principal: Principal, trainee_id: uuid.UUID, purposes) -> PersonConsent:
    """Withdraw purposes (`programme` withdraws all) in one step: from now on the person's follow-ups leave the
    worklist and employers no longer see them nor receive them. Withdrawing again is no change."""
    asked = rules.withdrawn_by(purposes)
    with uow:
        trainee = get_scoped(uow.session, Trainee, principal.organisation_id, trainee_id, label="Trainee",
                             for_update=True)
        referrals_withdrawn = withdraw_for(uow.session, principal, trainee, asked)
        found = _of(uow.session, trainee)
        uow.commit()
        remaining = rules.remaining(found.purposes, referrals_withdrawn)
        found.remains = " ".join(str(note) for _code, note in remaining)
        found.remains_codes = [code for code, _note in remaining]
        found.notes = [note for _code, note in remaining]
        return found


def withdraw_for(session: Session, principal: Principal, trainee: Trainee, purposes) -> int:
    """Withdraw `purposes` (already read by rules.withdrawn_by) of the person's consent, in the caller's session;
    withdrawing sharing with employers also withdraws the person's open referrals (their own `withdraw` step, in
    the same transaction, audited as the caller's), so that the employer's counts and the funnel agree. Returns
    how many referrals were withdrawn."""
    asked = set(purposes)
    now = utcnow()
    rows = {row.purpose: row for row in session.scalars(select(TraineeConsent).where(
        TraineeConsent.trainee_id == trainee.id))}
    for purpose in rules.PURPOSES:
        row = rows.get(purpose)
        if row is None:  # registered before consent was versioned: the default text's consent, given then
            row = TraineeConsent(organisation_id=trainee.organisation_id, trainee_id=trainee.id, purpose=purpose,
                                 granted=bool(trainee.consent), version=rules.DEFAULT_VERSION,
                                 language=translations.FALLBACK, recorded_at=trainee.consent_at)
            session.add(row)
        if purpose in asked and row.active:
            row.withdrawn_at, row.withdrawn_by = now, principal.user_id
    if rules.PROGRAMME in asked and trainee.consent:
        trainee.consent = False
    withdrawn = 0
    if rules.EMPLOYER_SHARING in asked:
        for referral in session.scalars(select(Referral).where(
                Referral.organisation_id == trainee.organisation_id, Referral.trainee_id == trainee.id,
                Referral.status.in_(referral_rules.OPEN_STATUSES)).order_by(Referral.id).with_for_update()):
            referral_rules.step(referral, "withdraw")
            withdrawn += 1
    session.flush()
    return withdrawn


def withheld(organisation_id: uuid.UUID, purpose: str) -> Select:
    """The people of the organisation who did not give, or withdrew, their consent for `purpose` (a subquery of
    trainee ids; people registered before consent was versioned gave it, unless their consent is withdrawn)."""
    return select(TraineeConsent.trainee_id).where(
        TraineeConsent.organisation_id == organisation_id, TraineeConsent.purpose == purpose,
        or_(TraineeConsent.granted.is_(False), TraineeConsent.withdrawn_at.is_not(None)))


def allowed(uow: UnitOfWork, principal: Principal, trainee: Trainee, purpose: str) -> bool:
    """Whether the person (already read in the principal's organisation) consents to `purpose` now: one query."""
    with uow:
        row = uow.session.scalar(select(TraineeConsent).where(
            TraineeConsent.organisation_id == principal.organisation_id, TraineeConsent.trainee_id == trainee.id,
            TraineeConsent.purpose == purpose))
        return bool(trainee.consent) if row is None else row.active


def allows(session: Session, trainee: Trainee, purpose: str) -> bool:
    row = session.scalar(select(TraineeConsent).where(TraineeConsent.trainee_id == trainee.id,
                                                      TraineeConsent.purpose == purpose))
    return bool(trainee.consent) if row is None else row.active
