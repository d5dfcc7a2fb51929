"""The employer side's state machines, every allowed and every refused transition:
referrals (referred -> interviewing -> hired | rejected; withdrawn from any open state),
vacancies (open -> filled | closed, back to open), placements (ended once) and follow-ups
(due -> recorded | unreachable; unreachable may still be recorded)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from service.domain import follow_ups, placements, referrals, vacancies
from service.domain.errors import InvalidTransition, ValidationFailed

TODAY = date(2026, 11, 23)

# ---------------------------------------------------------------------------------------------
# Referrals

REFERRAL_STATES = ("referred", "interviewing", "hired", "rejected", "withdrawn")
REFERRAL_STEPS = ("interview", "hire", "reject", "withdraw")
#: (state, step) -> resulting state; every pair not listed is refused.
REFERRAL_ALLOWED = {
    ("referred", "interview"): "interviewing",
    ("referred", "hire"): "hired",
    ("referred", "reject"): "rejected",
    ("referred", "withdraw"): "withdrawn",
    ("interviewing", "hire"): "hired",
    ("interviewing", "reject"): "rejected",
    ("interviewing", "withdraw"): "withdrawn",
}
REFERRAL_PAIRS = [(state, step) for state in REFERRAL_STATES for step in REFERRAL_STEPS]


def referral(status: str) -> SimpleNamespace:
    return SimpleNamespace(id=uuid.uuid4(), organisation_id=uuid.uuid4(), vacancy_id=uuid.uuid4(),
                           employer_id=uuid.uuid4(), trainee_id=uuid.uuid4(), status=status, note="private")


ALLOWED_PAIRS = [p for p in REFERRAL_PAIRS if p in REFERRAL_ALLOWED]
REFUSED_PAIRS = [p for p in REFERRAL_PAIRS if p not in REFERRAL_ALLOWED]


def _ids(pairs):
    return [f"{step}-from-{state}" for state, step in pairs]


@pytest.mark.parametrize(("state", "step"), ALLOWED_PAIRS, ids=_ids(ALLOWED_PAIRS))
def test_allowed_referral_steps(state, step):
    record = referral(state)
    referrals.step(record, step)
    assert record.status == REFERRAL_ALLOWED[(state, step)]


@pytest.mark.parametrize(("state", "step"), REFUSED_PAIRS, ids=_ids(REFUSED_PAIRS))
def test_refused_referral_steps(state, step):
    record = referral(state)
    with pytest.raises(InvalidTransition) as error:
        referrals.step(record, step)
    assert record.status == state
    assert error.value.extra == {"current_status": state}


def test_the_open_states_are_the_ones_steps_start_from():
    assert set(referrals.OPEN_STATUSES) == {state for state, _ in REFERRAL_ALLOWED}
    assert set(referrals.STATUSES) == set(REFERRAL_STATES)


@pytest.mark.parametrize("make_event", ["created", "hired"])
def test_referral_events_carry_ids_not_the_note(make_event):
    record = referral("hired")
    placement = SimpleNamespace(id=uuid.uuid4())
    event = referrals.created_event(record) if make_event == "created" else referrals.hired_event(record, placement)
    assert event.routing_key == f"referral.{make_event}"
    expected = {"organisation_id": record.organisation_id, "referral_id": record.id, "trainee_id": record.trainee_id,
                "vacancy_id": record.vacancy_id, "employer_id": record.employer_id}
    if make_event == "hired":
        expected["placement_id"] = placement.id
    assert asdict(event) == expected


# ---------------------------------------------------------------------------------------------
# Vacancies

VACANCY_STATES = ("open", "filled", "closed")
#: (from, to) -> allowed? Asking for the current status again changes nothing and is allowed.
VACANCY_TRANSITIONS = {
    ("open", "open"): True, ("open", "filled"): True, ("open", "closed"): True,
    ("filled", "filled"): True, ("filled", "open"): True, ("filled", "closed"): False,
    ("closed", "closed"): True, ("closed", "open"): True, ("closed", "filled"): False,
}


def vacancy(status: str, positions: int = 1) -> SimpleNamespace:
    return SimpleNamespace(id=uuid.uuid4(), status=status, positions=positions)


def test_the_vacancy_table_covers_every_pair():
    assert set(VACANCY_TRANSITIONS) == {(a, b) for a in VACANCY_STATES for b in VACANCY_STATES}
    assert set(vacancies.STATUSES) == set(VACANCY_STATES)


@pytest.mark.parametrize(("start", "target"), list(VACANCY_TRANSITIONS),
                         ids=[f"{a}-to-{b}" for a, b in VACANCY_TRANSITIONS])
def test_vacancy_status_changes(start, target):
    record = vacancy(start)
    if VACANCY_TRANSITIONS[(start, target)]:
        vacancies.change_status(record, target)
        assert record.status == target
    else:
        with pytest.raises(InvalidTransition) as error:
            vacancies.change_status(record, target)
        assert record.status == start
        assert error.value.extra == {"current_status": start}


@pytest.mark.parametrize(("status", "accepts"), [("open", True), ("filled", False), ("closed", False)])
def test_only_open_vacancies_take_referrals(status, accepts):
    if accepts:
        vacancies.check_open(vacancy(status))
    else:
        with pytest.raises(InvalidTransition) as error:
            vacancies.check_open(vacancy(status))
        assert error.value.extra == {"current_status": status}


@pytest.mark.parametrize(("status", "positions", "active", "changed", "after"), [
    ("open", 1, 0, False, "open"),
    ("open", 1, 1, True, "filled"),
    ("open", 3, 2, False, "open"),
    ("open", 3, 3, True, "filled"),
    ("open", 1, 2, True, "filled"),  # more hires than positions (positions lowered later)
    ("closed", 1, 5, False, "closed"),  # a closed vacancy stays closed
    ("filled", 1, 1, False, "filled"),
], ids=["none-taken", "last-taken", "some-taken", "all-taken", "over-taken", "closed", "already-filled"])
def test_fill_if_taken(status, positions, active, changed, after):
    record = vacancy(status, positions)
    assert vacancies.fill_if_taken(record, active) is changed
    assert record.status == after


# ---------------------------------------------------------------------------------------------
# Placements

def placement(started_on=date(2026, 7, 1), ended_on=None, end_reason=None) -> SimpleNamespace:
    return SimpleNamespace(id=uuid.uuid4(), organisation_id=uuid.uuid4(), trainee_id=uuid.uuid4(),
                           employer_id=uuid.uuid4(), vacancy_id=None, started_on=started_on,
                           wage_monthly=Decimal("28500.00"), currency="TRY", hours_per_week=45,
                           contract_type="permanent", formal=True, ended_on=ended_on, end_reason=end_reason)


@pytest.mark.parametrize("ended_on", [date(2026, 7, 1), date(2026, 7, 2), date(2030, 1, 1)],
                         ids=["same-day", "next-day", "years-later"])
def test_an_active_placement_ends_once(ended_on):
    record = placement()
    event = placements.end(record, ended_on=ended_on, reason="resigned")
    assert (record.ended_on, record.end_reason) == (ended_on, "resigned")
    assert event.routing_key == "placement.ended"
    assert (event.ended_on, event.reason) == (ended_on, "resigned")
    assert event.wage_monthly == Decimal("28500.00") and event.vacancy_id is None


def test_an_end_before_the_start_is_refused():
    record = placement()
    with pytest.raises(ValidationFailed) as error:
        placements.end(record, ended_on=date(2026, 6, 30), reason="resigned")
    assert list(error.value.errors) == ["ended_on"]
    assert (record.ended_on, record.end_reason) == (None, None)


@pytest.mark.parametrize("second_end", [date(2026, 9, 30), date(2026, 6, 30)], ids=["later", "before-start"])
def test_an_ended_placement_cannot_end_again(second_end):
    record = placement(ended_on=date(2026, 8, 31), end_reason="dismissed")
    with pytest.raises(InvalidTransition) as error:
        placements.end(record, ended_on=second_end, reason="resigned")
    assert (record.ended_on, record.end_reason) == (date(2026, 8, 31), "dismissed")
    assert error.value.extra == {"ended_on": "2026-08-31"}


@pytest.mark.parametrize(("ended_on", "day", "active"), [
    (None, date(2026, 6, 30), False),
    (None, date(2026, 7, 1), True),
    (None, date(2036, 7, 1), True),
    (date(2026, 8, 31), date(2026, 8, 31), True),
    (date(2026, 8, 31), date(2026, 9, 1), False),
], ids=["before-start", "start-day", "open-ended", "end-day", "after-end"])
def test_active_on(ended_on, day, active):
    assert placements.active_on(placement(ended_on=ended_on), day) is active


# ---------------------------------------------------------------------------------------------
# Follow-ups

def follow_up(status="due", due_on=TODAY, **fields) -> SimpleNamespace:
    values = dict(id=uuid.uuid4(), organisation_id=uuid.uuid4(), enrolment_id=uuid.uuid4(),
                  trainee_id=uuid.uuid4(), checkpoint="month_6", due_on=due_on, status=status,
                  employment_status=None, wage_monthly=None, currency=None, source=None)
    values.update(fields)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(("exited_on", "expected"), [
    (date(2026, 6, 30), {"exit": date(2026, 6, 30), "month_6": date(2026, 12, 29), "month_12": date(2027, 6, 30)}),
    (date(2027, 3, 1), {"exit": date(2027, 3, 1), "month_6": date(2027, 8, 30), "month_12": date(2028, 2, 29)}),
    (date(9998, 12, 31), {"exit": date(9998, 12, 31), "month_6": date(9999, 7, 1), "month_12": date(9999, 12, 31)}),
], ids=["ordinary", "across-a-leap-day", "last-possible"])
def test_due_dates(exited_on, expected):
    assert follow_ups.due_dates(exited_on) == expected


@pytest.mark.parametrize("exited_on", [date(9999, 1, 1), date.max], ids=["month-12-overflows", "date-max"])
def test_due_dates_beyond_the_calendar_are_a_validation_error(exited_on):
    with pytest.raises(ValidationFailed) as error:
        follow_ups.due_dates(exited_on)
    assert list(error.value.errors) == ["exited_on"]


def record(item, employment_status="employed", wage=None, currency=None, today=TODAY):
    return follow_ups.record(item, employment_status=employment_status, wage_monthly=wage, currency=currency,
                             source="caseworker", today=today)


#: (status before, action) -> status after, or the error it raises.
FOLLOW_UP_TRANSITIONS = {
    ("due", "record"): "recorded",
    ("due", "unreachable"): "unreachable",
    ("unreachable", "record"): "recorded",
    ("unreachable", "unreachable"): "unreachable",
    ("recorded", "record"): InvalidTransition,
    ("recorded", "unreachable"): InvalidTransition,
}


@pytest.mark.parametrize(("status", "action"), list(FOLLOW_UP_TRANSITIONS),
                         ids=[f"{action}-when-{status}" for status, action in FOLLOW_UP_TRANSITIONS])
def test_follow_up_transitions(status, action):
    outcome = FOLLOW_UP_TRANSITIONS[(status, action)]
    item = follow_up(status, employment_status="unknown" if status != "due" else None,
                     source="caseworker" if status != "due" else None)
    before = dict(vars(item))

    def act():
        if action == "record":
            return record(item, "employed", Decimal("27000.00"), "TRY")
        return follow_ups.mark_unreachable(item, today=TODAY)

    if outcome is InvalidTransition:
        with pytest.raises(InvalidTransition) as error:
            act()
        assert vars(item) == before
        assert error.value.extra == {"current_status": status}
        return
    event = act()
    assert item.status == outcome
    assert event.routing_key == "follow_up.recorded" and event.status == outcome
    if outcome == "recorded":
        assert (item.employment_status, item.wage_monthly, item.currency, item.source) == (
            "employed", Decimal("27000.00"), "TRY", "caseworker")
    else:
        assert item.employment_status != "unemployed"
        assert (item.wage_monthly, item.currency) == (None, None)


@pytest.mark.parametrize("action", ["record", "unreachable"])
@pytest.mark.parametrize(("due_in", "allowed"), [(-1, True), (0, True), (1, False)],
                         ids=["due-yesterday", "due-today", "due-tomorrow"])
def test_a_checkpoint_is_recorded_once_due(action, due_in, allowed):
    item = follow_up(due_on=TODAY + timedelta(days=due_in))

    def act():
        if action == "record":
            return record(item, "unemployed")
        return follow_ups.mark_unreachable(item, today=TODAY)

    if allowed:
        act()
        assert item.status == ("recorded" if action == "record" else "unreachable")
    else:
        with pytest.raises(ValidationFailed) as error:
            act()
        assert list(error.value.errors) == ["status"] and item.status == "due"


@pytest.mark.parametrize(("employment_status", "wage", "currency", "field"), [
    ("employed", Decimal("27000"), "TRY", None),
    ("self_employed", Decimal("9000.50"), "EUR", None),
    ("employed", None, None, None),
    ("unemployed", None, None, None),
    ("in_education", None, None, None),
    ("inactive", None, None, None),
    ("unknown", None, None, None),
    ("unemployed", Decimal("100"), "TRY", "wage_monthly"),
    ("in_education", Decimal("100"), "TRY", "wage_monthly"),
    ("inactive", Decimal("100"), "TRY", "wage_monthly"),
    ("unknown", Decimal("100"), "TRY", "wage_monthly"),
    ("employed", Decimal("100"), None, "currency"),
    ("employed", None, "TRY", "currency"),
], ids=lambda v: str(v))
def test_a_wage_only_for_people_who_earn_one_and_with_its_currency(employment_status, wage, currency, field):
    item = follow_up()
    if field is None:
        event = record(item, employment_status, wage, currency)
        assert (item.status, item.employment_status, item.wage_monthly, item.currency) == (
            "recorded", employment_status, wage, currency)
        assert event.wage_monthly == wage
    else:
        with pytest.raises(ValidationFailed) as error:
            record(item, employment_status, wage, currency)
        assert list(error.value.errors) == [field]
        assert (item.status, item.employment_status) == ("due", None)


def test_the_recorded_event_names_no_person():
    item = follow_up()
    event = record(item, "employed", Decimal("27000.00"), "TRY")
    assert set(asdict(event)) == {"organisation_id", "follow_up_id", "enrolment_id", "trainee_id", "checkpoint",
                                  "due_on", "status", "employment_status", "wage_monthly", "currency", "source"}
    assert event.wage_monthly == Decimal("27000.00") and event.due_on == TODAY
