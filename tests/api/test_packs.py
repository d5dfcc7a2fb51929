"""The WIOA and ILO indicator packs (service.metrics.packs) over a programme built through the API, on
SQLite and PostgreSQL; every figure is known by construction (the table below), suppression off and on.

Project P (all in the tenant), figures read on REPORT_DAY = 2026-07-15. Employers E1, E2.

    person  sex          enrolled    final exit            jobs (employer, start..end, wage, hours, contract, formal)
    A1      female       2024-10-01  2025-03-31 qualified  E1 2025-05-01.. 30000 TRY 40h permanent formal
    A2      female       2024-10-01  2025-03-31            E1 2025-07-01..2025-09-30 26000 TRY 45h permanent formal;
                                                           E2 2026-01-01.. 20000 TRY 20h fixed_term informal
    A3      male         2024-10-01  2025-03-31 qualified  E2 2025-08-15..2025-12-31 1500 USD 40h seasonal informal
    A4      male         2024-10-01  2025-03-31            none; month_6 follow-up recorded employed, no wage,
                                                           observed 2025-09-30
    A5      non_binary   2024-10-01  2025-03-31 qualified  none
    B1      undisclosed  2024-10-01  2025-04-01 qualified  E1 2025-12-31.. 32000 TRY 40h permanent formal
    B2      female       2024-10-01  2025-04-01            E2 2026-01-01.. 1800 USD 40h apprenticeship formal
    B3      non_binary   2024-09-01  2024-12-01 dropped out, re-entered 2025-01-10, 2025-04-01 qualified
                                                           E1 2025-11-01..2026-02-15 28000 TRY 45h fixed_term formal
    C1      female       2025-03-01  2025-10-01            E1 2026-04-10.. 31000 TRY 40h permanent formal
    C2      male         2025-03-01  2025-10-01            none
    D1      male         2025-06-01  2026-01-15            E2 2026-03-01.. 27000 TRY 40h permanent formal
    E1      undisclosed  2023-09-01  2024-02-29 qualified  E2 2024-08-01.. 1600 USD 40h permanent formal
    F1      female       never enrolled                    E2 2025-06-01.. 25000 TRY 40h permanent formal
    G1      female       2026-01-05  (still enrolled)      none
    X1      male         in project Q: 2024-10-01..2025-03-31, E1 2025-05-01.. 29000 TRY 40h permanent formal

Exit quarter 2025-Q1 (A): Q2 after it is 2025-Q3, Q4 is 2026-Q1. 2025-Q2 (B): 2025-Q4 and 2026-Q2 (ended on
2026-06-30). 2025-Q4 (C): 2026-Q2 and 2026-Q4 (not ended). 2026-Q1 (D): Q2 not ended. 2024-Q1 (E, a leap
day): 2024-Q3 and 2025-Q1. So A2's first job ends on its Q2's last day, B1's starts on it, B2's starts the
day after; A3's and B3's jobs span Q2 but not Q4; A1, B1, E1 stay with the same employer, A2 changes.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from fractions import Fraction
from statistics import median

import pytest
from openpyxl import load_workbook

from schemas.packs import IloPackSchema, PackRowSchema, WioaPackSchema
from service.domain.errors import ValidationFailed
from service.metrics.aggregates import Scope
from service.metrics.packs import PACKS
from service.metrics.exports import to_csv, to_xlsx
from service.metrics.reports import Request
from service.metrics.tables import tables
from tests.api.conftest import work_terms
from tests.api.helpers import create_employer, create_project, enrol, ok, register_trainee, url

REPORT_DAY = date(2026, 7, 15)
SEXES = ("female", "male", "non_binary", "undisclosed")


class World:
    def __init__(self, tenant, project, other_project):
        self.tenant, self.project, self.other_project = tenant, project, other_project

    def scope(self, project=True, **period) -> Scope:
        return Scope(uuid.UUID(self.tenant.organisation_id),
                     uuid.UUID(self.project["id"]) if project else None, **period)


# person: (sex, [(enrolled_on, exit, exited_on, qualified)], [job terms], project)
PEOPLE = {
    "A1": ("female", [("2024-10-01", "complete", "2025-03-31", True)],
           [("E1", "2025-05-01", None, "30000.00", "TRY", 40, "permanent", True)]),
    "A2": ("female", [("2024-10-01", "complete", "2025-03-31", False)],
           [("E1", "2025-07-01", "2025-09-30", "26000.00", "TRY", 45, "permanent", True),
            ("E2", "2026-01-01", None, "20000.00", "TRY", 20, "fixed_term", False)]),
    "A3": ("male", [("2024-10-01", "complete", "2025-03-31", True)],
           [("E2", "2025-08-15", "2025-12-31", "1500.00", "USD", 40, "seasonal", False)]),
    "A4": ("male", [("2024-10-01", "complete", "2025-03-31", False)], []),
    "A5": ("non_binary", [("2024-10-01", "complete", "2025-03-31", True)], []),
    "B1": ("undisclosed", [("2024-10-01", "complete", "2025-04-01", True)],
           [("E1", "2025-12-31", None, "32000.00", "TRY", 40, "permanent", True)]),
    "B2": ("female", [("2024-10-01", "complete", "2025-04-01", False)],
           [("E2", "2026-01-01", None, "1800.00", "USD", 40, "apprenticeship", True)]),
    "B3": ("non_binary", [("2024-09-01", "drop-out", "2024-12-01", None),
                          ("2025-01-10", "complete", "2025-04-01", True)],
           [("E1", "2025-11-01", "2026-02-15", "28000.00", "TRY", 45, "fixed_term", True)]),
    "C1": ("female", [("2025-03-01", "complete", "2025-10-01", False)],
           [("E1", "2026-04-10", None, "31000.00", "TRY", 40, "permanent", True)]),
    "C2": ("male", [("2025-03-01", "complete", "2025-10-01", False)], []),
    "D1": ("male", [("2025-06-01", "complete", "2026-01-15", False)],
           [("E2", "2026-03-01", None, "27000.00", "TRY", 40, "permanent", True)]),
    "E1": ("undisclosed", [("2023-09-01", "complete", "2024-02-29", True)],
           [("E2", "2024-08-01", None, "1600.00", "USD", 40, "permanent", True)]),
    "F1": ("female", [], [("E2", "2025-06-01", None, "25000.00", "TRY", 40, "permanent", True)]),
    "G1": ("female", [("2026-01-05", None, None, None)], []),
}
OTHER_PROJECT = {
    "X1": ("male", [("2024-10-01", "complete", "2025-03-31", False)],
           [("E1", "2025-05-01", None, "29000.00", "TRY", 40, "permanent", True)]),
}


def _build(client, tenant, project, people: dict, employers: dict) -> dict:
    caseworker = tenant.headers["caseworker"]
    enrolments = {}
    for name, (sex, stays, jobs) in people.items():
        person = register_trainee(client, caseworker, given_name=name, sex=sex)
        for enrolled_on, leaving, exited_on, qualified in stays:
            stay = enrol(client, caseworker, person["id"], project["id"], enrolled_on=enrolled_on)
            if leaving == "complete":
                ok(client.post(url(f"/enrolments/{stay['id']}/complete"), headers=caseworker,
                               json={"exited_on": exited_on, "qualification_gained": qualified}))
            elif leaving == "drop-out":
                ok(client.post(url(f"/enrolments/{stay['id']}/drop-out"), headers=caseworker,
                               json={"exited_on": exited_on, "reason": "moved_away"}))
            enrolments[name] = stay
        for employer, started_on, ended_on, wage, currency, hours, contract, formal in jobs:
            placement = ok(client.post(url("/placements"), headers=caseworker, json=work_terms(
                employer_id=employers[employer]["id"], trainee_id=person["id"], started_on=started_on,
                wage_monthly=wage, currency=currency, hours_per_week=hours, contract_type=contract,
                formal=formal)), 201)
            if ended_on:
                ok(client.post(url(f"/placements/{placement['id']}/end"), headers=caseworker,
                               json={"ended_on": ended_on, "reason": "resigned"}))
    return enrolments


@pytest.fixture
def world(client, tenant) -> World:
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    project = create_project(client, admin, starts_on="2023-01-01", ends_on="2027-12-31")
    other_project = create_project(client, admin, starts_on="2023-01-01", ends_on="2027-12-31")
    employers = {"E1": create_employer(client, caseworker), "E2": create_employer(client, caseworker)}
    enrolments = _build(client, tenant, project, PEOPLE, employers)
    _build(client, tenant, other_project, OTHER_PROJECT, employers)
    follow_ups = ok(client.get(url("/follow-ups"), headers=caseworker,
                               query_string={"enrolment_id": enrolments["A4"]["id"], "checkpoint": "month_6"}))
    ok(client.post(url(f"/follow-ups/{follow_ups['items'][0]['id']}"), headers=caseworker,
                   json={"status": "recorded", "employment_status": "employed", "observed_on": "2025-09-30"}))
    return World(tenant, project, other_project)


def answer(pathways, framework: str, scope: Scope, *, suppress: bool = False, min_cell_size: int = 5,
           by: tuple = (), basis: str | None = None) -> dict:
    with pathways.session_factory() as session:
        return PACKS[framework](session, Request(scope, by=by, suppress=suppress, min_cell_size=min_cell_size,
                                                 basis=basis, today=REPORT_DAY))


def rows(body: dict) -> dict:
    """{indicator or (indicator, currency): {sex or total: value}}."""
    return {(row["indicator"] if row["currency"] is None else (row["indicator"], row["currency"])):
            {column: row[column] for column in (*SEXES, "total")} for row in body["indicators"]}


def split(female, male, non_binary, undisclosed, total: object = "sum") -> dict:
    values = {"female": female, "male": male, "non_binary": non_binary, "undisclosed": undisclosed}
    return {**values, "total": sum(values.values()) if total == "sum" else total}


def rates(top: dict, bottom: dict) -> dict:
    return {key: None if not bottom[key] else round(top[key] / bottom[key], 4) for key in top}


def hourly(wage: int, hours: int) -> Fraction:
    return Fraction(wage * 12, hours * 52)


# --- WIOA ----------------------------------------------------------------------------------------

def test_wioa_figures_by_construction(pathways, world):
    body = answer(pathways, "wioa", world.scope())
    assert (body["framework"], body["period_basis"], body["reference_date"]) == ("wioa", "exit", "2026-07-15")
    assert body["exiters"] == 12  # B3 re-entered: one participant; G1 has not left
    found = rows(body)

    q2_ended, employed_q2 = split(4, 3, 2, 2), split(3, 2, 1, 2)
    assert found["exiters_q2_ended"] == q2_ended
    assert found["employed_q2"] == employed_q2
    assert found["employment_rate_q2"] == rates(employed_q2, q2_ended)

    q4_ended, employed_q4 = split(3, 2, 2, 2), split(3, 0, 0, 2)
    assert found["exiters_q4_ended"] == q4_ended
    assert found["employed_q4"] == employed_q4
    assert found["employment_rate_q4"] == rates(employed_q4, q4_ended)

    # Q2 wages: the job held then (A2: E1's, not the later E2 one); A4 employed without a wage
    assert found[("earners_q2", "TRY")] == split(3, 0, 1, 1)
    assert found[("median_earnings_q2", "TRY")] == {
        "female": "30000.00", "male": None, "non_binary": "28000.00", "undisclosed": "32000.00", "total": "30000.00"}
    assert found[("earners_q2", "USD")] == split(0, 1, 0, 1)
    assert found[("median_earnings_q2", "USD")] == {
        "female": None, "male": "1500.00", "non_binary": None, "undisclosed": "1600.00", "total": "1550.00"}
    assert found["missing_wage"] == split(0, 1, 0, 0)
    assert body["earnings_left_out"] == {"missing_wage": 1, "other_currency": {"TRY": 2, "USD": 5}}

    year_ended, credentials = split(3, 2, 2, 2), split(1, 1, 2, 2)
    assert found["exiters_year_ended"] == year_ended
    assert found["credential_attained"] == credentials
    assert found["credential_attainment"] == rates(credentials, year_ended)

    employed_by_placement, retained = split(2, 1, 1, 2), split(1, 0, 0, 2)
    assert found["employed_q2_by_placement"] == employed_by_placement
    assert found["same_employer_q4"] == retained
    assert found["retention_with_same_employer"] == rates(retained, employed_by_placement)
    assert not any(row["suppressed"] for row in body["indicators"])


def test_wioa_gaps_for_every_pair_of_sexes(pathways, world):
    body = answer(pathways, "wioa", world.scope())
    gaps = {(g["indicator"], g["currency"], pair): gap for g in body["gaps"] for pair, gap in g["pairs"].items()}
    assert {pair for (_i, _c, pair) in gaps} == {
        "female_male", "female_non_binary", "female_undisclosed", "male_non_binary", "male_undisclosed",
        "non_binary_undisclosed"}
    q2 = gaps[("employment_rate_q2", None, "female_male")]
    assert q2["difference"] == round(float(Fraction(3, 4) - Fraction(2, 3)), 4)
    assert q2["ratio"] == round(float(Fraction(3, 4) / Fraction(2, 3)), 4)
    # male employment in Q4 is 0: a difference, no ratio
    assert gaps[("employment_rate_q4", None, "female_male")]["ratio"] is None
    assert gaps[("employment_rate_q4", None, "male_undisclosed")] == {"difference": -1.0, "ratio": 0.0}
    assert gaps[("median_earnings_q2", "TRY", "female_non_binary")]["difference"] == "2000.00"
    assert gaps[("median_earnings_q2", "TRY", "female_male")] == {"difference": None, "ratio": None}
    assert [(g["indicator"], g["currency"]) for g in body["gaps"]] == [
        ("employment_rate_q2", None), ("employment_rate_q4", None), ("median_earnings_q2", "TRY"),
        ("median_earnings_q2", "USD"), ("credential_attainment", None), ("retention_with_same_employer", None)]


def test_wioa_before_a_quarter_ends_nobody_is_counted_for_it(pathways, world):
    """On 2026-06-30 (the last day of B's Q4 and C's Q2) those quarters have not ended yet; the request's
    day stands for the organisation's today."""
    with pathways.session_factory() as session:
        body = PACKS["wioa"](session, Request(world.scope(), suppress=False, today=date(2026, 6, 30)))
    assert body["reference_date"] == "2026-06-30"
    found = rows(body)
    assert found["exiters_q2_ended"] == split(3, 2, 2, 2)      # A and B and E; C not yet
    assert found["exiters_q4_ended"] == split(2, 2, 1, 1)      # A and E; B not yet
    assert found["exiters_year_ended"] == split(3, 2, 2, 2)    # A (2026-03-31) and B (2026-04-01) and E


def test_wioa_exit_basis_and_scope(pathways, world):
    year_2024 = answer(pathways, "wioa", world.scope(period_start=date(2024, 1, 1), period_end=date(2024, 12, 31)))
    # E1 left on 2024-02-29; B3's exit of 2024-12-01 is not final, so B3 counts in 2025
    assert year_2024["exiters"] == 1
    assert rows(year_2024)["exiters_q2_ended"] == split(0, 0, 0, 1)
    year_2025 = answer(pathways, "wioa", world.scope(period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)))
    assert year_2025["exiters"] == 10
    assert rows(year_2025)["exiters_year_ended"] == split(3, 2, 2, 1)
    entered_2025 = answer(pathways, "wioa", world.scope(period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)),
                          basis="entry")
    # first entries in 2025: C1, C2, D1 (B3 first entered in 2024; G1 in 2026 and has not left)
    assert (entered_2025["period_basis"], entered_2025["exiters"]) == ("entry", 3)
    organisation = answer(pathways, "wioa", world.scope(project=False))
    assert organisation["exiters"] == 13  # X1 of the other project
    assert rows(organisation)["same_employer_q4"] == split(1, 1, 0, 2)


def test_wioa_suppressed(pathways, world):
    body = answer(pathways, "wioa", world.scope(), suppress=True, min_cell_size=5)
    found = rows(body)
    # every sex is 1 to 4 people: hidden; totals exact; rates of the totals from exact totals
    assert found["exiters_q2_ended"] == split(None, None, None, None, 11)
    assert found["employed_q2"] == split(None, None, None, None, 8)
    assert found["employment_rate_q2"] == split(None, None, None, None, round(8 / 11, 4))
    # no zero beside a small total: no man employed in Q4, but the table is small
    assert found["employed_q4"] == split(None, None, None, None, 5)
    # a median of 5 wages is shown in total, one of 2 is not
    assert found[("median_earnings_q2", "TRY")] == split(None, None, None, None, "30000.00")
    assert found[("median_earnings_q2", "USD")] == split(None, None, None, None, None)
    assert all(row["suppressed"] for row in body["indicators"])
    assert all(gap == {"difference": None, "ratio": None} for g in body["gaps"] for gap in g["pairs"].values())


def test_suppression_is_consistent_at_any_cell_size(pathways, world, subtests):
    """Hidden or exact: every shown count equals the unsuppressed one; every count of 1 to k-1 is
    hidden; a rate is null where its counts are; a null is never derivable as total minus the rest."""
    for framework in ("wioa", "ilo"):
        exact = rows(answer(pathways, framework, world.scope()))
        for size in (2, 3, 4, 5, 8):
            with subtests.test(framework=framework, min_cell_size=size):
                shown = answer(pathways, framework, world.scope(), suppress=True, min_cell_size=size)
                units = {(r["indicator"] if r["currency"] is None else (r["indicator"], r["currency"])): r["unit"]
                         for r in shown["indicators"]}
                for key, values in rows(shown).items():
                    assert values["total"] == exact[key]["total"] or units[key] in ("rate", "money", "hours")
                    if units[key] in ("people", "placements"):
                        hidden = [s for s in SEXES if values[s] is None]
                        assert all(values[s] == exact[key][s] for s in SEXES if s not in hidden)
                        assert all(s in hidden for s in SEXES if 1 <= exact[key][s] < size)
                        assert len(hidden) != 1, f"{key}: one hidden cell is the total minus the others"


# --- ILO -----------------------------------------------------------------------------------------

TRY_HOURLY = {  # placement: (sex, hourly wage) of the project's participants
    "A1": ("female", hourly(30000, 40)), "A2a": ("female", hourly(26000, 45)), "A2b": ("female", hourly(20000, 20)),
    "B1": ("undisclosed", hourly(32000, 40)), "B3": ("non_binary", hourly(28000, 45)),
    "C1": ("female", hourly(31000, 40)), "D1": ("male", hourly(27000, 40)),
}
USD_HOURLY = {"A3": ("male", hourly(1500, 40)), "B2": ("female", hourly(1800, 40)),
              "E1": ("undisclosed", hourly(1600, 40))}


def _medians(wages: dict) -> dict:
    by = {s: [w for sex, w in wages.values() if sex == s] for s in SEXES}
    return {**{s: median(v) if v else None for s, v in by.items()}, "total": median(w for _s, w in wages.values())}


def test_ilo_figures_by_construction(pathways, world):
    body = answer(pathways, "ilo", world.scope())
    assert (body["framework"], body["period_basis"], body["placements"]) == ("ilo", "placement_start", 10)
    found = rows(body)
    placements, formal, informal = split(5, 2, 1, 2), split(4, 1, 1, 2), split(1, 1, 0, 0)
    assert found["placements"] == placements  # F1, never in the project: not counted
    assert found["formal"] == formal
    assert found["informal"] == informal
    assert found["formal_share"] == rates(formal, placements)
    assert found["informal_share"] == rates(informal, placements)
    assert found["contract_permanent"] == split(3, 1, 0, 2)
    assert found["contract_fixed_term"] == split(1, 0, 1, 0)
    assert found["contract_apprenticeship"] == split(1, 0, 0, 0)
    assert found["contract_seasonal"] == split(0, 1, 0, 0)
    assert found["mean_hours_per_week"] == {"female": 37.0, "male": 40.0, "non_binary": 45.0, "undisclosed": 40.0,
                                            "total": 39.0}
    assert found["median_hours_per_week"] == {"female": 40.0, "male": 40.0, "non_binary": 45.0,
                                              "undisclosed": 40.0, "total": 40.0}
    for currency, wages in (("TRY", TRY_HOURLY), ("USD", USD_HOURLY)):
        expected = _medians(wages)
        assert found[("paid_placements", currency)] == {
            **{s: sum(1 for sex, _w in wages.values() if sex == s) for s in SEXES}, "total": len(wages)}
        assert found[("median_hourly_wage", currency)] == {
            key: None if value is None else f"{float(round(value, 2)):.2f}" for key, value in expected.items()}
    assert found[("median_hourly_wage", "TRY")]["female"] == "175.96"  # (173.08 + 178.85) / 2, exact


def test_ilo_gender_pay_gap_is_the_ilo_definition_per_currency(pathways, world):
    body = answer(pathways, "ilo", world.scope())
    gaps = {(g["currency"], g["pair"]): g["gap"] for g in body["gender_pay_gap"]}
    for currency, wages in (("TRY", TRY_HOURLY), ("USD", USD_HOURLY)):
        m = _medians(wages)
        assert gaps[(currency, "female_male")] == round(float((m["male"] - m["female"]) / m["male"]), 4)
    assert gaps[("USD", "female_male")] == -0.2  # 10.38 against 8.65 an hour: women earn 20 % more
    assert gaps[("USD", "female_non_binary")] is None  # no non-binary person paid in USD
    assert len(body["gender_pay_gap"]) == 2 * 6


def test_ilo_period_is_the_start_of_the_job(pathways, world):
    body = answer(pathways, "ilo", world.scope(period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)))
    assert rows(body)["placements"] == split(3, 1, 0, 0)  # A2's second job, B2, C1, D1
    organisation = answer(pathways, "ilo", world.scope(project=False))
    assert rows(organisation)["placements"] == split(6, 3, 1, 2)  # and X1 of the other project, F1 of none


def test_ilo_suppressed(pathways, world):
    body = answer(pathways, "ilo", world.scope(), suppress=True, min_cell_size=5)
    found = rows(body)
    # 5 women shown; men 2, non-binary 1, undisclosed 2 hidden (their sum is not any one of them)
    assert found["placements"] == split(5, None, None, None, 10)
    # formal 4 women: small; informal is a small table: hidden whole, zeros too
    assert found["formal"] == split(None, None, None, None, 8)
    assert found["informal"] == split(None, None, None, None, 2)
    assert found["formal_share"] == split(None, None, None, None, 0.8)
    assert found["mean_hours_per_week"] == {"female": 37.0, "male": None, "non_binary": None, "undisclosed": None,
                                            "total": 39.0}
    assert found[("median_hourly_wage", "TRY")]["total"] == "173.08"  # 7 placements
    assert found[("median_hourly_wage", "USD")]["total"] is None      # 3 placements
    assert all(g["gap"] is None for g in body["gender_pay_gap"])


def test_a_breakdown_is_refused_not_ignored(pathways, world):
    for framework in PACKS:
        with pytest.raises(ValidationFailed) as refused:
            answer(pathways, framework, world.scope(), by=("district",))
        assert "by" in refused.value.errors


def test_answers_have_exactly_the_fields_of_their_schemas(pathways, world, subtests):
    schemas = {"wioa": WioaPackSchema(), "ilo": IloPackSchema()}
    for framework, schema in schemas.items():
        for suppress in (False, True):
            with subtests.test(framework=framework, suppress=suppress):
                body = answer(pathways, framework, world.scope(), suppress=suppress)
                assert list(body) == list(schema.fields)
                assert schema.validate(body) == {}
                assert all(list(row) == list(PackRowSchema().fields) for row in body["indicators"])


def test_each_pack_exports_labelled_in_turkish(pathways, world, subtests):
    """The generic export (service.metrics.tables) labels every key and indicator of the packs: no raw key
    is left in a heading or in the indicator column, in CSV and XLSX."""
    header = {"as_of": None, "pending_events": 0, "organisation_id": world.tenant.organisation_id,
              "project_id": None, "period_start": None, "period_end": None, "by": [], "min_cell_size": 5,
              "suppression": True}
    for framework in PACKS:
        with subtests.test(framework=framework):
            body = answer(pathways, framework, world.scope(), suppress=True)
            sheets = tables("indicators", {**header, **body}, {})
            text = to_csv(sheets, "tr").decode("utf-8-sig")
            cells = {cell for line in csv.reader(io.StringIO(text)) for cell in line}
            keys = {row["indicator"] for row in body["indicators"]} | set(body) | set(PackRowSchema().fields)
            assert sorted(keys & cells) == [], "raw keys in the export"
            assert {"Göstergeler", "Kadın", "İkili olmayan (non-binary)", "Belirtilmemiş"} <= cells
            assert LABELS_TR[framework] in cells
            workbook = load_workbook(io.BytesIO(to_xlsx(sheets, "tr")))
            assert len(workbook.sheetnames) == len(sheets)


LABELS_TR = {"wioa": "İstihdam oranı, çıkıştan sonraki 2. çeyrek", "ilo": "Kayıt dışı istihdamın payı"}
