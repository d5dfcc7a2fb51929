"""`/follow-ups`: an exit schedules the exit, month_6 and month_12 checkpoints (due on the exit,
182 and 365 days later); caseworkers and admins record what became of the person, managers read,
employer users see none of it.

Recording is only allowed once a checkpoint is due, so the tests that record place the exit
relative to today: 200 days ago, the exit checkpoint is overdue (its 28 days are over), month_6 is
due (18 of its 91 days gone) and month_12 is scheduled. A status refers to the day it was observed
(`observed_on`), in the checkpoint's window and not ahead of today.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.days import today
from tests import factories
from tests.api.conftest import build_employer, ids, ok, problem, random_id, url


@pytest.fixture
def project(client, tenant):
    """A project without dates, so that enrolments may lie anywhere in time."""
    return ok(client.post(url("/projects"), json=factories.project_body(starts_on=None, ends_on=None),
                          headers=tenant.headers["admin"]), 201)


def enrolled(client, tenant, project, enrolled_on: date) -> dict:
    caseworker = tenant.headers["caseworker"]
    trainee = ok(client.post(url("/trainees"), json=factories.trainee_body(), headers=caseworker), 201)
    return ok(client.post(url("/enrolments"), headers=caseworker, json=factories.enrolment_body(
        trainee["id"], project["id"], enrolled_on=enrolled_on.isoformat())), 201)


def exit_(client, tenant, enrolment, exited_on: date, how: str = "complete"):
    body = {"exited_on": exited_on.isoformat()}
    body.update({"qualification_gained": True} if how == "complete" else {"reason": "found_job"})
    return client.post(url(f"/enrolments/{enrolment['id']}/{how}"), json=body, headers=tenant.headers["caseworker"])


def checkpoints(client, tenant, enrolment) -> dict[str, dict]:
    listed = ok(client.get(url("/follow-ups"), query_string={"enrolment_id": enrolment["id"]},
                           headers=tenant.headers["caseworker"]))
    return {item["checkpoint"]: item for item in listed["items"]}


def exited_200_days_ago(client, tenant, project) -> dict[str, dict]:
    """A fresh exit whose exit and month_6 checkpoints are due and whose month_12 is not."""
    enrolment = enrolled(client, tenant, project, today() - timedelta(days=300))
    ok(exit_(client, tenant, enrolment, today() - timedelta(days=200)))
    return checkpoints(client, tenant, enrolment)


def record(client, headers, follow_up_id, **body):
    return client.post(url(f"/follow-ups/{follow_up_id}"), json=body, headers=headers)


#: The windows as the design fixes them (days after the due date), written out here on purpose.
WINDOWS = {"exit": 28, "month_6": 91, "month_12": 91}


def in_window(follow_up: dict, days: int = 3) -> str:
    """A day inside the checkpoint's window, `days` after its due date."""
    return (date.fromisoformat(follow_up["due_on"]) + timedelta(days=days)).isoformat()


def expected_status(checkpoint: str, due_on: str) -> str:
    """A checkpoint nobody has recorded, as shown today."""
    due = date.fromisoformat(due_on)
    if today() < due:
        return "scheduled"
    return "due" if today() <= due + timedelta(days=WINDOWS[checkpoint]) else "overdue"


@pytest.mark.parametrize("how", ["complete", "drop-out"])
@pytest.mark.parametrize(("exited_on", "month_6", "month_12"), [
    ("2026-06-30", "2026-12-29", "2027-06-30"),
    ("2023-03-01", "2023-08-30", "2024-02-29"),  # 365 days, not "a year": 2024 is a leap year
    ("2026-01-31", "2026-08-01", "2027-01-31"),
])
def test_an_exit_schedules_three_checkpoints(client, tenant, project, row_counts, how, exited_on, month_6, month_12):
    enrolment = enrolled(client, tenant, project, date(2022, 9, 1))
    before = row_counts(tenant)
    ok(exit_(client, tenant, enrolment, date.fromisoformat(exited_on), how))
    scheduled = checkpoints(client, tenant, enrolment)
    assert {name: item["due_on"] for name, item in scheduled.items()} == {
        "exit": exited_on, "month_6": month_6, "month_12": month_12}
    for name, item in scheduled.items():
        assert {k: item[k] for k in ("enrolment_id", "trainee_id", "status", "employment_status", "wage_monthly",
                                      "currency", "source", "placement_id", "observed_on", "window_ends_on")} == {
            "enrolment_id": enrolment["id"], "trainee_id": enrolment["trainee_id"],
            "status": expected_status(name, item["due_on"]), "employment_status": None, "wage_monthly": None,
            "currency": None, "source": None, "placement_id": None, "observed_on": None,
            "window_ends_on": (date.fromisoformat(item["due_on"]) + timedelta(days=WINDOWS[name])).isoformat()}
    assert row_counts(tenant)["follow_ups"] == before["follow_ups"] + 3


def test_list_filters(client, tenant, project, subtests):
    early = enrolled(client, tenant, project, date(2026, 1, 5))
    late = enrolled(client, tenant, project, date(2026, 1, 5))
    still_enrolled = enrolled(client, tenant, project, date(2026, 1, 5))
    ok(exit_(client, tenant, early, date(2026, 3, 31), "drop-out"))
    ok(exit_(client, tenant, late, date(2026, 6, 30)))
    e, l = checkpoints(client, tenant, early), checkpoints(client, tenant, late)  # noqa: E741
    ok(record(client, tenant.headers["caseworker"], e["exit"]["id"], status="recorded", employment_status="unemployed",
              observed_on="2026-04-10"))
    ok(record(client, tenant.headers["caseworker"], l["exit"]["id"], status="unreachable", observed_on="2026-07-01"))
    cases = [  # the shown statuses of unrecorded ones move with today: test_shown_statuses has them
        ({}, [e["exit"], e["month_6"], e["month_12"], l["exit"], l["month_6"], l["month_12"]]),
        ({"status": "recorded"}, [e["exit"]]),
        ({"status": "unreachable"}, [l["exit"]]),
        ({"checkpoint": "month_6"}, [e["month_6"], l["month_6"]]),
        ({"enrolment_id": late["id"]}, [l["exit"], l["month_6"], l["month_12"]]),
        ({"enrolment_id": still_enrolled["id"]}, []),
        ({"trainee_id": early["trainee_id"], "checkpoint": "month_12"}, [e["month_12"]]),
        ({"due_from": "2026-06-30"}, [e["month_6"], e["month_12"], l["exit"], l["month_6"], l["month_12"]]),
        ({"due_to": "2026-09-29"}, [e["exit"], e["month_6"], l["exit"]]),
        ({"due_from": "2026-09-30", "due_to": "2026-12-31"}, [l["month_6"]]),
        ({"due_from": "2027-07-01"}, []),
        ({"status": "unreachable", "due_to": "2026-12-31"}, [l["exit"]]),
    ]
    for query, expected in cases:
        with subtests.test(query=query):
            listed = ok(client.get(url("/follow-ups"), query_string=query, headers=tenant.headers["manager"]))
            assert sorted(ids(listed)) == sorted(item["id"] for item in expected)


def test_shown_statuses_and_the_status_filter(client, tenant, project):
    """`scheduled` before the due date, `due` through the last day of the window, `overdue` after it;
    the filter takes each shown status, and the stored `due` is split by today's date."""
    exits = {days: enrolled(client, tenant, project, today() - timedelta(days=days + 30))
             for days in (0, 28, 29, 182 + 91, 182 + 92)}
    for days, enrolment in exits.items():
        ok(exit_(client, tenant, enrolment, today() - timedelta(days=days)))
    shown = {days: {name: item["status"] for name, item in checkpoints(client, tenant, enrolment).items()}
             for days, enrolment in exits.items()}
    assert shown == {
        0: {"exit": "due", "month_6": "scheduled", "month_12": "scheduled"},    # due today
        28: {"exit": "due", "month_6": "scheduled", "month_12": "scheduled"},   # the window's last day
        29: {"exit": "overdue", "month_6": "scheduled", "month_12": "scheduled"},
        273: {"exit": "overdue", "month_6": "due", "month_12": "scheduled"},    # month_6: 91 days after
        274: {"exit": "overdue", "month_6": "overdue", "month_12": "scheduled"},
    }
    by_id = {item["id"]: (days, item["checkpoint"]) for days, enrolment in exits.items()
             for item in checkpoints(client, tenant, enrolment).values()}
    for status in ("scheduled", "due", "overdue", "recorded", "unreachable"):
        listed = ok(client.get(url("/follow-ups"), query_string={"status": status, "limit": 100},
                               headers=tenant.headers["manager"]))
        assert {by_id[i] for i in ids(listed)} == {
            (days, name) for days, statuses in shown.items() for name, value in statuses.items() if value == status}
        assert {item["status"] for item in listed["items"]} <= {status}
    overdue_exit = checkpoints(client, tenant, exits[29])["exit"]
    assert ok(record(client, tenant.headers["caseworker"], overdue_exit["id"], status="recorded",
                     employment_status="employed", observed_on=in_window(overdue_exit, 27)))["status"] == "recorded"
    assert by_id[overdue_exit["id"]] in {by_id[i] for i in ids(ok(client.get(
        url("/follow-ups"), query_string={"status": "recorded"}, headers=tenant.headers["manager"])))}


def test_observed_on_defaults_to_today_while_the_window_is_open(client, tenant, project):
    scheduled = exited_200_days_ago(client, tenant, project)
    recorded = ok(record(client, tenant.headers["caseworker"], scheduled["month_6"]["id"], status="recorded",
                         employment_status="unemployed"))
    assert recorded["observed_on"] == today().isoformat()
    unreachable = ok(record(client, tenant.headers["caseworker"], scheduled["exit"]["id"], status="unreachable",
                            observed_on=in_window(scheduled["exit"], 28)))
    assert unreachable["observed_on"] == in_window(scheduled["exit"], 28)


def test_observed_on_outside_the_window_or_ahead_is_422(client, tenant, project, row_counts, subtests):
    scheduled = exited_200_days_ago(client, tenant, project)
    exit_checkpoint, month_6 = scheduled["exit"], scheduled["month_6"]
    cases = {
        "required-once-the-window-closed": (exit_checkpoint, {}),
        "after-the-window": (exit_checkpoint, {"observed_on": in_window(exit_checkpoint, 29)}),
        "before-the-due-date": (exit_checkpoint, {"observed_on": in_window(exit_checkpoint, -1)}),
        "before-the-due-date-unreachable": (month_6, {"observed_on": in_window(month_6, -1), "unreachable": True}),
        "in-the-future": (month_6, {"observed_on": (today() + timedelta(days=1)).isoformat()}),
        "not-a-date": (month_6, {"observed_on": "2026-02-30"}),
        "a-number": (month_6, {"observed_on": 20260301}),
    }
    before = row_counts(tenant)
    for name, (follow_up, extra) in cases.items():
        with subtests.test(name):
            body = ({"status": "unreachable"} if extra.pop("unreachable", False)
                    else {"status": "recorded", "employment_status": "employed"})
            answer = problem(record(client, tenant.headers["caseworker"], follow_up["id"], **body, **extra), 422)
            assert list(answer["errors"]) == ["observed_on"]
            assert row_counts(tenant) == before
    assert checkpoints(client, tenant, {"id": exit_checkpoint["enrolment_id"]}) == scheduled


BAD_QUERIES = {
    "unknown-status": {"status": "open"},
    "unknown-checkpoint": {"checkpoint": "month_3"},
    "impossible-date": {"due_from": "2026-02-30"},
    "enrolment-id-not-a-uuid": {"enrolment_id": "17"},
    "unknown-parameter": {"employer_id": random_id()},
}


def test_bad_list_parameters_are_422(client, tenant, subtests):
    for name, query in BAD_QUERIES.items():
        with subtests.test(name):
            body = problem(client.get(url("/follow-ups"), query_string=query, headers=tenant.headers["caseworker"]),
                           422)
            assert list(body["errors"]) == list(query)


RECORDINGS = [
    ({"employment_status": "employed", "wage_monthly": "28500", "currency": "TRY"}, "28500.00", "TRY"),
    ({"employment_status": "self_employed", "wage_monthly": 9000.5, "currency": "EUR"}, "9000.50", "EUR"),
    ({"employment_status": "employed"}, None, None),
    ({"employment_status": "unemployed"}, None, None),
    ({"employment_status": "in_education"}, None, None),
    ({"employment_status": "inactive"}, None, None),
    ({"employment_status": "unknown"}, None, None),
    ({"employment_status": "unemployed", "wage_monthly": None, "currency": None}, None, None),
]


@pytest.mark.parametrize("role", ["caseworker", "admin"])
def test_record_an_outcome(client, tenant, project, row_counts, subtests, role):
    headers = tenant.headers[role]
    for body, wage, currency in RECORDINGS:
        with subtests.test(**body):
            follow_up = exited_200_days_ago(client, tenant, project)["month_6"]
            before = row_counts(tenant)
            recorded = ok(record(client, headers, follow_up["id"], status="recorded", **body))
            assert recorded == {**follow_up, "status": "recorded", "employment_status": body["employment_status"],
                                "wage_monthly": wage, "currency": currency, "source": "caseworker",
                                "observed_on": today().isoformat(), "updated_at": recorded["updated_at"]}
            assert ok(client.get(url(f"/follow-ups/{follow_up['id']}"), headers=headers)) == recorded
            after = row_counts(tenant)
            assert (after["follow_ups"], after["outbox"]) == (before["follow_ups"], before["outbox"] + 1)


def test_unreachable_is_not_unemployed_and_may_be_recorded_later(client, tenant, project, row_counts):
    caseworker = tenant.headers["caseworker"]
    scheduled = exited_200_days_ago(client, tenant, project)
    unreachable = ok(record(client, caseworker, scheduled["exit"]["id"], status="unreachable",
                            observed_on=in_window(scheduled["exit"], 5)))
    unemployed = ok(record(client, caseworker, scheduled["month_6"]["id"], status="recorded",
                           employment_status="unemployed"))
    assert unreachable["status"] == "unreachable" and unreachable["employment_status"] != "unemployed"
    assert (unreachable["wage_monthly"], unreachable["currency"]) == (None, None)
    assert unemployed["status"] == "recorded" and unemployed["employment_status"] == "unemployed"
    by_status = lambda status: ids(ok(client.get(url("/follow-ups"), headers=caseworker,  # noqa: E731
                                                 query_string={"status": status})))
    assert by_status("unreachable") == [unreachable["id"]]
    assert by_status("recorded") == [unemployed["id"]]

    reached = ok(record(client, caseworker, unreachable["id"], status="recorded", employment_status="employed",
                        wage_monthly="27000.00", currency="TRY", observed_on=in_window(scheduled["exit"], 20)))
    assert (reached["status"], reached["employment_status"], reached["wage_monthly"], reached["observed_on"]) == (
        "recorded", "employed", "27000.00", in_window(scheduled["exit"], 20))
    assert by_status("unreachable") == []


@pytest.mark.parametrize("second", [
    pytest.param({"status": "recorded", "employment_status": "employed"}, id="record-again"),
    pytest.param({"status": "unreachable"}, id="unreachable-after-recorded"),
])
def test_a_recorded_checkpoint_is_409(client, tenant, project, row_counts, second):
    caseworker = tenant.headers["caseworker"]
    follow_up = exited_200_days_ago(client, tenant, project)["exit"]
    first = ok(record(client, caseworker, follow_up["id"], status="recorded", employment_status="unemployed",
                      observed_on=in_window(follow_up)))
    before = row_counts(tenant)
    body = problem(record(client, caseworker, follow_up["id"], **second), 409)
    assert body["current_status"] == "recorded"
    assert row_counts(tenant) == before
    assert ok(client.get(url(f"/follow-ups/{follow_up['id']}"), headers=caseworker)) == first


@pytest.mark.parametrize("body", [
    pytest.param({"status": "recorded", "employment_status": "unemployed"}, id="recorded"),
    pytest.param({"status": "unreachable"}, id="unreachable"),
])
def test_a_checkpoint_not_yet_due_is_422(client, tenant, project, row_counts, body):
    month_12 = exited_200_days_ago(client, tenant, project)["month_12"]
    assert date.fromisoformat(month_12["due_on"]) > today()
    before = row_counts(tenant)
    assert list(problem(record(client, tenant.headers["caseworker"], month_12["id"], **body), 422)["errors"]) == [
        "status"]
    assert row_counts(tenant) == before
    assert ok(client.get(url(f"/follow-ups/{month_12['id']}"), headers=tenant.headers["caseworker"])) == month_12


def test_a_checkpoint_due_today_may_be_recorded(client, tenant, project):
    enrolment = enrolled(client, tenant, project, today() - timedelta(days=100))
    ok(exit_(client, tenant, enrolment, today()))
    exit_checkpoint = checkpoints(client, tenant, enrolment)["exit"]
    assert ok(record(client, tenant.headers["caseworker"], exit_checkpoint["id"], status="recorded",
                     employment_status="in_education"))["status"] == "recorded"


BAD_RECORDINGS = {
    "no-status": ({"employment_status": "employed"}, ["status"]),
    "status-due": ({"status": "due", "employment_status": "employed"}, ["status"]),
    "recorded-without-employment-status": ({"status": "recorded"}, ["employment_status"]),
    "recorded-with-null-employment-status": ({"status": "recorded", "employment_status": None},
                                             ["employment_status"]),
    "unknown-employment-status": ({"status": "recorded", "employment_status": "retired"}, ["employment_status"]),
    "wage-when-unemployed": ({"status": "recorded", "employment_status": "unemployed", "wage_monthly": "100",
                              "currency": "TRY"}, ["wage_monthly"]),
    "wage-when-unknown": ({"status": "recorded", "employment_status": "unknown", "wage_monthly": "100",
                           "currency": "TRY"}, ["wage_monthly"]),
    "wage-without-currency": ({"status": "recorded", "employment_status": "employed", "wage_monthly": "100"},
                              ["currency"]),
    "currency-without-wage": ({"status": "recorded", "employment_status": "employed", "currency": "TRY"},
                              ["currency"]),
    "unreachable-with-an-outcome": ({"status": "unreachable", "employment_status": "unemployed"},
                                    ["employment_status"]),
    "unreachable-with-a-wage": ({"status": "unreachable", "wage_monthly": "100", "currency": "TRY"},
                                ["currency", "wage_monthly"]),
    "negative-wage": ({"status": "recorded", "employment_status": "employed", "wage_monthly": "-5",
                       "currency": "TRY"}, ["wage_monthly"]),
    "unknown-currency": ({"status": "recorded", "employment_status": "employed", "wage_monthly": "5",
                          "currency": "ABC"}, ["currency"]),
    "source-is-not-the-callers": ({"status": "recorded", "employment_status": "employed", "source": "placement"},
                                  ["source"]),
}


def test_bad_recordings_are_422_and_change_nothing(client, tenant, project, row_counts, subtests):
    scheduled = exited_200_days_ago(client, tenant, project)
    before = row_counts(tenant)
    for name, (body, fields) in BAD_RECORDINGS.items():
        with subtests.test(name):
            answer = problem(record(client, tenant.headers["caseworker"], scheduled["exit"]["id"], **body), 422)
            assert sorted(answer["errors"]) == fields
            assert row_counts(tenant) == before
    assert checkpoints(client, tenant, {"id": scheduled["exit"]["enrolment_id"]}) == scheduled


def test_who_may_read_and_record(client, tenant, project, row_counts, subtests):
    scheduled = exited_200_days_ago(client, tenant, project)
    employer = build_employer(client, tenant)
    follow_up = scheduled["exit"]
    body = {"status": "recorded", "employment_status": "unemployed", "observed_on": in_window(follow_up)}
    cases = [("manager", tenant.headers["manager"], 200, 403), ("employer", employer.headers, 403, 403),
             ("no token", {}, 401, 401)]
    before = row_counts(tenant)
    for who, headers, read, write in cases:
        with subtests.test(who=who):
            for response in (client.get(url("/follow-ups"), headers=headers),
                             client.get(url(f"/follow-ups/{follow_up['id']}"), headers=headers)):
                if read == 200:
                    ok(response)
                else:
                    problem(response, read)
            problem(record(client, headers, follow_up["id"], **body), write)
            assert row_counts(tenant) == before
    ok(record(client, tenant.headers["caseworker"], follow_up["id"], **body))
    ok(record(client, tenant.headers["admin"], scheduled["month_6"]["id"], status="recorded",
              employment_status="unemployed"))


def test_unknown_and_foreign_follow_ups_are_404(client, tenant, other_tenant, project):
    theirs = ok(client.post(url("/projects"), json=factories.project_body(starts_on=None, ends_on=None),
                            headers=other_tenant.headers["admin"]), 201)
    foreign = exited_200_days_ago(client, other_tenant, theirs)["exit"]
    headers = tenant.headers["caseworker"]
    body = {"status": "recorded", "employment_status": "unemployed"}
    for target in (foreign["id"], random_id()):
        assert problem(client.get(url(f"/follow-ups/{target}"), headers=headers), 404)["detail"] == (
            "Follow-up not found.")
        assert problem(record(client, headers, target, **body), 404)["detail"] == "Follow-up not found."
    assert foreign["id"] not in ids(ok(client.get(url("/follow-ups"), headers=headers)))
    assert ok(client.get(url(f"/follow-ups/{foreign['id']}"), headers=other_tenant.headers["caseworker"]))[
        "status"] == "overdue"
