"""Follow-up checkpoints: their windows, the status shown by today, and the day a status was observed."""

import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from service.domain import follow_ups as rules
from service.domain.errors import InvalidTransition, ValidationFailed

DUE_ON = date(2026, 6, 1)


def checkpoint(name="exit", status=rules.DUE, due_on=DUE_ON):
    return SimpleNamespace(id=uuid.uuid4(), organisation_id=uuid.uuid4(), enrolment_id=uuid.uuid4(),
                           trainee_id=uuid.uuid4(), checkpoint=name, due_on=due_on, status=status,
                           employment_status=None, wage_monthly=None, currency=None, source=None, placement_id=None,
                           observed_on=None)


def test_the_windows():
    assert rules.window_end("exit", DUE_ON) == date(2026, 6, 29)  # four weeks: "upon leaving"
    assert rules.window_end("month_6", DUE_ON) == date(2026, 8, 31)
    assert rules.window_end("month_12", DUE_ON) == date(2026, 8, 31)


@pytest.mark.parametrize("name, today, shown", [
    ("exit", DUE_ON - timedelta(days=1), "scheduled"),
    ("exit", DUE_ON, "due"),
    ("exit", DUE_ON + timedelta(days=28), "due"),
    ("exit", DUE_ON + timedelta(days=29), "overdue"),
    ("month_6", DUE_ON + timedelta(days=91), "due"),
    ("month_6", DUE_ON + timedelta(days=92), "overdue"),
])
def test_the_shown_status_of_an_unrecorded_checkpoint(name, today, shown):
    assert rules.shown_status(checkpoint(name), today) == shown


@pytest.mark.parametrize("status", [rules.RECORDED, rules.UNREACHABLE])
def test_a_resolved_checkpoint_shows_its_own_status(status):
    assert rules.shown_status(checkpoint(status=status), DUE_ON + timedelta(days=400)) == status


def record(follow_up, today, observed_on=None):
    return rules.record(follow_up, employment_status="employed", wage_monthly=None, currency=None,
                        source="caseworker", today=today, observed_on=observed_on)


def test_observed_on_is_today_by_default_while_the_window_is_open():
    follow_up = checkpoint()
    record(follow_up, DUE_ON + timedelta(days=5))
    assert follow_up.observed_on == DUE_ON + timedelta(days=5)


def test_observed_on_is_required_once_the_window_has_closed():
    late = DUE_ON + timedelta(days=60)
    with pytest.raises(ValidationFailed) as error:
        record(checkpoint(), late)
    assert list(error.value.errors) == ["observed_on"]
    follow_up = checkpoint()
    record(follow_up, late, observed_on=DUE_ON + timedelta(days=28))  # the window's last day, told later
    assert (follow_up.status, follow_up.observed_on) == (rules.RECORDED, DUE_ON + timedelta(days=28))


@pytest.mark.parametrize("observed_on, today", [
    (DUE_ON - timedelta(days=1), DUE_ON + timedelta(days=5)),    # before the due date
    (DUE_ON + timedelta(days=29), DUE_ON + timedelta(days=40)),  # after the window
    (DUE_ON + timedelta(days=6), DUE_ON + timedelta(days=5)),    # ahead of today
])
def test_observed_on_outside_the_window_or_ahead_of_today_is_refused(observed_on, today):
    for mark in (lambda f: record(f, today, observed_on),
                 lambda f: rules.mark_unreachable(f, today=today, observed_on=observed_on)):
        follow_up = checkpoint()
        with pytest.raises(ValidationFailed) as error:
            mark(follow_up)
        assert list(error.value.errors) == ["observed_on"]
        assert (follow_up.status, follow_up.observed_on) == (rules.DUE, None)


def test_not_due_and_recorded_are_refused_before_the_date_is_looked_at():
    with pytest.raises(ValidationFailed) as error:
        record(checkpoint(), DUE_ON - timedelta(days=1), observed_on=DUE_ON + timedelta(days=300))
    assert list(error.value.errors) == ["status"]
    with pytest.raises(InvalidTransition):
        record(checkpoint(status=rules.RECORDED), DUE_ON, observed_on=DUE_ON - timedelta(days=3))


def test_reopening_forgets_the_day_observed():
    follow_up = checkpoint()
    record(follow_up, DUE_ON, observed_on=DUE_ON)
    rules.reopen(follow_up)
    assert (follow_up.status, follow_up.observed_on) == (rules.DUE, None)
