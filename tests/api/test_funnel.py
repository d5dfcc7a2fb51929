"""`/metrics/funnel` through the HTTP API (SPEC section 7, issue 14 item 8), on SQLite and PostgreSQL.

The programme of `build_programme` (T is today; all in the tenant, min_cell_size 5), made through the
API as its users would, so that every stage's count is known by construction:

    registered: F1..F9 women (Konak), M1..M6 men (Buca), N1 non-binary (Konak), U1 undisclosed (Buca);
                F9's registration moved to T-500 (written around the API, as M2's referral below)
    M1 born 1960 (55+); everybody else is 18-24 on every date used here
    F1 in the roma and disability groups, F2 in roma, nobody else in a group
    project P1, entered on T-290: F1..F6, M1..M5, N1, U1; on T-700 (before the period): F7, M6
    project P2, entered on T-100: F1 (one person in two projects)
    completed on T-200: F1..F5, M1, M2, N1; on T-380: F7, M6
    dropped out on T-200: F6 and M3 (found a job), M4 (moved away), U1 (health); M5 is still enrolled
    referrals: F1 interviewed and hired (formal job from T-150, so her month_6 checkpoint is recorded
               employed from it); F2 interviewed, then rejected; F3 rejected without an interview;
               M1 interviewing; M2 referred, the referral moved to T-400 (before his entry: not counted)
    placements recorded directly, without a referral (so no hire of this funnel): M2 from T-190, M5 from T-300
    month_6 recorded (due T-18): F2 employed, N1 employed, M1 unemployed
    month_12 recorded (due T-15): F7 employed, M6 self-employed

The period used is [T-300, T].
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, update

from tests.days import today
from service.db.models import Organisation, Referral, Trainee
from service.domain.people import SEXES
from tests import factories
from tests.api.conftest import vacancy_body, work_terms
from tests.api.helpers import create_employer, create_employer_user, create_project, enrol, ok, problem, url

TOTAL = (*SEXES, "total")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGES = ("registered", "enrolled", "completed", "dropped_out", "referred", "interviewing", "hired",
          "employed_6m", "employed_12m")
REASONS = ("found_job", "moved_away", "health", "family_care", "lost_contact", "other")


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


@dataclass
class Programme:
    tenant: object
    p1: dict
    p2: dict
    people: dict[str, dict]

    @property
    def admin(self) -> dict:
        return self.tenant.headers["admin"]

    @property
    def manager(self) -> dict:
        return self.tenant.headers["manager"]


def _person(client, headers, name: str, sex: str, district: str, **extra) -> dict:
    adult = (today() - timedelta(days=int(24.3 * 365.25))).isoformat()
    body = factories.trainee_body(given_name=name, sex=sex, district=district, **{"birth_date": adult, **extra})
    return ok(client.post(url("/trainees"), json=body, headers=headers), 201)


def build_programme(client, tenant, pathways) -> Programme:
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    p1, p2 = create_project(client, admin), create_project(client, admin)
    people = {}
    for n in range(1, 10):
        groups = {1: ["roma", "disability"], 2: ["roma"]}.get(n, [])
        people[f"F{n}"] = _person(client, caseworker, f"F{n}", "female", "Konak", vulnerable_groups=groups)
    for n in range(1, 7):
        extra = {"birth_date": "1960-01-01"} if n == 1 else {}
        people[f"M{n}"] = _person(client, caseworker, f"M{n}", "male", "Buca", **extra)
    people["N1"] = _person(client, caseworker, "N1", SEXES[2], "Konak")
    people["U1"] = _person(client, caseworker, "U1", SEXES[3], "Buca")
    with pathways.session_factory() as session:
        registered = datetime.combine(today() - timedelta(days=500), time(12), tzinfo=timezone.utc)
        session.execute(update(Trainee).where(Trainee.id == uuid.UUID(people["F9"]["id"]))
                        .values(created_at=registered))
        session.commit()

    enrolments = {}
    for name in ("F1", "F2", "F3", "F4", "F5", "F6", "M1", "M2", "M3", "M4", "M5", "N1", "U1"):
        enrolments[name] = enrol(client, caseworker, people[name]["id"], p1["id"], enrolled_on=day(-290))
    for name in ("F7", "M6"):
        enrolments[name] = enrol(client, caseworker, people[name]["id"], p1["id"], enrolled_on=day(-700))
    enrol(client, caseworker, people["F1"]["id"], p2["id"], enrolled_on=day(-100))
    for names, exited_on in ((("F1", "F2", "F3", "F4", "F5", "M1", "M2", "N1"), day(-200)), (("F7", "M6"), day(-380))):
        for name in names:
            ok(client.post(url(f"/enrolments/{enrolments[name]['id']}/complete"), headers=caseworker,
                           json={"exited_on": exited_on, "qualification_gained": True}))
    for name, reason in (("F6", "found_job"), ("M3", "found_job"), ("M4", "moved_away"), ("U1", "health")):
        ok(client.post(url(f"/enrolments/{enrolments[name]['id']}/drop-out"), headers=caseworker,
                       json={"exited_on": day(-200), "reason": reason}))

    employer = create_employer(client, caseworker)
    vacancy = ok(client.post(url("/vacancies"), headers=caseworker,
                             json=vacancy_body(employer_id=employer["id"], positions=10)), 201)
    referrals = {name: ok(client.post(url(f"/vacancies/{vacancy['id']}/referrals"), headers=caseworker,
                                      json={"trainee_id": people[name]["id"]}), 201)
                 for name in ("F1", "F2", "F3", "M1", "M2")}
    for name, steps in (("F1", ("interview",)), ("F2", ("interview", "reject")), ("F3", ("reject",)),
                        ("M1", ("interview",))):
        for step in steps:
            ok(client.post(url(f"/referrals/{referrals[name]['id']}/{step}"), headers=caseworker))
    ok(client.post(url(f"/referrals/{referrals['F1']['id']}/hire"), headers=caseworker,
                   json=work_terms(started_on=day(-150))))
    for name, started_on in (("M2", day(-190)), ("M5", day(-300))):
        ok(client.post(url("/placements"), headers=caseworker, json=work_terms(
            employer_id=employer["id"], trainee_id=people[name]["id"], started_on=started_on, formal=False)), 201)

    for name, checkpoint, status in (("F2", "month_6", "employed"), ("N1", "month_6", "employed"),
                                     ("M1", "month_6", "unemployed"), ("F7", "month_12", "employed"),
                                     ("M6", "month_12", "self_employed")):
        listed = ok(client.get(url("/follow-ups"), headers=caseworker, query_string={
            "enrolment_id": enrolments[name]["id"], "checkpoint": checkpoint}))["items"]
        ok(client.post(url(f"/follow-ups/{listed[0]['id']}"), headers=caseworker,
                       json={"status": "recorded", "employment_status": status}))
    with pathways.session_factory() as session:
        before_entry = datetime.combine(today() - timedelta(days=400), time(12), tzinfo=timezone.utc)
        session.execute(update(Referral).where(Referral.id == uuid.UUID(referrals["M2"]["id"]))
                        .values(created_at=before_entry))
        session.commit()
    return Programme(tenant, p1, p2, people)


@pytest.fixture
def programme_(client, tenant, pathways) -> Programme:
    return build_programme(client, tenant, pathways)


def get(client, headers, **params):
    return client.get(url("/metrics/funnel"), query_string=params, headers=headers)


def funnel(client, headers, **params) -> dict:
    return ok(get(client, headers, **params))


def figures(stages: list[dict]) -> dict:
    """{stage or (dropped_out, reason): (female, male, non_binary, undisclosed, total)}."""
    return {(row["stage"] if row["exit_reason"] is None else (row["stage"], row["exit_reason"])):
            tuple(row[key] for key in TOTAL) for row in stages}


def counts(female=0, male=0, non_binary=0, undisclosed=0) -> tuple:
    return female, male, non_binary, undisclosed, female + male + non_binary + undisclosed


#: Every stage of the whole programme, all time, by construction (module docstring).
ALL_TIME = {
    "registered": counts(9, 6, 1, 1),
    "enrolled": counts(7, 6, 1, 1),
    "completed": counts(6, 3, 1),
    "dropped_out": counts(1, 2, 0, 1),
    ("dropped_out", "found_job"): counts(1, 1),
    ("dropped_out", "moved_away"): counts(0, 1),
    ("dropped_out", "health"): counts(0, 0, 0, 1),
    ("dropped_out", "family_care"): counts(),
    ("dropped_out", "lost_contact"): counts(),
    ("dropped_out", "other"): counts(),
    "referred": counts(3, 1),
    "interviewing": counts(2, 1),
    "hired": counts(1),
    "employed_6m": counts(2, 0, 1),
    "employed_12m": counts(1, 1),
}
#: The period [T-300, T]: F9 registered before it, F7 and M6 entered before it.
IN_PERIOD = {**ALL_TIME, "registered": counts(8, 6, 1, 1), "enrolled": counts(6, 5, 1, 1),
             "completed": counts(5, 2, 1), "employed_12m": counts()}
#: Project P2: F1 alone, entered on T-100 (referred and hired after it, her job started before).
P2_ONLY = {**{key: counts() for key in ALL_TIME}, "registered": counts(1), "enrolled": counts(1),
           "referred": counts(1), "interviewing": counts(1), "hired": counts(1)}


# --- access and bad input ---------------------------------------------------------------------------

def test_programme_readers_read_the_funnel_others_are_refused(client, tenant, subtests):
    for role in ("admin", "caseworker", "manager"):
        with subtests.test(role=role):
            body = funnel(client, tenant.headers[role])
            assert body["organisation_id"] == tenant.organisation_id
            assert body["period_basis"] == "entry" and body["pending_events"] == 0
            assert [row["stage"] for row in body["stages"] if row["exit_reason"] is None] == list(STAGES)
    with subtests.test(role="employer"):
        problem(get(client, create_employer_user(client, tenant)), 403)
    with subtests.test(role="anonymous"):
        problem(get(client, {}), 401)


def test_only_admins_may_turn_suppression_off(client, tenant, subtests):
    for fmt in ("json", "csv", "xlsx"):
        for role in ("manager", "caseworker"):
            with subtests.test(format=fmt, role=role):
                problem(get(client, tenant.headers[role], suppress="false", format=fmt), 403)
        with subtests.test(format=fmt, role="admin"):
            assert get(client, tenant.headers["admin"], suppress="false", format=fmt).status_code == 200


@pytest.mark.parametrize("params, field", [
    ({"by": "occupation"}, "by"),
    ({"by": "sex,nonsense"}, "by"),
    ({"period_start": "2026-06-01", "period_end": "2026-05-31"}, "period_end"),
    ({"period_basis": "exit"}, "period_basis"),
    ({"format": "pdf"}, "format"),
    ({"suppress": "maybe"}, "suppress"),
    ({"project_id": "not-a-uuid"}, "project_id"),
    ({"stage": "hired"}, "stage"),
])
def test_bad_options_are_422_naming_the_field(client, tenant, params, field):
    body = problem(get(client, tenant.headers["manager"], **params), 422)
    assert field in body["errors"], body


def test_a_project_of_another_organisation_is_404(client, tenant, other_tenant):
    project = create_project(client, other_tenant.headers["admin"])
    problem(get(client, tenant.headers["manager"], project_id=project["id"]), 404)


# --- the figures -------------------------------------------------------------------------------------

def test_every_stage_by_sex_as_constructed(client, programme_):
    body = funnel(client, programme_.admin, suppress="false")
    assert figures(body["stages"]) == ALL_TIME
    assert body["suppression"] is False and body["by"] == [] and "breakdown" not in body
    enrolled = dict(zip(TOTAL, ALL_TIME["enrolled"]))
    completed = next(row for row in body["stages"] if row["stage"] == "completed")
    assert completed["share_of_enrolled"] == {sex: (round(n / enrolled[sex], 4) if enrolled[sex] else None)
                                              for sex, n in zip(TOTAL, ALL_TIME["completed"])}
    registered = next(row for row in body["stages"] if row["stage"] == "registered")
    assert registered["share_of_enrolled"]["total"] == round(17 / 15, 4)


def test_the_period_filters_registration_and_entry(client, programme_):
    body = funnel(client, programme_.admin, suppress="false", period_start=day(-300), period_end=day(0))
    assert figures(body["stages"]) == IN_PERIOD
    assert (body["period_start"], body["period_end"]) == (day(-300), day(0))
    before = funnel(client, programme_.admin, suppress="false", period_end=day(-301))
    assert figures(before["stages"])["enrolled"] == counts(1, 1)
    assert figures(before["stages"])["registered"] == counts(1)  # F9


def test_a_project_counts_its_own_entries_only(client, programme_):
    body = funnel(client, programme_.admin, suppress="false", project_id=programme_.p2["id"])
    assert figures(body["stages"]) == P2_ONLY
    assert body["project_id"] == programme_.p2["id"]


def test_by_a_dimension_each_cell_as_constructed(client, programme_):
    body = funnel(client, programme_.admin, suppress="false", by="district", period_start=day(-300))
    cells = {cell["district"]: figures(cell["stages"]) for cell in body["breakdown"]}
    assert set(cells) == {"Konak", "Buca"}
    assert cells["Konak"]["enrolled"] == counts(6, 0, 1) and cells["Buca"]["enrolled"] == counts(0, 5, 0, 1)
    assert cells["Konak"]["registered"] == counts(8, 0, 1) and cells["Buca"]["registered"] == counts(0, 6, 0, 1)
    assert cells["Konak"]["completed"] == counts(5, 0, 1) and cells["Buca"]["completed"] == counts(0, 2)
    assert cells["Konak"]["hired"] == counts(1) and cells["Buca"]["hired"] == counts()  # M2: no referral
    assert cells["Buca"][("dropped_out", "found_job")] == counts(0, 1)
    assert cells["Buca"][("dropped_out", "health")] == counts(0, 0, 0, 1)
    assert cells["Konak"]["employed_6m"] == counts(2, 0, 1)
    for key in IN_PERIOD:  # one district each: the cells add up to the stage
        assert tuple(a + b for a, b in zip(cells["Konak"][key], cells["Buca"][key])) == IN_PERIOD[key], key


def test_one_cell_per_vulnerable_group_and_age_band_on_entry(client, programme_):
    groups = funnel(client, programme_.admin, suppress="false", by="vulnerable_group")
    cells = {cell["vulnerable_group"]: figures(cell["stages"]) for cell in groups["breakdown"]}
    assert cells["roma"]["enrolled"] == counts(2) and cells["disability"]["enrolled"] == counts(1)
    assert cells["none"]["enrolled"] == counts(5, 6, 1, 1) and cells["refugee"]["enrolled"] == counts()
    assert cells["roma"]["interviewing"] == counts(2)
    ages = funnel(client, programme_.admin, suppress="false", by="age_band,sex")
    cells = {(cell["age_band"], cell["sex"]): figures(cell["stages"]) for cell in ages["breakdown"]}
    assert cells[("55+", "male")]["enrolled"] == counts(0, 1) == cells[("55+", "male")]["registered"]
    assert cells[("18-24", "male")]["enrolled"] == counts(0, 5)
    assert cells[("18-24", "female")]["registered"] == counts(9)
    assert cells[("30-54", "female")]["enrolled"] == counts()


def test_by_project_counts_a_person_in_each_of_her_projects(client, programme_):
    body = funnel(client, programme_.admin, suppress="false", by="project")
    cells = {cell["project"]: figures(cell["stages"]) for cell in body["breakdown"]}
    assert cells[programme_.p2["id"]] == P2_ONLY
    assert cells[programme_.p1["id"]]["enrolled"] == ALL_TIME["enrolled"]
    assert cells[programme_.p1["id"]]["hired"] == counts(1)


# --- suppression -------------------------------------------------------------------------------------

def test_small_cells_are_hidden_and_small_tables_whole_totals_exact(client, programme_):
    body = funnel(client, programme_.manager)
    assert body["suppression"] is True and body["min_cell_size"] == 5
    rows = figures(body["stages"])
    none = (None, None, None, None)
    assert rows["enrolled"] == (7, 6, None, None, 15)
    assert rows["registered"] == (9, 6, None, None, 17)
    assert rows["completed"] == (6, None, None, 0, 10)
    for stage, total in (("dropped_out", 4), ("referred", 4), ("interviewing", 3), ("hired", 1), ("employed_6m", 3),
                         ("employed_12m", 2)):  # fewer than 5 people: no zeros beside them either
        assert rows[stage] == (*none, total), stage
    for reason in REASONS:  # the drop-outs' reasons are a table of 4 people
        assert rows[("dropped_out", reason)] == (*none, None), reason
    completed = next(row for row in body["stages"] if row["stage"] == "completed")
    assert completed["share_of_enrolled"] == {"female": round(6 / 7, 4), "male": None, SEXES[2]: None,
                                              SEXES[3]: None, "total": round(10 / 15, 4)}
    assert completed["suppressed"] is True
    assert next(row for row in body["stages"] if row["stage"] == "enrolled")["suppressed"] is True


def test_suppressed_breakdown_shows_no_small_count(client, programme_):
    body = funnel(client, programme_.manager, by="district")
    exact = {cell["district"]: figures(cell["stages"])
             for cell in funnel(client, programme_.admin, by="district", suppress="false")["breakdown"]}
    for cell in body["breakdown"]:
        for key, shown in figures(cell["stages"]).items():
            for value, true in zip(shown, exact[cell["district"]][key]):
                assert value is None or value == true
                assert not 1 <= (value or 0) < 5, (cell["district"], key, shown)
            if 1 <= exact[cell["district"]][key][-1] < 5:  # a small cell: hidden whole, zeros too
                assert shown == (None,) * 5, (cell["district"], key, shown)
    konak = {row["stage"]: row for row in next(c for c in body["breakdown"] if c["district"] == "Konak")["stages"]
             if row["exit_reason"] is None}
    assert konak["enrolled"]["total"] == 8 and konak["enrolled"][SEXES[2]] is None
    assert konak["hired"]["suppressed"] is True


# --- exports ---------------------------------------------------------------------------------------

def _csv_tables(data: bytes) -> list[list[list[str]]]:
    text = data.decode("utf-8-sig")
    return [list(csv.reader(io.StringIO(block))) for block in text.split("\r\n\r\n")]


def _figure(value):
    """A figure as the JSON has it: the hidden marker and an empty cell are null."""
    if value in ("", None, "[c]"):
        return None
    return value if isinstance(value, (int, float)) else int(value) if float(value).is_integer() else float(value)


def _rows(table: list[list[str]], count: int) -> list[list[str]]:
    """The `count` rows of a CSV table (after its title and header; a note may follow them)."""
    return table[2:2 + count]


def test_csv_and_xlsx_carry_the_json_figures(client, programme_, subtests):
    params = {"by": "district", "period_start": day(-300)}
    body = funnel(client, programme_.manager, **params)
    expected = [(row["stage"], row["exit_reason"], *(row[key] for key in TOTAL)) for row in body["stages"]]
    expected_cells = [(cell["district"], *(row[key] for key in TOTAL))
                      for cell in body["breakdown"] for row in cell["stages"]]

    with subtests.test(format="csv"):
        response = get(client, programme_.manager, format="csv", **params)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "funnel.csv" in response.headers["Content-Disposition"]
        summary, stages, breakdown = _csv_tables(response.data)
        assert stages[0] == ["Funnel"]
        assert stages[1][:8] == ["Stage", "Exit reason", "Female", "Male", "Non-binary", "Not disclosed", "Total",
                                 "Share of enrolled: Female"]
        rows = _rows(stages, len(expected))
        assert [tuple(_figure(v) for v in line[2:7]) for line in rows] == [e[2:] for e in expected]
        assert rows[0][:2] == ["Registered", ""] and rows[4][:2] == ["Dropped out", "Dropped out: found a job"]
        assert [e[:2] for e in expected[:5]] == [("registered", None), ("enrolled", None), ("completed", None),
                                                 ("dropped_out", None), ("dropped_out", "found_job")]
        assert "[c]" in {value for line in rows for value in line}  # hidden figures are marked, not left empty
        assert stages[2 + len(expected)][0].startswith("[c] = hidden")
        cells = _rows(breakdown, len(expected_cells))
        assert [(line[0], *(_figure(v) for v in line[3:8])) for line in cells] == expected_cells
        assert [line[-1] for line in rows] == ["Yes" if r["suppressed"] else "No" for r in body["stages"]]

    with subtests.test(format="xlsx"):
        response = get(client, programme_.manager, format="xlsx", **params)
        assert response.status_code == 200 and response.mimetype == XLSX
        workbook = load_workbook(io.BytesIO(response.data))
        assert workbook.sheetnames == ["Summary", "Funnel", "Breakdown"]
        rows = list(workbook["Funnel"].iter_rows(min_row=2, values_only=True))[:len(expected)]
        assert [tuple(_figure(v) for v in row[2:7]) for row in rows] == [e[2:] for e in expected]
        cells = list(workbook["Breakdown"].iter_rows(min_row=2, values_only=True))[:len(expected_cells)]
        assert [(row[0], *(_figure(v) for v in row[3:8])) for row in cells] == expected_cells


def test_exports_speak_the_organisations_language(client, programme_, pathways):
    with pathways.session_factory() as session:
        session.execute(update(Organisation).where(Organisation.id == uuid.UUID(programme_.tenant.organisation_id))
                        .values(locale="tr-TR"))
        session.commit()
    response = get(client, programme_.manager, format="csv")
    summary, stages = _csv_tables(response.data)
    assert stages[0] == ["Program hunisi"] and stages[1][:2] == ["Aşama", "Ayrılma nedeni"]
    assert [line[0] for line in stages[2:5]] == ["Sisteme kaydedilen", "Kayıtlı", "Tamamlayan"]
    assert stages[2 + 4][:2] == ["Yarıda bırakan", "Yarıda bırakan: iş buldu"]
    assert "[g]" in {value for line in stages[2:] for value in line}


# --- cost --------------------------------------------------------------------------------------------

def _statements(pathways, run) -> list[str]:
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(pathways.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(pathways.engine, "before_cursor_execute", record)
    return seen


def test_the_queries_do_not_grow_with_people_or_stages(client, make_tenant, pathways):
    """A fixed number of statements (GROUP BYs, not a query per person, cell or stage), the same for an
    empty organisation as for the programme."""
    empty = make_tenant()
    built = build_programme(client, make_tenant(), pathways)
    for params in ({}, {"by": "district,vulnerable_group"}, {"by": "project", "period_start": day(-300)}):
        counts_ = [len(_statements(pathways, lambda h=headers: funnel(client, h, **params)))
                   for headers in (empty.headers["manager"], built.manager)]
        assert counts_[0] == counts_[1], params
        reading = [s for s in _statements(pathways, lambda: funnel(client, built.manager, **params))
                   if "GROUP BY" in s.upper()]
        assert len(reading) == (2 if not params else 4), params  # enrolment stages and registrations
