"""The labels of the values people read (sexes, statuses, groups, reasons...): one catalogue for pages and exports.

`LABELS[kind][value]` is the English label, the msgid; its translations are in each language's
`labels.po`, where every entry carries the kind as its `msgctxt`, so one English word may read
differently by what it labels ("Completed" an enrolment, "Hired" a referral) without touching the
exports' column words in `messages.po`. The values are the domain's own sets (service.domain), so a
value added there and not labelled here fails tests/unit/test_translations_complete.py. Labels that
the domain defines with their values (identity document types, reasons for having none, ISCO-08
groups, NACE sections) are the domain's msgids and are translated where they are (`messages.po`), without a context.

Groups of an organisation's vocabulary carry their own labels (service.domain.groups); the
built-in `vulnerable_group` keys here are those of records made before vocabularies existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from service.domain import consent
from service.domain import (enrolments, follow_ups, groups, occupations, people, placements, referrals, sectors,
                            vacancies)
from service.domain.documents.catalogue import TYPES as DOCUMENT_TYPES
from service.domain.documents.reasons import NO_DOCUMENT_REASONS
from service.domain.roles import Role
from service.translations import catalogue, language

#: Kinds whose labels are the domain's own msgids (no context): translated where the domain marks them.
WITHOUT_CONTEXT = frozenset({"document_type", "no_document_reason", "occupation_group", "sector"})


def _labelled(values: Iterable[str], labels: Mapping[str, str]) -> Mapping[str, str]:
    """`labels` in the order of the domain's `values`; loud at import when they are not the same set,
    so the domain cannot gain a value that pages would show as its key."""
    values = tuple(values)
    if set(values) != set(labels):
        raise RuntimeError(f"labels {sorted(labels)} do not match the domain's values {sorted(values)}")
    return MappingProxyType({value: labels[value] for value in values})


LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "sex": _labelled(people.SEXES, {
        "female": "Female", "male": "Male", "non_binary": "Non-binary", "undisclosed": "Not disclosed"}),
    "labour_status": _labelled(people.LABOUR_STATUSES, {
        "unemployed": "Unemployed", "long_term_unemployed": "Long-term unemployed", "inactive": "Inactive",
        "employed": "Employed", "in_education": "In education"}),
    "education_level": _labelled(people.EDUCATION_LEVELS, {
        "primary_or_less": "Primary or less", "lower_secondary": "Lower secondary",
        "upper_secondary": "Upper secondary", "tertiary": "Tertiary"}),
    "settlement_type": _labelled(people.SETTLEMENT_TYPES, {"urban": "Urban", "rural": "Rural"}),
    "vulnerable_group": _labelled(people.VULNERABLE_GROUPS, {
        "roma": "Roma", "disability": "Person with a disability", "refugee": "Refugee",
        "single_parent": "Single parent", "neet": "NEET (not in employment, education or training)",
        "migrant": "Migrant", "housing_exclusion": "Homeless or affected by housing exclusion"}),
    # The ESF+ category a group feeds (an organisation's group vocabulary maps each group to one).
    "indicator_group": _labelled(groups.INDICATOR_GROUPS, {
        "minorities": "Minorities (incl. marginalised communities such as the Roma)",
        "disability": "Participants with disabilities",
        "foreign_background": "Participants with a foreign background",
        "housing_exclusion": "Homeless or affected by housing exclusion"}),
    "enrolment_status": _labelled(enrolments.STATUSES, {
        "enrolled": "Enrolled", "completed": "Completed", "dropped_out": "Dropped out"}),
    # Why an enrolment ended: `completed_course` for a completion, the others for a drop-out.
    "exit_reason": _labelled(enrolments.EXIT_REASONS, {
        "completed_course": "Completed the course", "found_job": "Found a job", "moved_away": "Moved away",
        "health": "Health", "family_care": "Caring for family", "lost_contact": "Lost contact",
        "other": "Other reason"}),
    "follow_up_checkpoint": _labelled(follow_ups.CHECKPOINTS, {
        "exit": "Upon leaving (within 4 weeks)", "month_6": "6 months after leaving",
        "month_12": "12 months after leaving"}),
    # As shown by today (service.domain.follow_ups.shown_status), which includes the stored ones.
    "follow_up_status": _labelled(follow_ups.SHOWN_STATUSES, {
        "scheduled": "Scheduled", "due": "Due", "overdue": "Overdue", "recorded": "Recorded",
        "unreachable": "Unreachable"}),
    # What became of the person at a checkpoint: unemployed and inactive differ in looking for work (ILO).
    "employment_status": _labelled(follow_ups.EMPLOYMENT_STATUSES, {
        "employed": "Employed", "self_employed": "Self-employed", "unemployed": "Unemployed (looking for work)",
        "in_education": "In education or training", "inactive": "Inactive (not looking for work)",
        "unknown": "Unknown"}),
    "follow_up_source": _labelled(follow_ups.SOURCES, {
        "caseworker": "Recorded by a caseworker", "placement": "From a placement"}),
    "referral_status": _labelled(referrals.STATUSES, {
        "referred": "Referred", "interviewing": "Interviewing", "hired": "Hired", "rejected": "Not hired",
        "withdrawn": "Withdrawn"}),
    # The actions that move a referral on (buttons on a person's page).
    "referral_step": _labelled(referrals.STEPS, {
        "interview": "Invite to an interview", "hire": "Record as hired", "reject": "Record as not hired",
        "withdraw": "Withdraw the referral"}),
    "vacancy_status": _labelled(vacancies.STATUSES, {"open": "Open", "filled": "Filled", "closed": "Closed"}),
    "contract_type": _labelled(vacancies.CONTRACT_TYPES, {
        "permanent": "Permanent", "fixed_term": "Fixed-term", "apprenticeship": "Apprenticeship",
        "seasonal": "Seasonal"}),
    "placement_end_reason": _labelled(placements.END_REASONS, {
        "resigned": "Resigned", "dismissed": "Dismissed", "contract_ended": "Contract ended",
        "business_closed": "Business closed", "moved_away": "Moved away", "health": "Health",
        "other": "Other reason"}),
    # What a person consents to (issue 18); translated in consent.po.
    "consent_purpose": _labelled(consent.PURPOSES, {
        "programme": "Taking part in the programme", "follow_up_contact": "Follow-up contact after leaving",
        "employer_sharing": "Sharing with employers"}),
    "role": _labelled((role.value for role in Role), {
        "admin": "Administrator", "caseworker": "Caseworker", "employer": "Employer", "manager": "Manager"}),
    "document_type": MappingProxyType({name: kind.label for name, kind in DOCUMENT_TYPES.items()}),
    "no_document_reason": MappingProxyType(dict(NO_DOCUMENT_REASONS)),
    # An ISCO-08 major ("7") or sub-major ("72") group, a NACE Rev. 2 section ("F").
    "occupation_group": MappingProxyType({**occupations.MAJOR_GROUPS, **occupations.SUB_MAJOR_GROUPS}),
    "sector": sectors.SECTIONS,
})


def context(kind: str) -> str | None:
    """The `msgctxt` of a kind's labels in the catalogues (None: the domain's msgid, without one)."""
    return None if kind in WITHOUT_CONTEXT else kind


def label(kind: str, value: object, locale: str | None) -> str:
    """The label of `value` of `kind` in the language of `locale`; an unknown kind or value reads as itself."""
    msgid = LABELS.get(kind, {}).get(str(value)) if value is not None else None
    if msgid is None:
        return "" if value is None else str(value)
    translations = catalogue(language(locale))
    ctxt = context(kind)
    return translations.pgettext(ctxt, msgid) if ctxt else translations.gettext(msgid)


def choices(kind: str, locale: str | None) -> list[tuple[str, str]]:
    """(value, label) of every value of a kind in the domain's order, for a form's select."""
    return [(value, label(kind, value, locale)) for value in LABELS.get(kind, {})]


def template() -> bytes:
    """The labels as a `.pot` file for translators (`make messages`): each msgid with its kind as context,
    the value it labels as a comment; the domain's own labels are left to the code's extraction."""
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    pot = Catalog(domain="labels", project="Pathways", fuzzy=False)
    for kind, values in LABELS.items():
        if context(kind) is None:
            continue
        for value, msgid in values.items():
            pot.add(msgid, context=kind, auto_comments=[f"{kind}: {value}"])
    out = io.BytesIO()
    write_po(out, pot, width=120, sort_output=False)
    return out.getvalue()


if __name__ == "__main__":
    import sys

    sys.stdout.buffer.write(template())
