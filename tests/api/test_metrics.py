"""`/metrics/reach`, `/metrics/outcomes`, `/metrics/indicators` through the HTTP API (SPEC sections 1, 3, 5).

Who may read them, what malformed options answer, `as_of`, the figures of a small world with
known numbers (suppressed and not, per period and per project), the read model following a
trainee's changes, the CSV and XLSX exports in English and Turkish, and the OpenAPI document.

The world of `build_world` (all in the tenant, min_cell_size 5):

    project P1 (code "=P1", target 400, share target female >= 0.5), project P2 (code "P2")
    W1..W6 women in "Bayraklı", M1, M2 men in "=1+1" (a district a spreadsheet would run)
    enrolled in P1 on 2026-03-01: W1 W2 W3 W4; on 2026-05-04: W5 W6 M1 M2
    W1 also in P2 on 2026-03-01 (one person, two participations)
    W1, W2, M1 completed on 2026-06-30 (W1 and M1 with a qualification), W3 dropped out
    placements: W1 from 2026-07-01 at 28500 TRY, M1 from 2026-08-01 at 30000 TRY

The `client` of tests/api/conftest.py applies the pending events after every write, so the
read model is current when a test reads it.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.days import today as service_today
from service.db.models import MetricRollup, OutboxMessage
from service.metrics import rollups
from tests.api.conftest import work_terms
from tests.api.helpers import (
    PROBLEM, create_employer, create_employer_user, create_project, enrol, ok, problem, random_id,
    register_trainee, url,
)
from workers.metrics import MetricsConsumer

KINDS = ("reach", "outcomes", "indicators")
DIMENSIONS = ("sex", "age_band", "vulnerable_group", "settlement_type", "labour_status", "education_level",
              "project", "district", "exit_reason", "cohort", "occupation", "occupation_sub_major", "sector")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = b"\xef\xbb\xbf"
WOMEN_DISTRICT, MEN_DISTRICT = "Bayraklı", "=1+1"
P1_CODE, P2_CODE = "=P1", "P2"


# --- the world -----------------------------------------------------------------------------------

@dataclass
class World:
    tenant: object
    p1: dict
    p2: dict
    women: list[dict]
    men: list[dict]

    @property
    def admin(self) -> dict:
        return self.tenant.headers["admin"]

    @property
    def manager(self) -> dict:
        return self.tenant.headers["manager"]


def build_world(client, tenant) -> World:
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    p1 = create_project(client, admin, code=P1_CODE)
    p2 = create_project(client, admin, code=P2_CODE)
    women = [register_trainee(client, caseworker, given_name=f"W{n}", sex="female", district=WOMEN_DISTRICT)
             for n in range(1, 7)]
    men = [register_trainee(client, caseworker, given_name=f"M{n}", family_name="Demir", sex="male",
                            district=MEN_DISTRICT) for n in range(1, 3)]
    enrolments = {}
    for person in women[:4]:
        enrolments[person["given_name"]] = enrol(client, caseworker, person["id"], p1["id"], enrolled_on="2026-03-01")
    for person in women[4:] + men:
        enrolments[person["given_name"]] = enrol(client, caseworker, person["id"], p1["id"], enrolled_on="2026-05-04")
    enrol(client, caseworker, women[0]["id"], p2["id"], enrolled_on="2026-03-01")
    for name, qualified in (("W1", True), ("W2", False), ("M1", True)):
        ok(client.post(url(f"/enrolments/{enrolments[name]['id']}/complete"), headers=caseworker,
                       json={"exited_on": "2026-06-30", "qualification_gained": qualified}))
    ok(client.post(url(f"/enrolments/{enrolments['W3']['id']}/drop-out"), headers=caseworker,
                   json={"exited_on": "2026-06-30", "reason": "moved_away"}))
    employer = create_employer(client, caseworker)
    for person, started_on, wage in ((women[0], "2026-07-01", "28500.00"), (men[0], "2026-08-01", "30000.00")):
        ok(client.post(url("/placements"), headers=caseworker, json=work_terms(
            employer_id=employer["id"], trainee_id=person["id"], started_on=started_on, wage_monthly=wage)), 201)
    return World(tenant, p1, p2, women, men)


@pytest.fixture
def world(client, tenant) -> World:
    return build_world(client, tenant)


def get(client, kind: str, headers, **params):
    return client.get(url(f"/metrics/{kind}"), query_string=params, headers=headers)


def report(client, kind: str, headers, **params) -> dict:
    return ok(get(client, kind, headers, **params))


def cells(body: dict, measure: str = "reached") -> dict:
    """{dimension values: figure} of a reach or outcomes breakdown."""
    return {tuple(cell[d] for d in body["by"]): cell[measure] for cell in body["breakdown"]}


def indicator(body: dict, code: str) -> dict:
    row = next(row for row in body["indicators"] if row["indicator"] == code)
    return {key: row[key] for key in ("female", "male", "non_binary", "undisclosed", "total", "suppressed")}


# --- access ----------------------------------------------------------------------------------------

def test_each_role_reads_metrics_or_is_refused(client, tenant, subtests):
    employer = create_employer_user(client, tenant)
    for kind in KINDS:
        for role in ("admin", "caseworker", "manager"):
            with subtests.test(kind=kind, role=role):
                body = report(client, kind, tenant.headers[role])
                assert body["organisation_id"] == tenant.organisation_id
        with subtests.test(kind=kind, role="employer"):
            problem(get(client, kind, employer), 403)
        with subtests.test(kind=kind, role="anonymous"):
            problem(get(client, kind, {}), 401)
        with subtests.test(kind=kind, role="bad token"):
            problem(get(client, kind, {"Authorization": "Bearer not-a-token"}), 401)


def test_only_admins_may_turn_suppression_off(client, tenant, subtests):
    for kind in KINDS:
        for fmt in ("json", "csv", "xlsx"):
            for role in ("manager", "caseworker"):
                with subtests.test(kind=kind, format=fmt, role=role):
                    problem(get(client, kind, tenant.headers[role], suppress="false", format=fmt), 403)
            with subtests.test(kind=kind, format=fmt, role="admin"):
                response = get(client, kind, tenant.headers["admin"], suppress="false", format=fmt)
                assert response.status_code == 200, response.get_data(as_text=True)
        with subtests.test(kind=kind, explicit="suppress=true"):
            assert report(client, kind, tenant.headers["manager"], suppress="true")["suppression"] is True
            assert report(client, kind, tenant.headers["admin"], suppress="false")["suppression"] is False


def test_a_project_of_another_organisation_is_404_like_a_missing_one(client, tenant, other_tenant, subtests):
    foreign = create_project(client, other_tenant.headers["admin"])
    for kind in KINDS:
        for role in ("admin", "manager"):
            with subtests.test(kind=kind, role=role):
                missing = problem(get(client, kind, tenant.headers[role], project_id=random_id()), 404)
                assert problem(get(client, kind, tenant.headers[role], project_id=foreign["id"]), 404) == missing
                for fmt in ("csv", "xlsx"):
                    assert problem(get(client, kind, tenant.headers[role], project_id=foreign["id"],
                                       format=fmt), 404) == missing
        # The owner reads it.
        assert report(client, kind, other_tenant.headers["manager"], project_id=foreign["id"])["project_id"] == \
            foreign["id"]


def test_nothing_of_another_organisation_is_counted(client, world, other_tenant):
    """The other tenant's people, projects, districts and events change none of our figures."""
    queries = [(kind, {"by": "project,district,sex", "suppress": "false"}) for kind in KINDS]
    queries += [(kind, {}) for kind in KINDS]
    before = [report(client, kind, world.admin, **params) for kind, params in queries]

    theirs = create_project(client, other_tenant.headers["admin"], code="THEIRS")
    for n in range(3):
        person = register_trainee(client, other_tenant.headers["caseworker"], sex="male" if n else "female",
                                  district="Elsewhere")
        enrol(client, other_tenant.headers["caseworker"], person["id"], theirs["id"], enrolled_on="2026-03-01")
        # Our own project's id in their request is someone else's: 404, nothing written.
        problem(client.post(url("/enrolments"), headers=other_tenant.headers["caseworker"], json={
            "trainee_id": person["id"], "project_id": world.p1["id"], "enrolled_on": "2026-03-01"}), 404)

    after = [report(client, kind, world.admin, **params) for kind, params in queries]
    assert after == before
    grid = before[0]
    assert {cell["project"] for cell in grid["breakdown"]} == {world.p1["id"], world.p2["id"]}
    assert {cell["district"] for cell in grid["breakdown"]} == {WOMEN_DISTRICT, MEN_DISTRICT}
    # And they see only theirs.
    mine = report(client, "reach", other_tenant.headers["admin"], by="district,project", suppress="false")
    assert mine["reached"] == 3 and mine["organisation_id"] == other_tenant.organisation_id
    assert cells(mine) == {("Elsewhere", theirs["id"]): 3}


# --- malformed options -------------------------------------------------------------------------

BAD_OPTIONS = [
    ({"by": "nationality"}, "by"),
    ({"by": ""}, "by"),
    ({"by": "sex,,age_band"}, "by"),
    ({"by": "sex,"}, "by"),
    ({"by": "sex\x00"}, "by"),
    ({"by": "SEX"}, "by"),
    ({"period_start": "2026-13-01"}, "period_start"),
    ({"period_start": "yesterday"}, "period_start"),
    ({"period_start": ""}, "period_start"),
    ({"period_end": "2026-02-30"}, "period_end"),
    ({"period_end": "99999-01-01"}, "period_end"),
    ({"period_start": "2026-05-01", "period_end": "2026-04-30"}, "period_end"),
    ({"period_basis": "enrolment"}, "period_basis"),
    ({"period_basis": ""}, "period_basis"),
    ({"period_basis": "EXIT"}, "period_basis"),
    ({"project_id": "not-a-uuid"}, "project_id"),
    ({"project_id": ""}, "project_id"),
    ({"format": "pdf"}, "format"),
    ({"format": ""}, "format"),
    ({"suppress": "maybe"}, "suppress"),
    ({"suppress": ""}, "suppress"),
    ({"suppress": "1"}, "suppress"),
    ({"limit": "10"}, "limit"),
    ({"sort": "reached"}, "sort"),
]


def test_every_malformed_option_is_a_422_problem_never_a_5xx(client, tenant, subtests):
    for kind in KINDS:
        cases = BAD_OPTIONS + ([({"framework": "other"}, "framework"), ({"framework": ""}, "framework")]
                               if kind == "indicators" else [({"framework": "esf_plus"}, "framework")])
        for params, field in cases:
            for role in ("manager", "admin"):
                with subtests.test(kind=kind, params=params, role=role):
                    body = problem(get(client, kind, tenant.headers[role], **params), 422)
                    assert field in body["errors"], body
                    assert body["errors"][field] and all(isinstance(m, str) for m in body["errors"][field])


def test_a_malformed_option_with_an_export_format_is_still_a_problem(client, tenant, subtests):
    for kind in KINDS:
        for fmt in ("csv", "xlsx"):
            with subtests.test(kind=kind, format=fmt):
                response = get(client, kind, tenant.headers["manager"], format=fmt, by="nope")
                assert response.headers["Content-Type"].startswith(PROBLEM)
                assert "Content-Disposition" not in response.headers
                assert "by" in problem(response, 422)["errors"]


def test_every_dimension_alone_and_together_answers(client, world, subtests):
    """Any valid by= on any endpoint is a 200 (SPEC: no input yields a 5xx); a grid too large to read is a 422.

    indicators by vulnerable_group has its own test below.
    """
    for kind in KINDS:
        for by in (*DIMENSIONS, "sex,age_band,project,district", "district,settlement_type,labour_status"):
            if kind == "indicators" and "vulnerable_group" in by:
                continue
            with subtests.test(kind=kind, by=by):
                body = report(client, kind, world.manager, by=by)
                assert body["by"] == by.split(",")
                assert body["breakdown"]
        with subtests.test(kind=kind, by="all"):
            body = problem(get(client, kind, world.manager, by=",".join(DIMENSIONS)), 422)
            assert list(body["errors"]) == ["by"]


def test_indicators_by_vulnerable_group_answer(client, tenant):
    """The vulnerable-group indicators keep their EXISTS when the breakdown joins the groups table too."""
    body = report(client, "indicators", tenant.headers["manager"], by="vulnerable_group")
    assert [cell["vulnerable_group"] for cell in body["breakdown"]] == [
        "roma", "disability", "refugee", "single_parent", "neet", "migrant", "housing_exclusion", "none"]
    assert all(row["total"] == 0 for cell in body["breakdown"] for row in cell["indicators"])


# --- as_of -----------------------------------------------------------------------------------------

def newest_metric_event(pathways, organisation_id: uuid.UUID) -> datetime | None:
    with pathways.session_factory() as session:
        return session.scalar(select(func.max(OutboxMessage.occurred_at)).where(
            OutboxMessage.organisation_id == organisation_id,
            OutboxMessage.type.in_(MetricsConsumer.routing_keys)))


def as_of(client, headers, kind: str = "reach") -> datetime | None:
    value = report(client, kind, headers)["as_of"]
    return None if value is None else datetime.fromisoformat(value)


def test_as_of_is_null_before_any_event_then_the_newest_applied_event(client, tenant, other_tenant, pathways):
    organisation_id = uuid.UUID(tenant.organisation_id)
    manager, caseworker = tenant.headers["manager"], tenant.headers["caseworker"]
    for kind in KINDS:
        assert report(client, kind, manager)["as_of"] is None
    project = create_project(client, tenant.headers["admin"])
    assert as_of(client, manager) is None

    def step() -> tuple[datetime | None, datetime | None]:
        return as_of(client, manager), newest_metric_event(pathways, organisation_id)

    seen = []
    trainee = register_trainee(client, caseworker)
    seen.append(step())
    enrolment = enrol(client, caseworker, trainee["id"], project["id"])
    seen.append(step())
    ok(client.patch(url(f"/trainees/{trainee['id']}"), headers=caseworker, json={"district": "Konak"}))
    seen.append(step())
    ok(client.post(url(f"/enrolments/{enrolment['id']}/complete"), headers=caseworker,
                   json={"exited_on": "2026-06-30", "qualification_gained": True}))
    seen.append(step())

    for reported, newest in seen:
        assert newest is not None and newest.tzinfo is not None
        assert reported == newest
    moments = [reported for reported, _newest in seen]
    assert moments == sorted(moments) and len(set(moments)) == len(moments)
    for kind in KINDS:
        assert as_of(client, manager, kind) == moments[-1]

    # Another organisation's events move only its own as_of.
    register_trainee(client, other_tenant.headers["caseworker"])
    assert as_of(client, manager) == moments[-1]
    theirs = newest_metric_event(pathways, uuid.UUID(other_tenant.organisation_id))
    assert as_of(client, other_tenant.headers["manager"]) == theirs > moments[-1]


# --- figures of the world ----------------------------------------------------------------------------

def test_reach_counts_people_once_and_suppresses_small_cells(client, world):
    manager = report(client, "reach", world.manager, by="sex")
    assert manager["reached"] == 8  # W1 is in two projects and counts once
    assert (manager["target"], manager["progress"], manager["share_targets"]) == (None, None, [])
    assert (manager["min_cell_size"], manager["suppression"], manager["by"]) == (5, True, ["sex"])
    assert (manager["project_id"], manager["period_start"], manager["period_end"]) == (None, None, None)
    # 2 men is a small cell; the women must go too, or 8 - 0 would give the men away; 0 others stay 0.
    assert manager["breakdown"] == [
        {"sex": "female", "reached": None, "suppressed": True},
        {"sex": "male", "reached": None, "suppressed": True},
        {"sex": "non_binary", "reached": 0, "suppressed": False},
        {"sex": "undisclosed", "reached": 0, "suppressed": False},
    ]
    assert report(client, "reach", world.tenant.headers["caseworker"], by="sex")["breakdown"] == manager["breakdown"]

    admin = report(client, "reach", world.admin, by="sex", suppress="false")
    assert admin["reached"] == 8 and admin["suppression"] is False
    assert admin["breakdown"] == [
        {"sex": "female", "reached": 6, "suppressed": False},
        {"sex": "male", "reached": 2, "suppressed": False},
        {"sex": "non_binary", "reached": 0, "suppressed": False},
        {"sex": "undisclosed", "reached": 0, "suppressed": False},
    ]
    # With suppression on, the admin sees what the manager sees.
    assert report(client, "reach", world.admin, by="sex")["breakdown"] == manager["breakdown"]

    by_project = report(client, "reach", world.admin, by="project", suppress="false")
    assert cells(by_project) == {(world.p1["id"],): 8, (world.p2["id"],): 1}
    assert by_project["reached"] == 8

    # Repeated dimensions are dropped, the order is kept.
    repeated = report(client, "reach", world.admin, by="sex,project,sex", suppress="false")
    assert repeated["by"] == ["sex", "project"]
    assert list(cells(repeated))[:3] == [("female", world.p1["id"]), ("female", world.p2["id"]),
                                         ("male", world.p1["id"])]


def test_reach_per_project_against_its_targets(client, world):
    p1 = report(client, "reach", world.manager, project_id=world.p1["id"])
    assert p1["project_id"] == world.p1["id"]
    assert (p1["reached"], p1["target"], p1["progress"]) == (8, 400, 0.02)
    # 6 women and 2 men: by=sex hides both (the 2, and the 6 that would give it away), so does the target.
    assert p1["share_targets"] == [{"dimension": "sex", "value": "female", "min_share": 0.5, "max_share": None,
                                    "reached": None, "share": None, "met": None, "suppressed": True}]
    shown = report(client, "reach", world.admin, project_id=world.p1["id"], suppress="false")
    assert shown["share_targets"][0] | {"reached": 6, "share": 0.75, "suppressed": False} == shown["share_targets"][0]
    p2 = report(client, "reach", world.admin, project_id=world.p2["id"], by="sex", suppress="false")
    assert (p2["reached"], p2["target"], p2["progress"]) == (1, 400, 0.0025)
    assert cells(p2) == {("female",): 1, ("male",): 0, ("non_binary",): 0, ("undisclosed",): 0}
    assert p2["share_targets"][0]["reached"] == 1 and p2["share_targets"][0]["share"] == 1.0
    # The breakdown by project of one project has only that project.
    assert cells(report(client, "reach", world.admin, project_id=world.p2["id"], by="project",
                        suppress="false")) == {(world.p2["id"],): 1}


def test_share_targets_do_not_give_away_a_suppressed_cell(client, world):
    """A share target's count is hidden whenever the same cell of the breakdown is (also as a complement).

    P1 by=sex: female (6) is nulled so that male (2) cannot be derived from the total 8 and other 0;
    but the share target `sex = female` shows reached 6, so male = 8 - 6 - 0 = 2.
    """
    body = report(client, "reach", world.manager, project_id=world.p1["id"], by="sex")
    hidden = {cell["sex"] for cell in body["breakdown"] if cell["suppressed"]}
    assert hidden == {"female", "male"}
    shown = sum(cell["reached"] for cell in body["breakdown"] if not cell["suppressed"])
    for target in body["share_targets"]:
        if target["dimension"] == "sex" and target["value"] in hidden:
            # Shown, it pins the remaining hidden cell down: total - shown cells - this one.
            assert target["reached"] is None, (
                f"male = {body['reached']} - {shown} - {target['reached']} is derivable")


def test_period_filters_on_the_enrolment_date(client, world):
    admin = world.admin
    after = report(client, "reach", admin, period_start="2026-04-01", by="sex", suppress="false")
    assert (after["period_start"], after["period_end"]) == ("2026-04-01", None)
    assert after["reached"] == 4 and cells(after) == {("female",): 2, ("male",): 2, ("non_binary",): 0,
                                                      ("undisclosed",): 0}
    before = report(client, "reach", admin, period_end="2026-03-31", by="project", suppress="false")
    assert before["reached"] == 4  # W1..W4, W1 once although in both projects
    assert cells(before) == {(world.p1["id"],): 4, (world.p2["id"],): 1}
    one_day = report(client, "outcomes", admin, period_start="2026-03-01", period_end="2026-03-01",
                     period_basis="entry")
    assert one_day["enrolled"] == 5 and one_day["completed"] == 2 and one_day["dropped_out"] == 1
    assert report(client, "reach", admin, period_start="2026-05-05")["reached"] == 0
    assert report(client, "reach", admin, period_start="2026-05-04", period_end="2026-05-04")["reached"] == 4
    # On the exit basis: the people who left in the period (W1, W2, W3 and M1 on 2026-06-30); none before.
    exits = report(client, "reach", admin, period_start="2026-06-30", period_end="2026-06-30", period_basis="exit")
    assert (exits["period_basis"], exits["reached"]) == ("exit", 4)
    assert report(client, "reach", admin, period_end="2026-06-29", period_basis="exit")["reached"] == 0
    assert report(client, "reach", admin)["period_basis"] == "entry"
    # Small cells of a period are suppressed as well: 2 and 2 with 0 others.
    assert cells(report(client, "reach", world.manager, period_start="2026-04-01", by="sex")) == {
        ("female",): None, ("male",): None, ("non_binary",): None, ("undisclosed",): None}  # total 4 < 5


def test_outcomes_of_the_world(client, world):
    """On the entry basis, every participation that entered; on the exit basis (the default), those that left."""
    exits = report(client, "outcomes", world.admin, suppress="false", by="sex")
    assert exits["period_basis"] == "exit"
    assert (exits["enrolled"], exits["completed"], exits["dropped_out"], exits["completion_rate"]) == (4, 3, 1, 0.75)
    assert cells(exits, "enrolled") == {("female",): 3, ("male",): 1, ("non_binary",): 0, ("undisclosed",): 0}

    admin = report(client, "outcomes", world.admin, suppress="false", by="sex", period_basis="entry")
    assert admin["period_basis"] == "entry"
    assert {key: admin[key] for key in ("enrolled", "completed", "dropped_out", "completion_rate",
                                        "placed_within_90d", "placement_rate", "month_6_recorded",
                                        "employed_at_6m", "employment_rate_6m", "median_wage",
                                        "wage_currency")} == {
        "enrolled": 9, "completed": 3, "dropped_out": 1, "completion_rate": 0.75, "placed_within_90d": 2,
        "placement_rate": 0.6667, "month_6_recorded": 0, "employed_at_6m": 0, "employment_rate_6m": None,
        "median_wage": "29250.00", "wage_currency": "TRY"}
    assert cells(admin, "enrolled") == {("female",): 7, ("male",): 2, ("non_binary",): 0, ("undisclosed",): 0}
    assert cells(admin, "completed") == {("female",): 2, ("male",): 1, ("non_binary",): 0, ("undisclosed",): 0}
    assert admin["gaps"]["completion_rate"] | {"female": 0.6667, "male": 1.0, "difference": -0.3333,
                                               "ratio": 0.6667} == admin["gaps"]["completion_rate"]
    assert admin["gaps"]["median_wage"] | {"female": "28500.00", "male": "30000.00", "difference": "-1500.00",
                                           "ratio": 0.95} == admin["gaps"]["median_wage"]

    manager = report(client, "outcomes", world.manager, by="sex", period_basis="entry")
    # Totals are exact; two wages are too few for a median; the small cells are gone.
    assert (manager["enrolled"], manager["completed"], manager["placed_within_90d"]) == (9, 3, 2)
    assert manager["median_wage"] is None
    assert cells(manager, "enrolled") == {("female",): None, ("male",): None, ("non_binary",): 0,
                                          ("undisclosed",): 0}
    assert all(gap["female"] is None or gap["male"] is None for gap in manager["gaps"].values())

    p2 = report(client, "outcomes", world.admin, project_id=world.p2["id"], suppress="false", period_basis="entry")
    assert (p2["enrolled"], p2["completed"], p2["dropped_out"]) == (1, 0, 0)
    assert report(client, "outcomes", world.admin, project_id=world.p2["id"], suppress="false")["enrolled"] == 0


def test_indicators_of_the_world(client, world):
    admin = report(client, "indicators", world.admin, suppress="false")
    assert admin["framework"] == "esf_plus"
    assert indicator(admin, "participants") == {"female": 7, "male": 2, "non_binary": 0, "undisclosed": 0,
                                                "total": 9, "suppressed": False}
    assert indicator(admin, "qualification_upon_leaving") == {
        "female": 1, "male": 1, "non_binary": 0, "undisclosed": 0, "total": 2, "suppressed": False}
    assert indicator(admin, "aged_18_29")["total"] == 9  # participants: W1 in two projects is two of them
    manager = report(client, "indicators", world.manager, framework="esf_plus")
    assert indicator(manager, "participants") == {
        "female": None, "male": None, "non_binary": 0, "undisclosed": 0, "total": 9, "suppressed": True}
    assert indicator(manager, "rural_areas") == {"female": 0, "male": 0, "non_binary": 0, "undisclosed": 0, "total": 0,
                                                 "suppressed": False}
    p1 = report(client, "indicators", world.admin, project_id=world.p1["id"], suppress="false")
    assert indicator(p1, "participants")["total"] == 8


# --- issue 14: checkpoints, period basis, participants, wages, occupations ----------------------------

def _building_job(client, world, trainee: dict, **terms) -> None:
    """A job in ISCO-08 7112 (bricklayers: sub-major group 71, building trades) at a builder (NACE F)."""
    caseworker = world.tenant.headers["caseworker"]
    base = str(700_000_000 + uuid.uuid4().int % 99_999_999)
    from stdnum.tr import vkn
    builder = ok(client.post(url("/employers"), headers=caseworker, json={
        "name": "Yapı Ltd", "tax_number": base + vkn.calc_check_digit(base), "sector": "F43.3"}), 201)
    vacancy = ok(client.post(url("/vacancies"), headers=caseworker, json={
        "employer_id": builder["id"], "title": "Bricklayer", "occupation": "7112", "positions": 3,
        "wage_monthly": "1500.00", "currency": "EUR", "contract_type": "fixed_term"}), 201)
    ok(client.post(url("/placements"), headers=caseworker, json=work_terms(
        employer_id=builder["id"], vacancy_id=vacancy["id"], trainee_id=trainee["id"], **terms)), 201)


def test_checkpoints_count_every_exiter_due_and_a_job_within_four_weeks(client, world):
    """Upon leaving: W1's job one day after the exit and W2's after ten count, M1's after 32 days does not;
    nobody recorded a checkpoint, so each is overdue once its window ended (all of them, by today)."""
    _building_job(client, world, world.women[1], started_on="2026-07-10", wage_monthly="1500.00", currency="EUR")
    body = report(client, "outcomes", world.admin, suppress="false", by="sex")
    assert body["checkpoints"]["upon_leaving"] == {
        "exiters_due": 4, "employed": 2, "recorded": 0, "unreachable": 0, "overdue": 4, "employment_rate": 0.5,
        "employment_rate_recorded": 1.0, "coverage": 0.0}
    month_6 = body["checkpoints"]["month_6"]
    due = 4 if service_today() >= date(2026, 12, 29) else 0  # 182 days after the exits of 2026-06-30
    assert (month_6["exiters_due"], month_6["employed"]) == (due, 0)
    assert month_6["employment_rate"] == (0.0 if due else None) == body["employment_rate_6m"]
    assert body["formal_upon_leaving"] == 2
    female = next(cell for cell in body["breakdown"] if cell["sex"] == "female")
    assert female["checkpoints"]["upon_leaving"]["exiters_due"] == 3
    # Wages: the median is in the main currency; the EUR placement is named, not dropped silently.
    assert (body["median_wage"], body["wage_currency"], body["wages_left_out"]) == ("29250.00", "TRY", {"EUR": 1})
    assert body["median_wages"] == {"EUR": "1500.00", "TRY": "29250.00"}
    assert report(client, "outcomes", world.manager)["median_wages"] == {"EUR": None, "TRY": None}  # too few


def test_non_traditional_jobs_occupation_and_sector(client, world):
    """W2 becomes a bricklayer (ISCO-08 7112; women 2 % of sub-major group 71 in the organisation's table)."""
    _building_job(client, world, world.women[1], started_on="2026-07-10")
    assert report(client, "outcomes", world.admin, suppress="false")["non_traditional"] is None  # no table yet
    ok(client.put(url("/reference/occupation-sex-shares/TR"), headers=world.admin, json={"rows": [
        {"isco_code": "71", "female_share": 0.02, "male_share": 0.98, "source": "TÜİK HİA 2023", "year": 2023},
        {"isco_code": "5", "female_share": 0.45, "male_share": 0.55, "source": "TÜİK HİA 2023", "year": 2023}]}))
    body = report(client, "outcomes", world.admin, suppress="false", by="occupation")
    assert body["non_traditional"] | {"women_in_jobs_non_traditional_for_women": 1,
                                      "men_in_jobs_non_traditional_for_men": 0, "country": "TR",
                                      "table": "organisation"} == body["non_traditional"]
    assert report(client, "outcomes", world.manager)["non_traditional"][
        "women_in_jobs_non_traditional_for_women"] is None  # 1 is below min_cell_size
    # W1 and M1's jobs have no vacancy nor cohort: no occupation known; W2's is in major group 7.
    occupations = cells(body, "placed_within_90d")
    assert (occupations[("7",)], occupations[(None,)]) == (1, 2)
    sub_major = cells(report(client, "outcomes", world.admin, suppress="false", by="occupation_sub_major"),
                      "placed_within_90d")
    assert sub_major[("71",)] == 1
    sectors = cells(report(client, "outcomes", world.admin, suppress="false", by="sector"), "enrolled")
    assert (sectors[("F",)], sectors[("I",)], sectors[(None,)]) == (1, 2, 1)  # exits: W2, W1 and M1, W3
    reasons = cells(report(client, "outcomes", world.admin, suppress="false", by="exit_reason"), "enrolled")
    assert (reasons[("completed_course",)], reasons[("moved_away",)], reasons[(None,)]) == (3, 1, 0)
    entries = cells(report(client, "outcomes", world.admin, suppress="false", by="exit_reason",
                        period_basis="entry"), "enrolled")
    assert entries[(None,)] == 5  # still enrolled


def test_participants_once_per_project_and_the_entry_categories_add_up(client, world):
    """W3 comes back to P1 after dropping out: one participant, counted at the first entry, left once."""
    caseworker = world.tenant.headers["caseworker"]
    w3 = world.women[2]
    again = enrol(client, caseworker, w3["id"], world.p1["id"], enrolled_on="2026-09-01",
                  labour_status_at_entry="employed")
    body = report(client, "indicators", world.admin, suppress="false")
    rows = {row["indicator"]: row["total"] for row in body["indicators"]}
    assert rows["participants"] == 9  # 8 in P1 (W3 once) and W1 in P2
    assert rows["unemployed"] + rows["inactive"] + rows["employed"] == rows["participants"]
    assert rows["employed"] == 0  # W3's characteristics are those of her first entry
    assert report(client, "outcomes", world.admin, suppress="false", period_basis="entry")["enrolled"] == 10
    # Her final participation is open: she has not left, so she is in no result (the first exit is not final).
    exits = report(client, "indicators", world.admin, suppress="false", period_basis="exit")
    assert {row["indicator"]: row["total"] for row in exits["indicators"]}["participants"] == 3  # W1, W2, M1
    ok(client.post(url(f"/enrolments/{again['id']}/drop-out"), headers=caseworker,
                   json={"exited_on": "2026-10-01", "reason": "found_job"}))
    body = report(client, "indicators", world.admin, suppress="false")
    rows = {row["indicator"]: row["total"] for row in body["indicators"]}
    assert body["period_basis"] == {"outputs": "entry", "results": "exit"}
    assert rows["in_employment_upon_leaving"] == 2  # W1 (a job the next day) and W3 (left for a job)
    # The results of a period on the exit basis: those whose final exit falls in it.
    october = report(client, "indicators", world.admin, suppress="false", period_start="2026-10-01",
                     period_end="2026-10-31")
    rows = {row["indicator"]: row["total"] for row in october["indicators"]}
    assert (rows["participants"], rows["in_employment_upon_leaving"]) == (0, 1)  # entered before; left then


def test_the_breakdown_follows_a_trainees_changes(client, world):
    caseworker = world.tenant.headers["caseworker"]
    m2 = world.men[1]
    ok(client.patch(url(f"/trainees/{m2['id']}"), headers=caseworker, json={"sex": "female"}))
    body = report(client, "reach", world.admin, by="sex", suppress="false")
    assert body["reached"] == 8
    assert cells(body) == {("female",): 7, ("male",): 1, ("non_binary",): 0, ("undisclosed",): 0}
    assert indicator(report(client, "indicators", world.admin, suppress="false"), "participants") == {
        "female": 8, "male": 1, "non_binary": 0, "undisclosed": 0, "total": 9, "suppressed": False}

    ok(client.patch(url(f"/trainees/{world.women[0]['id']}"), headers=caseworker, json={"district": "Karşıyaka"}))
    body = report(client, "reach", world.admin, by="district", suppress="false")
    assert cells(body) == {(MEN_DISTRICT,): 2, (WOMEN_DISTRICT,): 5, ("Karşıyaka",): 1}
    # A district nobody lives in any more leaves the grid.
    ok(client.patch(url(f"/trainees/{world.women[0]['id']}"), headers=caseworker, json={"district": WOMEN_DISTRICT}))
    assert cells(report(client, "reach", world.admin, by="district", suppress="false")) == {
        (MEN_DISTRICT,): 2, (WOMEN_DISTRICT,): 6}


WHOLE_PROGRAMME_REQUESTS = (("reach", {"by": "sex,age_band"}), ("reach", {"by": "vulnerable_group"}),
                            ("outcomes", {"by": "sex"}), ("outcomes", {"by": "project,district"}),
                            ("indicators", {}), ("indicators", {"by": "settlement_type"}))
ALL_TIME = {"period_start": "1900-01-01", "period_end": "2035-12-31"}  # search bounds reach 10 years ahead


def test_whole_programme_figures_equal_a_scan_after_every_change(client, world, pathways, subtests, monkeypatch):
    """On PostgreSQL the figures over a whole scope come from rollups that the metrics consumer makes (here
    for these requests, and for this small organisation) and keeps; a period (here all time) always scans.
    They agree after each change."""
    monkeypatch.setattr(rollups, "KEPT", tuple((kind, tuple(query.get("by", "").split(",")) if query else ())
                                               for kind, query in WHOLE_PROGRAMME_REQUESTS))
    monkeypatch.setattr(rollups, "MIN_PARTICIPANTS", 1)
    monkeypatch.setattr(rollups, "SIZE_CHECK_SECONDS", 0)
    monkeypatch.setattr(rollups, "_sizes", {})  # nothing this process counted before
    caseworker = world.tenant.headers["caseworker"]
    w5, w6, m2 = world.women[4], world.women[5], world.men[1]
    enrolments = {e["trainee_id"]: e for e in ok(client.get(url("/enrolments"), query_string={
        "project_id": world.p1["id"], "limit": 100}, headers=caseworker))["items"]}
    employer = create_employer(client, caseworker)
    changes = {
        "nothing yet": lambda: None,
        "a sex corrected": lambda: client.patch(url(f"/trainees/{m2['id']}"), headers=caseworker,
                                                json={"sex": "female"}),
        "a completion": lambda: client.post(url(f"/enrolments/{enrolments[w5['id']]['id']}/complete"),
                                            headers=caseworker,
                                            json={"exited_on": "2026-07-15", "qualification_gained": True}),
        "a placement": lambda: client.post(url("/placements"), headers=caseworker, json=work_terms(
            employer_id=employer["id"], trainee_id=w5["id"], started_on="2026-08-03", wage_monthly="29125.50")),
        "a drop-out": lambda: client.post(url(f"/enrolments/{enrolments[w6['id']]['id']}/drop-out"),
                                          headers=caseworker, json={"exited_on": "2026-07-01", "reason": "health"}),
        "a second project": lambda: client.post(url("/enrolments"), headers=caseworker, json={
            "trainee_id": m2["id"], "project_id": world.p2["id"], "enrolled_on": "2026-09-01"}),
        "vulnerable groups": lambda: client.patch(url(f"/trainees/{world.women[1]['id']}"), headers=caseworker,
                                                  json={"vulnerable_groups": ["roma", "single_parent"]}),
    }
    seen = set()
    for change, apply in changes.items():
        response = apply()
        assert response is None or response.status_code in (200, 201), response.get_data(as_text=True)
        for kind, query in WHOLE_PROGRAMME_REQUESTS:
            with subtests.test(change=change, kind=kind, **query):
                # On the entry basis all time holds every participation (on the exit basis only exited ones).
                whole = report(client, kind, world.admin, suppress="false", period_basis="entry", **query)
                scanned = report(client, kind, world.admin, suppress="false", period_basis="entry", **query,
                                 **ALL_TIME)
                for header in ("period_start", "period_end"):
                    whole.pop(header), scanned.pop(header)
                assert whole == scanned
                seen.add(json.dumps(whole, sort_keys=True))
    assert len(seen) > len(WHOLE_PROGRAMME_REQUESTS) + 4  # the changes changed the figures
    with pathways.uow() as uow:
        kept = uow.session.scalar(select(func.count()).select_from(MetricRollup))
        assert rollups.differences(uow.session, uuid.UUID(world.tenant.organisation_id)) == []
    assert kept >= len(WHOLE_PROGRAMME_REQUESTS) if pathways.engine.dialect.name == "postgresql" else kept == 0


# --- exports -----------------------------------------------------------------------------------------

#: How the exports mark a hidden figure (service.metrics.exports) and label the sexes.
HIDDEN = "[c]"
SEX_LABELS = {"female": "Female", "male": "Male", "non_binary": "Non-binary", "undisclosed": "Not disclosed"}


def csv_sections(response) -> dict[str, tuple[list[str], list[list[str]]]]:
    """{title: (header, rows)} of a CSV export (title line, header line, rows; blank line between)."""
    body = response.get_data()
    assert body.startswith(BOM)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    sections, current = {}, []
    for row in [*rows, []]:
        if row:
            current.append(row)
        elif current:
            title, header, *data = current
            assert len(title) == 1
            sections[title[0]] = (header, data)
            current = []
    return sections


def xlsx_sheets(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(response.get_data()))
    sheets = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
        sheets[sheet.title] = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    return sheets


def as_text(value) -> str:
    if value is None:
        return ""
    return str(value)


def export(client, kind: str, headers, fmt: str, **params):
    response = get(client, kind, headers, format=fmt, **params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_csv_export_has_the_figures_of_the_json(client, world, subtests):
    slug = ok(client.get(url("/organisation"), headers=world.manager))["slug"]
    with subtests.test("reach by sex, suppressed"):
        params = {"by": "sex", "project_id": world.p1["id"]}
        body = report(client, "reach", world.manager, **params)
        response = export(client, "reach", world.manager, "csv", **params)
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == f'attachment; filename="pathways-{slug}-reach.csv"'
        sections = csv_sections(response)
        assert list(sections) == ["Summary", "Share targets", "Breakdown"]
        header, rows = sections["Summary"]
        assert header == ["Metric", "Value"]
        summary = dict(row for row in rows if len(row) == 2)
        assert summary | {"Project": "'=P1", "Reached": "8", "Target": "400", "Progress": "0.02",
                          "As of": body["as_of"], "Period start": "", "Period end": "",
                          "Period basis": "Entry date"} == summary
        header, rows = sections["Breakdown"]
        assert header == ["Sex", "Reached", "Suppressed"]
        assert rows[:4] == [["Female", HIDDEN, "Yes"], ["Male", HIDDEN, "Yes"], ["Non-binary", "0", "No"],
                            ["Not disclosed", "0", "No"]]
        header, rows = sections["Share targets"]
        assert header[:7] == ["Dimension", "Value", "Minimum share", "Maximum share", "Reached", "Share", "Met"]
        target = body["share_targets"][0]
        # hidden with the breakdown's female cell: count, share and met (whether met tells where the count lies)
        assert target["reached"] is target["share"] is target["met"] is None
        assert rows[0][:7] == ["Sex", "Female", "0.5", "", HIDDEN, HIDDEN, HIDDEN]
    with subtests.test("reach by sex and project, not suppressed"):
        params = {"by": "sex,project", "suppress": "false", "period_end": "2026-12-31"}
        body = report(client, "reach", world.admin, **params)
        sections = csv_sections(export(client, "reach", world.admin, "csv", **params))
        assert dict(sections["Summary"][1])["Reached"] == "8"
        assert dict(sections["Summary"][1])["Period end"] == "2026-12-31"
        codes = {world.p1["id"]: "'" + P1_CODE, world.p2["id"]: P2_CODE}
        expected = [[SEX_LABELS[cell["sex"]], codes[cell["project"]], str(cell["reached"]), "No"]
                    for cell in body["breakdown"]]
        assert sections["Breakdown"] == (["Sex", "Project", "Reached", "Suppressed"], expected)
        assert ["Female", "'=P1", "6", "No"] in expected and ["Male", "P2", "0", "No"] in expected
    with subtests.test("outcomes"):
        body = report(client, "outcomes", world.admin, suppress="false", by="sex")
        sections = csv_sections(export(client, "outcomes", world.admin, "csv", suppress="false", by="sex"))
        assert list(sections) == ["Summary", "Checkpoints", "Gender gaps", "Breakdown"]
        summary = dict(sections["Summary"][1])
        assert summary["Enrolled"] == "4" and summary["Completed"] == "3" and summary["Completion rate"] == "0.75"
        assert summary["Median wage"] == body["median_wage"] == "29250.00"
        assert summary["Wage currency"] == "TRY"
        header, rows = sections["Gender gaps"]
        assert header[:3] == ["Metric", "Female", "Male"]
        gaps = {row[0]: row[1:] for row in rows}
        assert gaps["Completion rate"][:4] == ["0.6667", "1.0", "-0.3333", "0.6667"]
        header, rows = sections["Breakdown"]
        assert header[:3] == ["Sex", "Enrolled", "Completed"]
        assert [row[:3] for row in rows] == [["Female", "3", "2"], ["Male", "1", "1"], ["Non-binary", "0", "0"],
                                             ["Not disclosed", "0", "0"]]
        header, rows = sections["Checkpoints"]
        assert header[:3] == ["Checkpoint", "Exiters due", "Employed"]
        upon_leaving = body["checkpoints"]["upon_leaving"]
        assert rows[0][1:3] == [str(upon_leaving["exiters_due"]), str(upon_leaving["employed"])] == ["4", "1"]
    with subtests.test("indicators"):
        body = report(client, "indicators", world.manager)
        response = export(client, "indicators", world.manager, "csv")
        assert response.headers["Content-Disposition"] == f'attachment; filename="pathways-{slug}-indicators.csv"'
        header, rows = csv_sections(response)["Indicators"]
        assert header[:6] == ["Indicator", "Female", "Male", "Non-binary", "Not disclosed", "Total"]
        assert rows[0][:6] == ["Participants", HIDDEN, HIDDEN, "0", "0", "9"]
        shown = [row for row in rows if len(row) > 1]
        assert len(shown) == len(body["indicators"])
        assert [row[5] for row in shown] == [str(row["total"]) for row in body["indicators"]]


def test_the_total_column_of_the_indicators_is_labelled(client, world, subtests):
    """The indicator tables' `total` column is labelled in each language."""
    for locale, total in (("en", "Total"), ("tr", "Toplam")):
        ok(client.patch(url("/organisation"), headers=world.admin, json={"locale": locale}))
        with subtests.test(locale=locale, format="csv"):
            sections = csv_sections(export(client, "indicators", world.manager, "csv", by="sex"))
            assert [total in header for header, _rows in list(sections.values())[1:]] == [True, True]
        with subtests.test(locale=locale, format="xlsx"):
            sheets = xlsx_sheets(export(client, "indicators", world.manager, "xlsx", by="sex"))
            assert [total in rows[0] for rows in list(sheets.values())[1:]] == [True, True]


def test_csv_content_type_names_its_charset_once(client, tenant):
    """The CSV names its charset once: `text/csv; charset=utf-8`."""
    response = export(client, "reach", tenant.headers["manager"], "csv")
    assert response.headers["Content-Type"].lower().replace(" ", "") == "text/csv;charset=utf-8"


def test_xlsx_export_has_the_figures_of_the_json(client, world):
    slug = ok(client.get(url("/organisation"), headers=world.manager))["slug"]
    params = {"by": "sex,project", "suppress": "false"}
    body = report(client, "reach", world.admin, **params)
    response = export(client, "reach", world.admin, "xlsx", **params)
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == f'attachment; filename="pathways-{slug}-reach.xlsx"'
    sheets = xlsx_sheets(response)
    assert list(sheets) == ["Summary", "Breakdown"]
    summary = sheets["Summary"]
    assert summary[0] == ("Metric", "Value")
    assert dict(summary[1:])["Reached"] == 8
    codes = {world.p1["id"]: P1_CODE, world.p2["id"]: P2_CODE}
    assert sheets["Breakdown"] == [("Sex", "Project", "Reached", "Suppressed"), *[
        (SEX_LABELS[cell["sex"]], codes[cell["project"]], cell["reached"], "No") for cell in body["breakdown"]]]

    suppressed = xlsx_sheets(export(client, "reach", world.manager, "xlsx", by="sex"))
    assert suppressed["Breakdown"][:5] == [("Sex", "Reached", "Suppressed"), ("Female", HIDDEN, "Yes"),
                                           ("Male", HIDDEN, "Yes"), ("Non-binary", 0, "No"), ("Not disclosed", 0, "No")]

    indicators = xlsx_sheets(export(client, "indicators", world.admin, "xlsx", suppress="false"))
    rows = {row[0]: row[1:] for row in indicators["Indicators"][1:]}
    assert rows["Participants"][:5] == (7, 2, 0, 0, 9)
    outcomes = xlsx_sheets(export(client, "outcomes", world.admin, "xlsx", suppress="false"))
    summary = dict(outcomes["Summary"][1:])
    assert (summary["Enrolled"], summary["Completed"], summary["Median wage"]) == (4, 3, 29250)  # a number


def test_exports_speak_the_organisations_language(client, world):
    ok(client.patch(url("/organisation"), headers=world.admin, json={"locale": "tr"}))
    sections = csv_sections(export(client, "reach", world.manager, "csv", by="sex"))
    assert list(sections) == ["Özet", "Kırılım"]
    header, rows = sections["Özet"]
    assert header == ["Ölçüt", "Değer"] and dict(rows)["Ulaşılan"] == "8"
    header, rows = sections["Kırılım"]
    assert header == ["Cinsiyet", "Ulaşılan", "Gizlendi"]
    assert [row[0] for row in rows[:4]] == ["Kadın", "Erkek", "İkili olmayan (non-binary)", "Belirtilmemiş"]

    sheets = xlsx_sheets(export(client, "indicators", world.admin, "xlsx", suppress="false", by="sex"))
    assert list(sheets) == ["Özet", "Göstergeler", "Kırılım"]
    assert sheets["Göstergeler"][0][:4] == ("Gösterge", "Kadın", "Erkek", "İkili olmayan (non-binary)")
    assert sheets["Göstergeler"][1][:6] == ("Katılımcılar", 7, 2, 0, 0, 9)
    assert sheets["Kırılım"][0][:2] == ("Cinsiyet", "Gösterge")
    assert ("Kadın", "Katılımcılar", 7, 0, 0, 0, 7) in [row[:7] for row in sheets["Kırılım"]]

    gaps = csv_sections(export(client, "outcomes", world.admin, "csv", suppress="false"))["Cinsiyet farkları"]
    assert gaps[0][:3] == ["Ölçüt", "Kadın", "Erkek"]
    assert [row[0] for row in gaps[1]][:1] == ["Tamamlama oranı"]
    # The JSON keeps its keys whatever the language.
    assert report(client, "reach", world.manager, by="sex")["breakdown"][0]["sex"] == "female"


def test_text_that_looks_like_a_formula_is_defused(client, world):
    params = {"by": "project,district", "suppress": "false"}
    rows = csv_sections(export(client, "reach", world.admin, "csv", **params))["Breakdown"][1]
    assert ["'=P1", "'=1+1", "2", "No"] in rows and ["'=P1", WOMEN_DISTRICT, "6", "No"] in rows
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row)

    workbook = load_workbook(io.BytesIO(export(client, "reach", world.admin, "xlsx", **params).get_data()))
    sheet = workbook["Breakdown"]
    risky = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value in (P1_CODE, MEN_DISTRICT)]
    assert {cell.value for cell in risky} == {P1_CODE, MEN_DISTRICT}
    for cell in risky:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value, cell.data_type)
    summary = load_workbook(io.BytesIO(export(client, "reach", world.admin, "xlsx",
                                              project_id=world.p1["id"]).get_data()))["Summary"]
    project_cell = summary["B2"]
    assert (summary["A2"].value, project_cell.value, project_cell.data_type) == ("Project", P1_CODE, "s")


# --- OpenAPI -----------------------------------------------------------------------------------------

def test_the_openapi_document_lists_the_metrics_endpoints(client):
    document = client.get("/openapi.json").get_json()
    for kind in KINDS:
        operation = document["paths"][f"/api/v1/metrics/{kind}"]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        expected = {"project_id", "period_start", "period_end", "by", "suppress", "format", "period_basis"}
        assert set(parameters) == expected | ({"framework"} if kind == "indicators" else set())
        assert all(p["in"] == "query" and not p["required"] for p in parameters.values())
        assert parameters["project_id"]["schema"]["format"] == "uuid"
        assert parameters["period_start"]["schema"]["format"] == "date"
        assert parameters["format"]["schema"]["enum"] == ["json", "csv", "xlsx"]
        if kind == "indicators":
            assert parameters["framework"]["schema"]["enum"] == ["esf_plus", "wioa", "ilo"]


def test_the_documented_defaults_are_accepted(client, tenant, subtests):
    """Every documented default is accepted (`by` has none: absent means no breakdown)."""
    document = client.get("/openapi.json").get_json()
    for kind in KINDS:
        operation = document["paths"][f"/api/v1/metrics/{kind}"]["get"]
        for parameter in operation["parameters"]:
            if "default" not in parameter["schema"]:
                continue
            default = parameter["schema"]["default"]
            value = str(default).lower() if isinstance(default, bool) else str(default)
            with subtests.test(kind=kind, parameter=parameter["name"], default=default):
                response = get(client, kind, tenant.headers["manager"], **{parameter["name"]: value})
                assert response.status_code == 200, response.get_data(as_text=True)
