"""Enrolment rules: who may enrol, the person as at entry, the exit state machine and its events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from service.domain import events, groups
from service.domain.errors import Conflict, InvalidTransition, ValidationFailed
from service.domain.people import MINIMUM_ENROLMENT_AGE, age_on
from service.domain.trainees import OLDEST_PLAUSIBLE_AGE
from service.domain.messages import Msg

ENROLLED, COMPLETED, DROPPED_OUT = "enrolled", "completed", "dropped_out"
STATUSES = (ENROLLED, COMPLETED, DROPPED_OUT)
EXIT_REASONS = ("completed_course", "found_job", "moved_away", "health", "family_care",
                "lost_contact", "other")


def check_can_enrol(*, birth_date: date, enrolled_on: date, project, cohort,
                    cohort_taken: int | None) -> None:
    """Raise unless a trainee with `birth_date` may join `project` (and `cohort`) on `enrolled_on`."""
    if age_on(birth_date, enrolled_on) < MINIMUM_ENROLMENT_AGE:
        raise ValidationFailed(
            {"enrolled_on": [Msg("The trainee must be at least {age} on this date.", age=MINIMUM_ENROLMENT_AGE)]})
    if project.ends_on and enrolled_on > project.ends_on:
        raise ValidationFailed({"enrolled_on": [Msg("The project has already ended on this date.")]})
    if cohort is None:
        return
    if cohort.project_id != project.id:
        raise ValidationFailed({"cohort_id": [Msg("The cohort belongs to another project.")]})
    # A cohort that had ended by the enrolment date takes nobody (as a project); a late record of someone
    # who joined while it ran, dated then, is kept.
    if cohort.ends_on is not None and enrolled_on > cohort.ends_on:
        raise ValidationFailed({"cohort_id": [
            Msg("The cohort ended on {ends_on}, before the enrolment date.", ends_on=cohort.ends_on.isoformat())]})
    if cohort.capacity is not None and cohort_taken is not None and cohort_taken >= cohort.capacity:
        raise Conflict(Msg("The cohort is full ({capacity} places).", capacity=cohort.capacity),
                       cohort_id=str(cohort.id))


#: The person's characteristics an enrolment keeps as at entry (its column is `<name>_at_entry`): what
#: the indicators count, so that editing the person later does not rewrite a closed participation.
AT_ENTRY = ("labour_status", "age", "education_level", "settlement_type", "vulnerable_groups", "citizenship")
#: The person's facts each at-entry value follows while the enrolment is open (age: from the birth date).
_FOLLOWS = {"labour_status": "labour_status", "education_level": "education_level",
            "settlement_type": "settlement_type", "vulnerable_groups": "vulnerable_groups",
            "citizenship": "citizenship", "age": "birth_date"}
#: The audit action of an entry correction (`pathways metrics verify` counts them).
CORRECTION_ACTION = "correct"
MAXIMUM_REASON_LENGTH = 500


def take_at_entry(enrolment, trainee, *, labour_status: str | None = None,
                  feeds: Mapping[str, str | None] | None = None) -> None:
    """Keep the person's characteristics on the enrolment as on its `enrolled_on`; the labour status is
    the one given at enrolment, by default the person's current one. `feeds` is the organisation's
    vocabulary ({group: indicator category}): the categories the groups feed now are kept beside them."""
    for name in AT_ENTRY:
        _set(enrolment, name, _current(trainee, name, enrolment.enrolled_on))
    if labour_status is not None:
        enrolment.labour_status_at_entry = labour_status
    take_indicator_groups(enrolment, feeds)


def take_indicator_groups(enrolment, feeds: Mapping[str, str | None] | None) -> None:
    """The indicator categories the groups at entry feed by the vocabulary `feeds`, kept on the enrolment:
    what the ESF+ figures count, so that a later change of the vocabulary leaves them be (None: no
    vocabulary given, the categories stay as they are)."""
    if feeds is not None:
        enrolment.indicator_groups_at_entry = groups.fed(enrolment.vulnerable_groups_at_entry or (), feeds)


def follow_person(enrolment, trainee, changed, *, feeds: Mapping[str, str | None] | None = None) -> None:
    """An edit of the person (`changed`: the person's attribute names) reaches an OPEN enrolment's values
    at entry: until it closes, they are the person's best-known state (the groups' indicator categories
    by the vocabulary `feeds` too). A closed one changes only by `correct_entry`."""
    if enrolment.status != ENROLLED:
        return
    for name, source in _FOLLOWS.items():
        if source in changed:
            _set(enrolment, name, _current(trainee, name, enrolment.enrolled_on))
    if "vulnerable_groups" in changed:
        take_indicator_groups(enrolment, feeds)


def at_entry(enrolment) -> dict:
    """The values at entry, by name."""
    return {name: _get(enrolment, name) for name in AT_ENTRY}


def correct_entry(enrolment, corrections: dict) -> tuple[dict, events.EnrolmentEntryCorrected]:
    """What correcting values at entry (of an open or a closed enrolment) changes, as {name: [before,
    after]}, and its event; the caller applies it (and audits it with the reason). A correction that
    changes nothing is refused: it is deliberate, and an empty one would count in the audit."""
    changes = {}
    for name in AT_ENTRY:
        if name not in corrections:
            continue
        before, after = _get(enrolment, name), corrections[name]
        if name == "vulnerable_groups":
            before, after = sorted(before or []), sorted(set(after))
        if after != before:
            changes[name] = [before, after]
    if not changes:
        raise ValidationFailed({"_schema": [
            Msg("The enrolment has these values at entry already: nothing to correct.")]})
    if "age" in changes and not MINIMUM_ENROLMENT_AGE <= changes["age"][1] <= OLDEST_PLAUSIBLE_AGE:
        raise ValidationFailed(
            {"age": [Msg("Between {min} (the youngest who may enrol) and {max}.",
                         min=MINIMUM_ENROLMENT_AGE, max=OLDEST_PLAUSIBLE_AGE)]})
    return changes, events.EnrolmentEntryCorrected(
        organisation_id=enrolment.organisation_id, enrolment_id=enrolment.id, trainee_id=enrolment.trainee_id,
        project_id=enrolment.project_id, corrected=tuple(sorted(changes)))


def column(name: str) -> str:
    """The enrolment's column of a value at entry."""
    return f"{name}_at_entry"


def _current(trainee, name: str, enrolled_on: date):
    if name == "age":
        return age_on(trainee.birth_date, enrolled_on)
    if name == "vulnerable_groups":
        return sorted(trainee.vulnerable_groups or [])
    return getattr(trainee, name)


def _get(enrolment, name: str):
    return getattr(enrolment, column(name))


def _set(enrolment, name: str, value) -> None:
    setattr(enrolment, column(name), value)


def created_event(enrolment, trainee) -> events.EnrolmentCreated:
    return events.EnrolmentCreated(
        organisation_id=enrolment.organisation_id, enrolment_id=enrolment.id, trainee_id=trainee.id,
        project_id=enrolment.project_id, cohort_id=enrolment.cohort_id, enrolled_on=enrolment.enrolled_on)


def _exit(enrolment, status: str, exited_on: date, reason: str | None, today: date) -> None:
    if enrolment.status != ENROLLED:
        raise InvalidTransition(
            Msg("The enrolment is {status}; only an enrolled one can exit.", status=enrolment.status),
            current_status=enrolment.status)
    if exited_on < enrolment.enrolled_on:
        raise ValidationFailed({"exited_on": [Msg("The exit cannot be before the enrolment date.")]})
    if exited_on > today:
        raise ValidationFailed({"exited_on": [Msg("An exit is recorded once it has happened, not in advance.")]})
    enrolment.status = status
    enrolment.exited_on = exited_on
    enrolment.exit_reason = reason


def _exit_event(cls, enrolment):
    return cls(
        organisation_id=enrolment.organisation_id, enrolment_id=enrolment.id, trainee_id=enrolment.trainee_id,
        project_id=enrolment.project_id, enrolled_on=enrolment.enrolled_on, exited_on=enrolment.exited_on,
        exit_reason=enrolment.exit_reason, qualification_gained=enrolment.qualification_gained)


def complete(enrolment, *, exited_on: date, qualification_gained: bool, today: date,
             reason: str | None = "completed_course") -> events.EnrolmentCompleted:
    _exit(enrolment, COMPLETED, exited_on, reason, today)
    enrolment.qualification_gained = qualification_gained
    return _exit_event(events.EnrolmentCompleted, enrolment)


def drop_out(enrolment, *, exited_on: date, reason: str, today: date) -> events.EnrolmentDroppedOut:
    _exit(enrolment, DROPPED_OUT, exited_on, reason, today)
    enrolment.qualification_gained = False
    return _exit_event(events.EnrolmentDroppedOut, enrolment)
