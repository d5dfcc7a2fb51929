"""What a person's documents must be at registration: known types of the country, valid numbers that
agree with the birth date (and, unless confirmed, the sex) they encode, each number once; else a reason.

Pure rules: no database, no keys. Errors are keyed as the request names the field (`documents.0.number`,
or `national_id` for the shorthand), and no message repeats a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.domain import countries, national_ids, people
from service.domain.documents.catalogue import DocumentType, document_type
from service.domain.documents.reasons import NO_DOCUMENT_REASONS
from service.domain.errors import ValidationFailed
from service.domain.messages import Msg, message_of

#: Sexes a number's sex digit can contradict (the others are never contradicted).
_BINARY_SEXES = ("female", "male")


@dataclass(frozen=True, slots=True)
class Submitted:
    """One document as asked for; `field` is where its errors go (`documents.N` or `national_id`)."""

    field: str
    type: str
    number: str
    issuing_country: str | None = None
    #: The shorthand's errors stand on the field itself (`national_id`), as before documents existed.
    shorthand: bool = False


@dataclass(frozen=True, slots=True)
class Checked:
    type: str
    issuing_country: str
    number: str  # canonical: hashed and encrypted, never shown


def accepted_types(country: str, primary: str) -> tuple[str, ...]:
    """The types an organisation takes: its country's, and its primary one (which an admin may have set)."""
    names = tuple(t.name for t in countries.profile(country).person_id_schemes)
    return names if primary in names else (primary, *names)


def check(submitted: list[Submitted], *, country: str, primary: str, no_document_reason: str | None,
          birth_date: date, sex: str, confirm_sex_mismatch: bool = False) -> list[Checked]:
    """The documents in their canonical form, or ValidationFailed naming every field at fault."""
    errors: dict[str, list[str]] = {}
    checked: list[Checked] = []
    accepted = accepted_types(country, primary)
    seen: dict[str, str] = {}
    for entry in submitted:
        def fail(part: str, message: str, entry=entry) -> None:
            errors.setdefault(entry.field if entry.shorthand else f"{entry.field}.{part}", []).append(message)

        kind = document_type(entry.type)
        if kind is None or entry.type not in accepted:
            fail("type", Msg("Not a document type of this organisation. Must be one of: {choices}.",
                              choices=", ".join(accepted)))
            continue
        issuer = _issuer(kind, entry.issuing_country, country, fail)
        try:
            number = national_ids.normalise(kind.name, entry.number)
        except ValueError as error:
            fail("number", message_of(error))
            continue
        if number in seen:
            fail("number", Msg("The same number as {field}.", field=seen[number]))
            continue
        seen[number] = entry.field
        if kind.birth_date is not None and kind.birth_date(number) != birth_date:
            fail("number", Msg("The number does not agree with the birth date."))
            continue
        if not confirm_sex_mismatch and (problem := sex_problem(kind, number, sex, entry.field)) is not None:
            errors.setdefault("sex", []).append(problem)
        if issuer is not None:
            checked.append(Checked(kind.name, issuer, number))
    _check_reason(errors, has_documents=bool(submitted), reason=no_document_reason)
    if errors:
        raise ValidationFailed(errors)
    return checked


def sex_problem(kind: DocumentType, number: str, sex: str, field: str) -> str | None:
    """What to say when the sex a canonical number encodes contradicts `sex` (female or male; the others
    are never contradicted), else None. The number itself is never said."""
    if kind.sex is None or sex not in _BINARY_SEXES or kind.sex(number) == sex:
        return None
    if kind.sex(number) == "male":
        return Msg("The number in {field} was issued for a man (its second-to-last digit); to record the person "
                   "as {sex} all the same, send confirm_sex_mismatch: true.", field=field, sex=sex)
    return Msg("The number in {field} was issued for a woman (its second-to-last digit); to record the person "
               "as {sex} all the same, send confirm_sex_mismatch: true.", field=field, sex=sex)


def _issuer(kind: DocumentType, given: str | None, country: str, fail) -> str | None:
    if kind.issuing_country is not None:
        if given is not None and given.upper() != kind.issuing_country:
            fail("issuing_country", Msg("This document is issued by {country} only.", country=kind.issuing_country))
            return None
        return kind.issuing_country
    if given is None:
        if kind.name == "passport":  # any state issues passports: the caseworker must say which
            fail("issuing_country", Msg("Required for a passport (ISO 3166-1 alpha-2, e.g. VE)."))
            return None
        return country.upper()  # UNHCR: the operation in this country; generic: this country's id
    if (problem := people.check_citizenship(given.upper())) is not None:
        fail("issuing_country", problem)
        return None
    return given.upper()


def _check_reason(errors: dict[str, list[str]], *, has_documents: bool, reason: str | None) -> None:
    if has_documents and reason is not None:
        errors.setdefault("no_document_reason", []).append(
            Msg("Only for a person registered without any document: leave it out beside documents or national_id."))
    elif not has_documents and reason is None:
        errors.setdefault("no_document_reason", []).append(
            Msg("Required when the person has no document (documents or national_id). Must be one of: {choices}.",
                choices=", ".join(NO_DOCUMENT_REASONS)))
