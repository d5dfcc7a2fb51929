"""Issue 14's measured faults, one test each: every one asserts the new behaviour and fails on the code
before the issue (commit 60cc85c; what each failed with there is in the issue's closing report).

Each builds the smallest programme that shows its fault, through the API, with dates relative to
today (exits lie in the past; a checkpoint is recorded once due).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.days import today
from tests import factories
from tests.api.helpers import create_employer, create_project, enrol, ok, problem, register_trainee, url

ADMIN_EXACT = {"suppress": "false"}


def metrics(client, tenant, kind: str, role: str = "admin", **query) -> dict:
    if role == "admin":
        query = {**ADMIN_EXACT, **query}
    return ok(client.get(url(f"/metrics/{kind}"), query_string=query, headers=tenant.headers[role]))


def esf_rows(client, tenant, **query) -> dict[str, dict]:
    answer = metrics(client, tenant, "indicators", framework="esf_plus", **query)
    return {row["indicator"]: row for row in answer["indicators"]}


def complete(client, tenant, enrolment: dict, exited_on: date, qualification: bool = True) -> dict:
    return ok(client.post(url(f"/enrolments/{enrolment['id']}/complete"), headers=tenant.headers["caseworker"],
                          json={"exited_on": exited_on.isoformat(), "qualification_gained": qualification}))


def drop_out(client, tenant, enrolment: dict, exited_on: date, reason: str) -> dict:
    return ok(client.post(url(f"/enrolments/{enrolment['id']}/drop-out"), headers=tenant.headers["caseworker"],
                          json={"exited_on": exited_on.isoformat(), "reason": reason}))


def place(client, tenant, trainee: dict, employer: dict, started_on: date, *, formal: bool, hours: int = 40,
          wage: str = "30000.00", currency: str = "TRY") -> dict:
    return ok(client.post(url("/placements"), headers=tenant.headers["caseworker"], json={
        "trainee_id": trainee["id"], "employer_id": employer["id"], "started_on": started_on.isoformat(),
        "wage_monthly": wage, "currency": currency, "hours_per_week": hours, "contract_type": "permanent",
        "formal": formal}), 201)


def person(client, tenant, **overrides) -> dict:
    return register_trainee(client, tenant.headers["caseworker"], **overrides)


def test_employment_rate_6m_is_over_every_exiter_due_with_coverage(client, tenant):
    """Fault: "employment_rate_6m is 1.0: its denominator is answered month-6 checkpoints only"."""
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    employer = create_employer(client, caseworker)
    exited_on = today() - timedelta(days=400)  # month_6 due and its window over: overdue when not recorded
    employed, silent = person(client, tenant), person(client, tenant)
    for trainee in (employed, silent):
        complete(client, tenant, enrol(client, caseworker, trainee["id"], project["id"],
                                       enrolled_on=(exited_on - timedelta(days=90)).isoformat()), exited_on)
    # A formal job on the month_6 date: the checkpoint is recorded employed from it; the other is never collected.
    place(client, tenant, employed, employer, exited_on + timedelta(days=30), formal=True)

    answer = metrics(client, tenant, "outcomes")
    assert answer["employment_rate_6m"] == 0.5  # was 1.0: one employed among one recorded
    month_6 = answer["checkpoints"]["month_6"]
    assert (month_6["exiters_due"], month_6["employed"], month_6["recorded"], month_6["overdue"]) == (2, 1, 1, 1)
    assert month_6["employment_rate"] == 0.5 and month_6["coverage"] == 0.5
    assert month_6["employment_rate_recorded"] == 1.0


def test_in_employment_upon_leaving_counts_jobs_within_four_weeks_and_drop_outs_for_a_job(client, tenant):
    """Fault: "in_employment_upon_leaving is 1 while completers started a job 3-26 days after exit and others
    dropped out because they found a job"."""
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    employer = create_employer(client, caseworker)
    exited_on = today() - timedelta(days=100)
    entered = (exited_on - timedelta(days=60)).isoformat()
    informal, formal_late, left_for_job, too_late = (person(client, tenant) for _ in range(4))
    for trainee in (informal, formal_late, too_late):
        complete(client, tenant, enrol(client, caseworker, trainee["id"], project["id"], enrolled_on=entered),
                 exited_on)
    drop_out(client, tenant, enrol(client, caseworker, left_for_job["id"], project["id"], enrolled_on=entered),
             exited_on, "found_job")
    place(client, tenant, informal, employer, exited_on + timedelta(days=3), formal=False)
    place(client, tenant, formal_late, employer, exited_on + timedelta(days=26), formal=True)
    place(client, tenant, too_late, employer, exited_on + timedelta(days=29), formal=True)

    rows = esf_rows(client, tenant)
    assert rows["in_employment_upon_leaving"]["total"] == 3
    upon_leaving = metrics(client, tenant, "outcomes")["checkpoints"]["upon_leaving"]
    assert (upon_leaving["exiters_due"], upon_leaving["employed"]) == (4, 3)


def test_participants_are_people_per_project_and_the_statuses_add_up(client, tenant):
    """Fault: "participants (320) is not the sum of the employment-status categories: in_education is in no
    category, and re-entering the same project counts a person twice"."""
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    student = person(client, tenant, labour_status="in_education")
    returner = person(client, tenant, labour_status="unemployed")
    enrol(client, caseworker, student["id"], project["id"], enrolled_on=(today() - timedelta(days=50)).isoformat())
    first = enrol(client, caseworker, returner["id"], project["id"],
                  enrolled_on=(today() - timedelta(days=300)).isoformat())
    complete(client, tenant, first, today() - timedelta(days=200))
    enrol(client, caseworker, returner["id"], project["id"], enrolled_on=(today() - timedelta(days=30)).isoformat())

    rows = esf_rows(client, tenant)
    assert rows["participants"]["total"] == 2
    assert (rows["unemployed"]["total"], rows["inactive"]["total"], rows["employed"]["total"]) == (1, 1, 0)


def test_characteristics_at_entry_are_frozen_and_labour_status_is_given_at_enrolment(client, tenant):
    """Fault: "editing a person's education, settlement or groups rewrites last year's report, while labour
    status is fixed at registration and is stale for a later enrolment"."""
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    trainee = person(client, tenant, education_level="upper_secondary", settlement_type="urban",
                     vulnerable_groups=[], labour_status="unemployed")
    stay = enrol(client, caseworker, trainee["id"], project["id"],
                 enrolled_on=(today() - timedelta(days=400)).isoformat())
    complete(client, tenant, stay, today() - timedelta(days=300))
    before = esf_rows(client, tenant)
    ok(client.patch(url(f"/trainees/{trainee['id']}"), headers=caseworker, json={
        "education_level": "tertiary", "settlement_type": "rural", "vulnerable_groups": ["roma"]}))
    after = esf_rows(client, tenant)
    for code in ("isced_3_4", "isced_5_8", "rural_areas", "minorities_incl_roma"):
        assert after[code]["total"] == before[code]["total"], code
    assert (after["isced_3_4"]["total"], after["rural_areas"]["total"]) == (1, 0)

    # Registered unemployed a year ago, employed when enrolling in another project now.
    other = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    again = ok(client.post(url("/enrolments"), headers=caseworker, json={
        **factories.enrolment_body(trainee["id"], other["id"], enrolled_on=today().isoformat()),
        "labour_status_at_entry": "employed"}), 201)
    assert again["labour_status_at_entry"] == "employed"
    rows = esf_rows(client, tenant, project_id=other["id"])
    assert (rows["employed"]["total"], rows["unemployed"]["total"]) == (1, 0)


def test_results_are_filtered_by_the_exit_date(client, tenant):
    """Fault: "results are filtered by entry date: 35 of the 110 people who left in 2026 are in no 2026
    result figure"."""
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    exited_on = today() - timedelta(days=10)
    trainee = person(client, tenant)
    stay = enrol(client, caseworker, trainee["id"], project["id"],
                 enrolled_on=date(exited_on.year - 1, 6, 1).isoformat())
    complete(client, tenant, stay, exited_on, qualification=True)
    period = {"period_start": date(exited_on.year, 1, 1).isoformat(), "period_end": today().isoformat()}

    answer = metrics(client, tenant, "indicators", framework="esf_plus", **period)
    rows = {row["indicator"]: row for row in answer["indicators"]}
    assert rows["qualification_upon_leaving"]["total"] == 1
    assert rows["participants"]["total"] == 0  # an output: who entered in the period
    assert answer["period_basis"] == {"outputs": "entry", "results": "exit"}
    outcomes = metrics(client, tenant, "outcomes", **period)
    assert outcomes["period_basis"] == "exit" and outcomes["completed"] == 1


def test_esf_plus_age_groups_are_below_18_and_18_to_29(client, tenant):
    """Fault: "under_30 is 15-29; ESF+ Annex I asks for below 18 and 18-29"."""
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    entered = today() - timedelta(days=20)
    for years in (17, 18, 29, 30):
        birth = date(entered.year - years, entered.month, min(entered.day, 28)) - timedelta(days=5)
        trainee = person(client, tenant, birth_date=birth.isoformat())
        enrol(client, caseworker, trainee["id"], project["id"], enrolled_on=entered.isoformat())
    rows = esf_rows(client, tenant)
    assert "under_30" not in rows
    assert (rows["below_18"]["total"], rows["aged_18_29"]["total"]) == (1, 2)


def test_esf_plus_has_third_country_nationals_homeless_job_searching_and_improved_situation(client, tenant):
    """Fault: "third-country nationals, homeless, job searching upon leaving and improved labour-market situation
    are missing"."""
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    entered = (today() - timedelta(days=30)).isoformat()
    for citizenship, groups in (("SY", ["housing_exclusion"]), ("DE", []), (None, [])):
        trainee = person(client, tenant, vulnerable_groups=groups,
                         **({"citizenship": citizenship} if citizenship else {}))
        enrol(client, caseworker, trainee["id"], project["id"], enrolled_on=entered)
    rows = esf_rows(client, tenant)
    assert {"job_searching_upon_leaving", "improved_labour_market_situation_6m",
            "in_education_or_training_upon_leaving"} <= set(rows)
    assert (rows["third_country_nationals"]["total"], rows["homeless_or_housing_exclusion"]["total"]) == (1, 1)


def test_month_12_is_reported(client, tenant):
    """Fault: "month_12 is collected and never reported"."""
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    employer = create_employer(client, caseworker)
    exited_on = today() - timedelta(days=500)
    trainee = person(client, tenant)
    complete(client, tenant, enrol(client, caseworker, trainee["id"], project["id"],
                                   enrolled_on=(exited_on - timedelta(days=60)).isoformat()), exited_on)
    place(client, tenant, trainee, employer, exited_on + timedelta(days=200), formal=True)  # employed on day 365
    month_12 = metrics(client, tenant, "outcomes")["checkpoints"]["month_12"]
    assert (month_12["exiters_due"], month_12["employed"], month_12["recorded"]) == (1, 1, 1)


def test_wages_are_hourly_and_every_currency_is_reported(client, tenant):
    """Fault: "the median wage is the starting monthly wage, not adjusted for hours; other currencies are
    dropped silently"."""
    caseworker = tenant.headers["caseworker"]
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    employer = create_employer(client, caseworker)
    started = today() - timedelta(days=10)
    for wage, hours, currency in (("20000.00", 20, "TRY"), ("30000.00", 40, "TRY"), ("2000.00", 40, "EUR")):
        trainee = person(client, tenant)
        enrol(client, caseworker, trainee["id"], project["id"], enrolled_on=(started - timedelta(days=60)).isoformat())
        place(client, tenant, trainee, employer, started, formal=True, hours=hours, wage=wage, currency=currency)
    answer = metrics(client, tenant, "indicators", framework="ilo")
    # TRY: 20000 / (20 * 52/12) = 230.77 and 30000 / (40 * 52/12) = 173.08 an hour; the median is their mean.
    hourly = median_hourly_wages(answer)
    assert set(hourly) == {"TRY", "EUR"}
    assert abs(float(hourly["TRY"]) - 201.92) < 0.01
    assert abs(float(hourly["EUR"]) - 11.54) < 0.01


def median_hourly_wages(answer: dict) -> dict[str, str]:
    """{currency: total median hourly wage} from the ILO answer."""
    found = {}
    for row in answer.get("indicators", []):
        if row.get("indicator") == "median_hourly_wage" and row.get("currency"):
            found[row["currency"]] = row["total"]
    for currency, entry in (answer.get("median_hourly_wage") or {}).items():
        found[currency] = entry["total"] if isinstance(entry, dict) else entry
    return found


def test_four_sexes_and_gaps_for_every_pair(client, tenant):
    """Fault: "sex other mixes non-binary and not disclosed; gaps cover female/male only"."""
    caseworker = tenant.headers["caseworker"]
    problem_body = problem(client.post(url("/trainees"), headers=caseworker,
                                       json=factories.trainee_body(sex="other")), 422)
    assert "non_binary" in json.dumps(problem_body) and "undisclosed" in json.dumps(problem_body)
    project = create_project(client, tenant.headers["admin"], starts_on=None, ends_on=None)
    exited_on = today() - timedelta(days=40)
    for sex in ("female", "male", "non_binary", "undisclosed"):
        trainee = person(client, tenant, sex=sex)
        complete(client, tenant, enrol(client, caseworker, trainee["id"], project["id"],
                                       enrolled_on=(exited_on - timedelta(days=30)).isoformat()), exited_on)
    answer = metrics(client, tenant, "outcomes")
    text = json.dumps(answer["gaps"])
    for pair in ("female_male", "female_non_binary", "female_undisclosed", "male_non_binary", "male_undisclosed",
                 "non_binary_undisclosed"):
        assert pair in text, pair
    rows = esf_rows(client, tenant, period_basis="exit")
    assert {key for key in rows["participants"] if key in ("female", "male", "non_binary", "undisclosed")} == {
        "female", "male", "non_binary", "undisclosed"}


def test_a_hidden_count_hides_its_share_target_and_a_small_table_shows_no_cell(client, tenant):
    """Fault: "a share target shows met: true beside its suppressed count (one Roma person in a one-day period),
    and zeros are shown next to a total of 1"."""
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    ok(client.patch(url("/organisation"), headers=admin, json={
        "min_cell_size": 5, "share_targets": [{"dimension": "vulnerable_group", "value": "roma", "min_share": 0.5}]}))
    project = create_project(client, admin, starts_on=None, ends_on=None)
    day = today() - timedelta(days=3)
    trainee = person(client, tenant, vulnerable_groups=["roma"])
    enrol(client, caseworker, trainee["id"], project["id"], enrolled_on=day.isoformat())
    one_day = {"period_start": day.isoformat(), "period_end": day.isoformat()}

    reach = metrics(client, tenant, "reach", role="manager", **one_day)
    assert reach["reached"] == 1  # the total stays exact
    target = reach["share_targets"][0]
    assert (target["reached"], target["share"], target["met"]) == (None, None, None)
    by_sex = metrics(client, tenant, "reach", role="manager", by="sex", **one_day)
    assert [cell["reached"] for cell in by_sex["breakdown"]] == [None] * len(by_sex["breakdown"])
