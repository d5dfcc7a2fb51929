"""Who may enrol, and the enrolled -> completed | dropped_out state machine."""

import uuid
from datetime import date
from types import SimpleNamespace

import pytest

from service.domain import enrolments as rules
from service.domain.errors import Conflict, InvalidTransition, ValidationFailed

TODAY = date(2026, 11, 23)
PROJECT = SimpleNamespace(id=uuid.uuid4(), ends_on=date(2027, 12, 31))


def cohort(capacity=2, project=PROJECT, ends_on=None):
    return SimpleNamespace(id=uuid.uuid4(), project_id=project.id, capacity=capacity, ends_on=ends_on)


def enrolment(status=rules.ENROLLED):
    return SimpleNamespace(id=uuid.uuid4(), organisation_id=uuid.uuid4(), trainee_id=uuid.uuid4(),
                           project_id=PROJECT.id, status=status, enrolled_on=date(2026, 3, 1),
                           exited_on=None, exit_reason=None, qualification_gained=None)


def check(birth=date(2000, 1, 1), on=date(2026, 3, 1), the_cohort=None, taken=None, project=PROJECT):
    rules.check_can_enrol(birth_date=birth, enrolled_on=on, project=project, cohort=the_cohort,
                          cohort_taken=taken)


def test_fifteen_on_the_day_may_enrol():
    check(birth=date(2011, 3, 1), on=date(2026, 3, 1))


def test_under_fifteen_is_refused():
    with pytest.raises(ValidationFailed) as error:
        check(birth=date(2011, 3, 2), on=date(2026, 3, 1))
    assert "enrolled_on" in error.value.errors


def test_full_cohort_is_refused_and_a_free_place_is_taken():
    with pytest.raises(Conflict):
        check(the_cohort=cohort(capacity=2), taken=2)
    check(the_cohort=cohort(capacity=2), taken=1)


def test_cohort_of_another_project_is_refused():
    other = SimpleNamespace(id=uuid.uuid4(), ends_on=None)
    with pytest.raises(ValidationFailed) as error:
        check(the_cohort=cohort(project=other), taken=0)
    assert "cohort_id" in error.value.errors


def test_enrolling_after_the_project_ended_is_refused():
    with pytest.raises(ValidationFailed):
        check(on=date(2028, 1, 1))


def test_a_cohort_ended_before_the_enrolment_date_is_refused_beside_the_cohort():
    ended = cohort(ends_on=date(2026, 6, 30))
    with pytest.raises(ValidationFailed) as error:
        check(on=date(2026, 7, 1), the_cohort=ended, taken=0)
    assert error.value.errors["cohort_id"][0].msgid == "The cohort ended on {ends_on}, before the enrolment date."
    check(on=date(2026, 6, 30), the_cohort=ended, taken=0)  # its last day, or a late record of that day


def test_complete_sets_exit_and_records_the_event():
    record = enrolment()
    event = rules.complete(record, exited_on=date(2026, 6, 30), qualification_gained=True, today=TODAY)
    assert (record.status, record.exited_on, record.qualification_gained) == (
        rules.COMPLETED, date(2026, 6, 30), True)
    assert event.routing_key == "enrolment.completed"
    assert event.exited_on == date(2026, 6, 30)
    assert event.qualification_gained is True


def test_drop_out_keeps_the_reason_and_never_a_qualification():
    record = enrolment()
    event = rules.drop_out(record, exited_on=date(2026, 4, 1), reason="found_job", today=TODAY)
    assert (record.status, record.exit_reason, record.qualification_gained) == (
        rules.DROPPED_OUT, "found_job", False)
    assert event.routing_key == "enrolment.dropped_out"


def test_exit_on_the_entry_day_is_allowed_but_not_before():
    rules.drop_out(enrolment(), exited_on=date(2026, 3, 1), reason="other", today=TODAY)
    record = enrolment()
    with pytest.raises(ValidationFailed):
        rules.complete(record, exited_on=date(2026, 2, 28), qualification_gained=False, today=TODAY)
    assert record.status == rules.ENROLLED


@pytest.mark.parametrize("status", [rules.COMPLETED, rules.DROPPED_OUT])
@pytest.mark.parametrize("step", ["complete", "drop_out"])
def test_an_exited_enrolment_cannot_exit_again(status, step):
    record = enrolment(status=status)
    with pytest.raises(InvalidTransition):
        if step == "complete":
            rules.complete(record, exited_on=date(2026, 6, 1), qualification_gained=True, today=TODAY)
        else:
            rules.drop_out(record, exited_on=date(2026, 6, 1), reason="other", today=TODAY)
    assert record.status == status


def test_an_exit_in_the_future_is_refused():
    record = enrolment()
    with pytest.raises(ValidationFailed) as error:
        rules.complete(record, exited_on=date(2026, 11, 24), qualification_gained=True, today=TODAY)
    assert "exited_on" in error.value.errors and record.status == rules.ENROLLED


# --- the person as at entry ------------------------------------------------------------------------------

def person(**overrides):
    values = dict(id=uuid.uuid4(), birth_date=date(2000, 3, 2), labour_status="long_term_unemployed",
                  education_level="lower_secondary", settlement_type="rural", vulnerable_groups=["roma", "neet"],
                  citizenship="TR")
    return SimpleNamespace(**{**values, **overrides})


def entered(status=rules.ENROLLED, **at_entry):
    e = enrolment(status)
    rules.take_at_entry(e, person(), **at_entry)
    return e


def test_an_enrolment_takes_the_person_as_on_its_entry_date():
    e = entered()
    assert rules.at_entry(e) == {"labour_status": "long_term_unemployed", "age": 25, "education_level":
                                 "lower_secondary", "settlement_type": "rural", "vulnerable_groups": ["neet", "roma"],
                                 "citizenship": "TR"}
    assert entered(labour_status="employed").labour_status_at_entry == "employed"


def test_an_open_enrolment_follows_the_changed_facts_and_a_closed_one_does_not():
    edited = person(labour_status="employed", birth_date=date(2000, 2, 1), citizenship="SY", education_level="tertiary")
    open_, closed = entered(), entered(rules.COMPLETED)
    before = rules.at_entry(closed)
    for e in (open_, closed):
        rules.follow_person(e, edited, {"labour_status", "birth_date", "citizenship"})
    assert rules.at_entry(open_) == {**before, "labour_status": "employed", "age": 26, "citizenship": "SY"}
    assert rules.at_entry(closed) == before  # and education, not named as changed, stays on the open one too


def test_a_correction_names_what_it_changes_and_sets_nothing_itself():
    e = entered(rules.DROPPED_OUT)
    changes, event = rules.correct_entry(e, {"age": 30, "vulnerable_groups": ["roma", "neet", "roma"],
                                             "citizenship": None, "reason": "Checked."})
    assert changes == {"age": [25, 30], "citizenship": ["TR", None]}  # the groups were the same
    assert (event.routing_key, event.corrected, event.enrolment_id) == (
        "enrolment.entry_corrected", ("age", "citizenship"), e.id)
    assert e.age_at_entry == 25  # the service applies it, with its audit entry


@pytest.mark.parametrize("corrections, field", [
    ({"labour_status": "long_term_unemployed"}, "_schema"),
    ({}, "_schema"),
    ({"age": 14}, "age"),
    ({"age": 121}, "age"),
])
def test_a_correction_that_changes_nothing_or_an_impossible_age_is_refused(corrections, field):
    with pytest.raises(ValidationFailed) as error:
        rules.correct_entry(entered(), corrections)
    assert list(error.value.errors) == [field]
