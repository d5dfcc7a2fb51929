"""Enrolment rules: who may enrol, the exit state machine and its events."""

from __future__ import annotations

from datetime import date

from service.domain import events
from service.domain.errors import Conflict, InvalidTransition, ValidationFailed
from service.domain.people import MINIMUM_ENROLMENT_AGE, age_on

ENROLLED, COMPLETED, DROPPED_OUT = "enrolled", "completed", "dropped_out"
STATUSES = (ENROLLED, COMPLETED, DROPPED_OUT)
EXIT_REASONS = ("completed_course", "found_job", "moved_away", "health", "family_care",
                "lost_contact", "other")


def check_can_enrol(*, birth_date: date, enrolled_on: date, project, cohort,
                    cohort_taken: int | None) -> None:
    """Raise unless a trainee with `birth_date` may join `project` (and `cohort`) on `enrolled_on`."""
    if age_on(birth_date, enrolled_on) < MINIMUM_ENROLMENT_AGE:
        raise ValidationFailed(
            {"enrolled_on": [f"The trainee must be at least {MINIMUM_ENROLMENT_AGE} on this date."]})
    if project.ends_on and enrolled_on > project.ends_on:
        raise ValidationFailed({"enrolled_on": ["The project has already ended on this date."]})
    if cohort is None:
        return
    if cohort.project_id != project.id:
        raise ValidationFailed({"cohort_id": ["The cohort belongs to another project."]})
    if cohort.capacity is not None and cohort_taken is not None and cohort_taken >= cohort.capacity:
        raise Conflict(f"The cohort is full ({cohort.capacity} places).", cohort_id=str(cohort.id))


def created_event(enrolment, trainee) -> events.EnrolmentCreated:
    return events.EnrolmentCreated(
        organisation_id=enrolment.organisation_id, enrolment_id=enrolment.id, trainee_id=trainee.id,
        project_id=enrolment.project_id, cohort_id=enrolment.cohort_id, enrolled_on=enrolment.enrolled_on)


def _exit(enrolment, status: str, exited_on: date, reason: str | None, today: date) -> None:
    if enrolment.status != ENROLLED:
        raise InvalidTransition(
            f"The enrolment is {enrolment.status}; only an enrolled one can exit.",
            current_status=enrolment.status)
    if exited_on < enrolment.enrolled_on:
        raise ValidationFailed({"exited_on": ["The exit cannot be before the enrolment date."]})
    if exited_on > today:
        raise ValidationFailed({"exited_on": ["An exit is recorded once it has happened, not in advance."]})
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
