"""Finding people again: likely duplicates of a registration, name search, pairs of possible duplicates.

A likely duplicate of a person is someone of the organisation, not merged into another, born the same day
whose name has the same normal form or one at least `names.SIMILAR` alike (service.domain.names), unless
both hold a national id (the organisation's primary document: TCKN, personnummer, CUI, cédula, ...).
Those numbers are a person's for life and checksummed, so two different ones are two people; name and
birth date decide where a number cannot: for people registered without one (no document, or only a
passport, a UNHCR or a protection number, which a person may hold several of over time). A number held
already is refused outright on registration (service.services.trainees).

The candidates of one registration are the organisation's people born that day (an index on
(organisation_id, birth_date): a few dozen at a million people), compared in Python with the function the
search index agrees with, so that SQLite and PostgreSQL find the same people.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from service.clock import utcnow
from service.db.models import Trainee, TraineeDistinction
from service.domain import names
from service.domain.errors import Conflict, ValidationFailed
from service.domain.messages import Msg

SAME_NAME, SIMILAR_NAME = "same_name", "similar_name"
#: The field (and import column) naming the candidates a caseworker confirms to be other people.
CONFIRMED = "not_duplicate_of"
#: How many rows of possible pairs a page of `GET /trainees/duplicates` reads at a time.
PAIR_CHUNK = 500


@dataclass(frozen=True)
class Candidate:
    trainee: Trainee
    reason: str
    similarity: float

    def as_json(self) -> dict:
        return {**person_json(self.trainee), "reason": self.reason, "similarity": round(self.similarity, 2)}


def person(trainee: Trainee) -> dict:
    return {"id": trainee.id, "given_name": trainee.given_name, "family_name": trainee.family_name,
            "birth_date": trainee.birth_date}


def person_json(trainee: Trainee) -> dict:
    return {**person(trainee), "id": str(trainee.id), "birth_date": trainee.birth_date.isoformat()}


def likeness(first: str, second: str) -> tuple[str, float] | None:
    """(reason, similarity) when two normal forms make a likely duplicate, else None."""
    if first == second:
        return SAME_NAME, 1.0
    score = names.similarity(first, second)
    return (SIMILAR_NAME, score) if score >= names.SIMILAR else None


def candidates(session: Session, organisation_id: uuid.UUID, *, given_name: str, family_name: str,
               birth_date: date, has_national_id: bool, exclude: uuid.UUID | None = None) -> list[Candidate]:
    """The likely duplicates of a person with these names and birth date, most alike first."""
    normal = names.normalise(given_name, family_name)
    stmt = select(Trainee).where(Trainee.organisation_id == organisation_id, Trainee.birth_date == birth_date,
                                 Trainee.merged_into_id.is_(None))
    if has_national_id:
        stmt = stmt.where(Trainee.national_id_hash.is_(None))
    if exclude is not None:
        stmt = stmt.where(Trainee.id != exclude)
    found = [Candidate(trainee, *alike) for trainee in session.scalars(stmt)
             if (alike := likeness(normal, trainee.normalised_name)) is not None]
    return sorted(found, key=lambda candidate: (-candidate.similarity, candidate.trainee.id))


def refuse_likely_duplicates(session: Session, organisation_id: uuid.UUID, data: dict, *, has_national_id: bool,
                             not_duplicate_of: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """409 with the candidates unless the caller confirmed each to be someone else (`not_duplicate_of`);
    returns the confirmed ids to record (`record_distinct`) once the person is stored."""
    confirmed = set(not_duplicate_of)
    found = candidates(session, organisation_id, given_name=data["given_name"], family_name=data["family_name"],
                       birth_date=data["birth_date"], has_national_id=has_national_id)
    unconfirmed = [candidate for candidate in found if candidate.trainee.id not in confirmed]
    if unconfirmed:
        raise Conflict(Msg("This person may be registered already: the candidates below share the birth date and "
                           "have the same or a similar name. If this is someone else, send their ids in "
                           "`not_duplicate_of`; if not, use the registered person."),
                       candidates=[candidate.as_json() for candidate in unconfirmed])
    return sorted(confirmed & {candidate.trainee.id for candidate in found})


def record_distinct(session: Session, organisation_id: uuid.UUID, trainee_id: uuid.UUID,
                    others: Iterable[uuid.UUID], actor_id: uuid.UUID | None) -> None:
    """Keep that `trainee_id` is none of `others` (audited): the pairs are no longer offered as duplicates."""
    now = utcnow()
    for other in others:
        first, second = sorted((trainee_id, other))
        session.add(TraineeDistinction(organisation_id=organisation_id, first_id=first, second_id=second,
                                       confirmed_at=now, confirmed_by=actor_id))


def name_search(stmt: Select, query: str | None) -> Select:
    """`stmt` narrowed to people with every word of `query` somewhere in their name (accents, case, Turkish
    i's and word order aside). On PostgreSQL each `ILIKE '%word%'` is answered by the trigram index."""
    if query is None:
        return stmt
    words = names.query_words(query)
    if not words:
        raise ValidationFailed({"q": [Msg("Give at least one letter or digit of a name.")]})
    return stmt.where(*(Trainee.normalised_name.ilike(f"%{word}%") for word in words))


def visible(stmt: Select) -> Select:
    """People merged into another are kept (to undo the merge) but listed no more."""
    return stmt.where(Trainee.merged_into_id.is_(None))


# Possible-duplicate pairs ------------------------------------------------------------------------------

def pairs(session: Session, organisation_id: uuid.UUID, *, limit: int,
          cursor: str | None) -> tuple[list[dict], str | None]:
    """A page of the organisation's possible duplicates: pairs as `candidates` would find them, neither
    merged nor confirmed to be two people, ordered by their ids (the cursor is the last pair's)."""
    first, second = aliased(Trainee), aliased(Trainee)
    stmt = (select(first, second)
            .join(second, and_(second.organisation_id == first.organisation_id,
                               second.birth_date == first.birth_date, second.id > first.id))
            .where(first.organisation_id == organisation_id, first.merged_into_id.is_(None),
                   second.merged_into_id.is_(None),
                   or_(first.national_id_hash.is_(None), second.national_id_hash.is_(None)),
                   ~exists().where(TraineeDistinction.first_id == first.id,
                                   TraineeDistinction.second_id == second.id))
            .order_by(first.id, second.id))
    after = _decode(cursor) if cursor else None
    found: list[dict] = []
    while len(found) <= limit:
        chunk = stmt
        if after is not None:
            chunk = chunk.where(or_(first.id > after[0], and_(first.id == after[0], second.id > after[1])))
        rows = session.execute(chunk.limit(PAIR_CHUNK)).all()
        for one, other in rows:
            if (alike := likeness(one.normalised_name, other.normalised_name)) is not None:
                found.append({"trainees": [person(one), person(other)], "reason": alike[0],
                              "similarity": round(alike[1], 2), "_key": (one.id, other.id)})
        if len(rows) < PAIR_CHUNK:
            break
        after = (rows[-1][0].id, rows[-1][1].id)
    next_cursor = _encode(found[limit - 1]["_key"]) if len(found) > limit else None
    return [{key: value for key, value in pair.items() if key != "_key"} for pair in found[:limit]], next_cursor


def _encode(key: tuple[uuid.UUID, uuid.UUID]) -> str:
    return base64.urlsafe_b64encode(key[0].bytes + key[1].bytes).decode().rstrip("=")


def _decode(cursor: str) -> tuple[uuid.UUID, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        if len(raw) != 32:
            raise ValueError
        return uuid.UUID(bytes=raw[:16]), uuid.UUID(bytes=raw[16:])
    except (binascii.Error, ValueError):
        raise ValidationFailed({"cursor": [Msg("Not a cursor this API issued.")]}) from None


# Imports -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowMatches:
    """An import batch's rows (by index) with unconfirmed candidates (id, reason), and the ids each row's
    `not_duplicate_of` confirmed that were candidates indeed (recorded with the row)."""

    unconfirmed: dict[int, list[tuple[uuid.UUID, str]]]
    confirmed: dict[int, list[uuid.UUID]]


def match_rows(session: Session, organisation_id: uuid.UUID, *, birth_dates: list[date], normal_names: list[str],
               national: list[bool], confirmed: list[list[uuid.UUID]]) -> RowMatches:
    """The registered candidates of an import batch's rows, as `candidates` finds them for one body, in two
    statements: people born on the rows' days without a national id (candidates of every row), and those
    with one born on the days of rows without (their only other candidates)."""
    if not birth_dates:
        return RowMatches({}, {})
    found: dict[date, list] = {}
    base = select(Trainee.id, Trainee.birth_date, Trainee.normalised_name, Trainee.national_id_hash).where(
        Trainee.organisation_id == organisation_id, Trainee.merged_into_id.is_(None))
    undocumented_days = sorted({day for day, has in zip(birth_dates, national) if not has})
    for days, condition in ((sorted(set(birth_dates)), Trainee.national_id_hash.is_(None)),
                            (undocumented_days, Trainee.national_id_hash.is_not(None))):
        for start in range(0, len(days), 1000):
            for row in session.execute(base.where(condition, Trainee.birth_date.in_(days[start:start + 1000]))):
                found.setdefault(row.birth_date, []).append(row)
    unconfirmed: dict[int, list[tuple[uuid.UUID, str]]] = {}
    confirmed_found: dict[int, list[uuid.UUID]] = {}
    for index, (day, normal, has) in enumerate(zip(birth_dates, normal_names, national)):
        for person in found.get(day, ()):
            if has and person.national_id_hash is not None:
                continue
            if (alike := likeness(normal, person.normalised_name)) is None:
                continue
            if person.id in confirmed[index]:
                confirmed_found.setdefault(index, []).append(person.id)
            else:
                unconfirmed.setdefault(index, []).append((person.id, alike[0]))
    return RowMatches(unconfirmed, confirmed_found)
