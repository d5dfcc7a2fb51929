"""The people directory: finding an organisation's people a page at a time, sorted and counted, for the pages.

The API lists people with cursors in id order (`service.services.trainees.list_`); a person reading a
page wants numbered pages, a total, and names in the order of their own alphabet. Names are compared
as `service.services.matching` compares them (any part, accents and case aside), and an identity number
is found through its keyed hash, as `GET /trainees?document=` finds it.

Names sort by the reader's alphabet: Swedish puts å, ä, ö after z, Turkish puts ç after c, ı before i,
ş after s, Spanish puts ñ after n. PostgreSQL sorts with its ICU collations (`tr-x-icu`, ...), in which
each language has an index of the names (migration 0018); SQLite,
which has none, is given `sort_key` below as a collation on the connection, so both agree.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from service.db.groups import Entry, entries
from service.db.models import Cohort, Enrolment, Project, Trainee, TraineeDocument
from service.db.models.trainees import NAME_COLLATIONS
from service.domain.documents import rules as document_rules
from service.domain.roles import CASEWORK_WRITERS, PROGRAMME_READERS, Principal
from service.services import documents, matching
from service.services.pii import NationalIdVault
from service.services.queries import own_organisation
from service.services.unit_of_work import UnitOfWork

#: The columns a list may be sorted by (the page names them; never a raw column from a query string).
SORTABLE = ("name", "birth_date", "district", "registered")

#: Each language's letters in its own order; a letter outside it sorts as its base letter (é as e).
_ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "es": "abcdefghijklmnñopqrstuvwxyz",
    "sv": "abcdefghijklmnopqrstuvwxyzåäö",
    "tr": "abcçdefgğhıijklmnoöpqrsştuüvwxyz",
}
#: Letters a language files under another (Swedish: æ as ä, ø as ö, ü as y, as the Swedish Academy has it).
_FILED_AS = {"sv": {"æ": "ä", "ø": "ö", "ü": "y"}}


def _lower(text: str, lang: str) -> str:
    if lang == "tr":  # Turkish capital I is dotless, and İ is the capital of i
        return text.replace("I", "ı").replace("İ", "i").lower()
    return text.lower().replace("ı", "i").replace("i\u0307", "i")


@lru_cache(maxsize=65_536)  # SQLite calls the collation twice per comparison: names repeat, keys are kept
def sort_key(text: str | None, lang: str) -> tuple:
    """What a name is sorted by in `lang`: letters in the language's order first, then accents, then case."""
    alphabet = _ALPHABETS.get(lang, _ALPHABETS["en"])
    filed = _FILED_AS.get(lang, {})
    composed = unicodedata.normalize("NFC", text or "")
    primary: list[int] = []
    for char in _lower(composed, lang):
        char = filed.get(char, char)
        if char in alphabet:
            primary.append(1000 + alphabet.index(char))
            continue
        base = unicodedata.normalize("NFKD", char)[:1]
        if base in alphabet:
            primary.append(1000 + alphabet.index(base))
        elif base.isdigit():
            primary.append(100 + int(base) if base.isascii() else 100)
        elif base.isalpha():
            primary.append(2000 + ord(base))  # another script: after the Latin letters, in code point order
        elif not base.isspace() and not base.isalnum():
            continue  # punctuation and hyphens do not change the order (Pérez-García, Pérez García)
        else:
            primary.append(1)
    accents = unicodedata.normalize("NFD", _lower(composed, lang))
    return tuple(primary), accents, composed.swapcase()  # lower case before upper, as ICU


def _compare(lang: str):
    def compare(first: str | None, second: str | None) -> int:
        a, b = sort_key(first, lang), sort_key(second, lang)
        return (a > b) - (a < b)
    return compare


def sort_names(values: Iterable, lang: str, key=lambda value: value) -> list:
    """`values` sorted as the reader's alphabet sorts `key(value)` (a list of countries, of candidates)."""
    return sorted(values, key=lambda value: sort_key(key(value), lang))


def collated(session: Session, column, lang: str) -> ColumnElement:
    """`column` compared with `lang`'s alphabet on whichever database the session speaks to."""
    lang = lang if lang in _ALPHABETS else "en"
    if session.get_bind().dialect.name == "postgresql":
        return column.collate(NAME_COLLATIONS[lang])
    name = f"pathways_{lang}"
    connection = session.connection().connection.driver_connection
    connection.create_collation(name, _compare(lang))  # type: ignore[union-attr]
    return column.collate(name)


def _lower_case(text: str | None) -> str | None:
    """Lower case as PostgreSQL's lower() writes it (İ is i, not i and a combining dot as in Python)."""
    return None if text is None else text.replace("İ", "i").lower()


def _lowered(session: Session, column) -> ColumnElement:
    """`column` in lower case, every letter (SQLite's own lower() changes only A to Z)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.lower(column)
    connection = session.connection().connection.driver_connection
    connection.create_function("pathways_lower", 1, _lower_case, deterministic=True)  # type: ignore[union-attr]
    return func.pathways_lower(column)


@dataclass(frozen=True)
class Criteria:
    """What a search asks for; every part optional, all of them together narrow it."""

    name: str | None = None
    document: str | None = None
    project_id: uuid.UUID | None = None
    cohort_id: uuid.UUID | None = None
    status: str | None = None
    sex: str | None = None
    district: str | None = None

    @property
    def enrolment(self) -> bool:
        return any((self.project_id, self.cohort_id, self.status))


@dataclass(frozen=True)
class Person:
    """One row of a list of people: enough to tell them apart and open their page."""

    id: uuid.UUID
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    district: str | None
    phone: str | None
    registered_at: datetime


@dataclass(frozen=True)
class Found:
    rows: list[Person]
    total: int


_COLUMNS = (Trainee.id, Trainee.given_name, Trainee.family_name, Trainee.birth_date, Trainee.sex, Trainee.district,
            Trainee.phone, Trainee.created_at)


def _person(row) -> Person:
    return Person(id=row.id, given_name=row.given_name, family_name=row.family_name, birth_date=row.birth_date,
                  sex=row.sex, district=row.district, phone=row.phone, registered_at=row.created_at)


def _narrowed(session: Session, principal: Principal, criteria: Criteria, vault: NationalIdVault | None) -> Select:
    stmt = matching.visible(select(*_COLUMNS).where(Trainee.organisation_id == principal.organisation_id))
    stmt = matching.name_search(stmt, criteria.name)
    if criteria.sex:
        stmt = stmt.where(Trainee.sex == criteria.sex)
    if criteria.district:
        # Districts are typed by hand: Çiğli and çiğli are one district (case aside, letters kept).
        stmt = stmt.where(_lowered(session, Trainee.district) == _lower_case(criteria.district.strip()))
    if criteria.enrolment:
        enrolled = select(Enrolment.trainee_id).where(Enrolment.organisation_id == principal.organisation_id)
        if criteria.project_id:
            enrolled = enrolled.where(Enrolment.project_id == criteria.project_id)
        if criteria.cohort_id:
            enrolled = enrolled.where(Enrolment.cohort_id == criteria.cohort_id)
        if criteria.status:
            enrolled = enrolled.where(Enrolment.status == criteria.status)
        stmt = stmt.where(Trainee.id.in_(enrolled))
    if criteria.document:
        # Who holds which number is for the people who register them, as in the API.
        principal.require(CASEWORK_WRITERS)
        assert vault is not None, "a search by number needs the vault"
        organisation = own_organisation(session, principal.organisation_id)
        stmt = stmt.where(Trainee.id.in_(select(TraineeDocument.trainee_id).where(
            TraineeDocument.organisation_id == principal.organisation_id,
            TraineeDocument.number_hash.in_(documents.fingerprints_of(organisation, vault, criteria.document,
                                                                      None)))))
    return stmt


def _ordering(session: Session, sort: str, descending: bool, lang: str) -> list:
    # The names as `name || ''` (the same text, so the same order): the page counts every match in the same
    # query (a window), which PostgreSQL's planner does not cost, so with the names' own columns it would read
    # the whole organisation in name order from ix_trainees_name_<lang> (9 to 14 s for a common name on a
    # million people) instead of the matches from the trigram index.
    family, given = Trainee.family_name.op("||")(""), Trainee.given_name.op("||")("")
    if sort == "birth_date":
        columns: list = [Trainee.birth_date]
    elif sort == "district":
        columns = [collated(session, Trainee.district, lang)]
    elif sort == "registered":
        columns = [Trainee.created_at]
    else:
        columns = [collated(session, family, lang), collated(session, given, lang)]
    ordered = [column.desc() if descending else column.asc() for column in columns]
    if sort == "district":
        ordered = [ordered[0].nulls_last()]
    if sort != "name":  # people of one district or birthday by name
        ordered += [collated(session, family, lang), collated(session, given, lang)]
    return [*ordered, Trainee.id]


def search(uow: UnitOfWork, principal: Principal, criteria: Criteria, *, sort: str = "name",
           descending: bool = False, offset: int = 0, limit: int = 25, lang: str = "en",
           vault: NationalIdVault | None = None, count: bool = True) -> Found:
    """A page of the people matching `criteria`, in the reader's order, and how many match in all."""
    principal.require(PROGRAMME_READERS)
    if sort not in SORTABLE:
        sort = "name"
    with uow:
        stmt = _narrowed(uow.session, principal, criteria, vault)
        ordered = stmt.order_by(*_ordering(uow.session, sort, descending, lang)).offset(offset).limit(limit)
        if not count:
            return Found(rows=[_person(row) for row in uow.session.execute(ordered)], total=0)
        # The total comes with the page (a window over every match), so the matches are found once, not twice.
        rows = uow.session.execute(ordered.add_columns(func.count().over().label("total"))).all()
        if rows:
            total = rows[0].total
        else:  # a page past the end: nothing to carry the total
            total = uow.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        return Found(rows=[_person(row) for row in rows], total=total)


def people(uow: UnitOfWork, principal: Principal, ids: Sequence[uuid.UUID]) -> list[Person]:
    """These people of the organisation (a duplicate warning's candidates), in the order given."""
    principal.require(PROGRAMME_READERS)
    if not ids:
        return []
    with uow:
        rows = uow.session.execute(select(*_COLUMNS).where(Trainee.organisation_id == principal.organisation_id,
                                                           Trainee.id.in_(list(ids)))).all()
    found = {row.id: _person(row) for row in rows}
    return [found[id_] for id_ in ids if id_ in found]


@dataclass(frozen=True)
class Choice:
    id: uuid.UUID
    name: str
    project_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Filters:
    """What the search's filters offer: the organisation's projects and their cohorts."""

    projects: list[Choice]
    cohorts: list[Choice]


#: The most cohorts the cohort filter offers: the latest ones (of the chosen project), not every course the
#: programme ever ran (a programme of a million people has run over 100,000; listing and sorting them all
#: made each search page take seconds and weigh megabytes).
MAXIMUM_COHORTS = 500


def filters(uow: UnitOfWork, principal: Principal, lang: str = "en", *, project_id: uuid.UUID | None = None,
            cohort_id: uuid.UUID | None = None) -> Filters:
    """The projects (by name), and the MAXIMUM_COHORTS latest cohorts (of `project_id` when given), latest
    first, with `cohort_id` (the one chosen) always among them."""
    principal.require(PROGRAMME_READERS)
    org = principal.organisation_id
    with uow:
        projects = [Choice(row.id, f"{row.code} – {row.name}") for row in uow.session.execute(
            select(Project.id, Project.code, Project.name).where(Project.organisation_id == org))]
        names = {choice.id: choice.name for choice in projects}
        latest = select(Cohort.id, Cohort.name, Cohort.project_id).where(Cohort.organisation_id == org)
        if project_id is not None:
            latest = latest.where(Cohort.project_id == project_id)
        rows = list(uow.session.execute(latest.order_by(Cohort.starts_on.desc().nulls_last(), Cohort.id.desc())
                                        .limit(MAXIMUM_COHORTS)))
        if cohort_id is not None and cohort_id not in {row.id for row in rows}:
            rows += uow.session.execute(select(Cohort.id, Cohort.name, Cohort.project_id).where(
                Cohort.organisation_id == org, Cohort.id == cohort_id)).all()
        cohorts = [Choice(row.id, f"{names.get(row.project_id, '')} · {row.name}", row.project_id) for row in rows]
    return Filters(projects=sort_names(projects, lang, key=lambda c: c.name), cohorts=cohorts)


@dataclass(frozen=True)
class Registration:
    """What the registration form offers: the organisation's document types and its active groups."""

    organisation_name: str
    country: str
    document_types: tuple[str, ...]
    groups: list[Entry]


def registration(uow: UnitOfWork, principal: Principal) -> Registration:
    principal.require(CASEWORK_WRITERS)
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        return Registration(
            organisation_name=organisation.name, country=organisation.country,
            document_types=document_rules.accepted_types(organisation.country, organisation.national_id_scheme),
            groups=[entry for entry in entries(uow.session, organisation) if entry.active])
