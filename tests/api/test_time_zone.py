"""Each organisation's "today" is the calendar day in its time zone (issue 15, item 3).

With the clock frozen at 2026-03-10T22:30Z it is 01:30 on 11 March in İzmir (UTC+3) and still
10 March in UTC and in Guatemala (UTC-6): an exit dated 11 March is today in İzmir and in the
future for the others. Every date rule, date default and shown status follows that day;
timestamps stay UTC.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from service import clock
from service.db.models import FollowUp, Organisation
from service.domain.errors import ValidationFailed
from service.services import organisations, outcomes
from tests import factories
from tests.api.conftest import vacancy_body, work_terms
from tests.api.helpers import create_employer, ok, problem, url

LATE_EVENING_UTC = datetime(2026, 3, 10, 22, 30, tzinfo=timezone.utc)  # 01:30 on 11 March in İzmir
ELEVENTH, TENTH = date(2026, 3, 11), date(2026, 3, 10)
_people = itertools.count(1)


def at(moment: str):
    return clock.frozen(datetime.fromisoformat(moment))


def set_zone(client, tenant, time_zone: str) -> dict:
    return ok(client.patch(url("/organisation"), json={"time_zone": time_zone}, headers=tenant.headers["admin"]))


def zone_of(pathways, tenant) -> str:
    with pathways.uow() as uow:
        return uow.session.get(Organisation, uuid.UUID(tenant.organisation_id)).time_zone


def person(client, tenant, **overrides) -> dict:
    """A registered trainee unlike any other (no likely duplicate of the test's other people)."""
    n = next(_people)
    body = factories.trainee_body(given_name=f"Zeynep{'a' * n}", family_name=f"Kaya{'b' * n}",
                                  birth_date=(date(1990, 1, 1) + timedelta(days=37 * n)).isoformat())
    body.update(overrides)
    return client.post(url("/trainees"), json=body, headers=tenant.headers["caseworker"])


def enrolment(client, tenant, enrolled_on: date) -> dict:
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    project = ok(client.post(url("/projects"), json=factories.project_body(starts_on=None, ends_on=None),
                             headers=admin), 201)
    trainee = ok(person(client, tenant), 201)
    return ok(client.post(url("/enrolments"), headers=caseworker, json=factories.enrolment_body(
        trainee["id"], project["id"], enrolled_on=enrolled_on.isoformat())), 201)


def complete(client, tenant, enrolment_: dict, exited_on: date):
    return client.post(url(f"/enrolments/{enrolment_['id']}/complete"), headers=tenant.headers["caseworker"],
                       json={"exited_on": exited_on.isoformat(), "qualification_gained": True})


def checkpoints(client, tenant, enrolment_: dict, **query) -> dict[str, dict]:
    listed = ok(client.get(url("/follow-ups"), query_string={"enrolment_id": enrolment_["id"], **query},
                           headers=tenant.headers["manager"]))
    return {item["checkpoint"]: item for item in listed["items"]}


# --- The organisation's time zone -----------------------------------------------------------------------

@pytest.mark.parametrize(("country", "time_zone"), [
    ("TR", "Europe/Istanbul"), ("SE", "Europe/Stockholm"), ("GT", "America/Guatemala"), ("CO", "America/Bogota"),
    ("ES", "Europe/Madrid"), ("FR", "UTC")])  # FR: no profile, the generic one
def test_bootstrap_takes_the_country_profiles_time_zone(client, make_tenant, pathways, country, time_zone):
    tenant = make_tenant(country)
    assert ok(client.get(url("/organisation"), headers=tenant.headers["manager"]))["time_zone"] == time_zone
    assert zone_of(pathways, tenant) == time_zone


def test_bootstrap_takes_a_time_zone_given_and_refuses_an_unknown_one(pathways):
    organisation, _admin, _token = organisations.bootstrap(
        pathways.uow(), slug="leon-gto", name="León", country="ES", admin_email="a@leon.example",
        time_zone="America/Mexico_City")
    assert organisation.time_zone == "America/Mexico_City"
    for wrong in ("Europe/Izmir", "UTC+3", "", "localtime"):
        with pytest.raises(ValidationFailed) as refused:
            organisations.bootstrap(pathways.uow(), slug="other", name="Other", country="TR",
                                    admin_email="a@other.example", time_zone=wrong)
        assert list(refused.value.errors) == ["time_zone"]
    with pathways.uow() as uow:
        assert uow.session.query(Organisation).filter_by(slug="other").count() == 0


def test_an_admin_changes_the_time_zone(client, tenant, pathways):
    assert set_zone(client, tenant, "America/Guatemala")["time_zone"] == "America/Guatemala"
    assert ok(client.get(url("/organisation"), headers=tenant.headers["caseworker"]))["time_zone"] == (
        "America/Guatemala")
    assert zone_of(pathways, tenant) == "America/Guatemala"
    assert set_zone(client, tenant, "Europe/Istanbul")["time_zone"] == "Europe/Istanbul"


@pytest.mark.parametrize("value", ["Europe/Izmir", "europe/istanbul", "UTC+3", "+03:00", "", " UTC", "localtime",
                                   "../../../etc/passwd", "Europe/Istanbul" * 10, 3, None, ["UTC"]])
def test_an_unknown_time_zone_is_422_and_changes_nothing(client, tenant, pathways, value):
    answer = problem(client.patch(url("/organisation"), json={"time_zone": value}, headers=tenant.headers["admin"]),
                     422)
    assert list(answer["errors"]) == ["time_zone"]
    assert zone_of(pathways, tenant) == "Europe/Istanbul"


@pytest.mark.parametrize("role", ["caseworker", "manager"])
def test_only_an_admin_changes_the_time_zone(client, tenant, pathways, role):
    problem(client.patch(url("/organisation"), json={"time_zone": "UTC"}, headers=tenant.headers[role]), 403)
    assert zone_of(pathways, tenant) == "Europe/Istanbul"


# --- Rules about today ------------------------------------------------------------------------------------

def test_an_exit_dated_11_march_at_22_30_utc_is_today_in_izmir_and_ahead_in_utc(client, make_tenant):
    izmir, utc = make_tenant(), make_tenant()
    set_zone(client, utc, "UTC")
    with clock.frozen(LATE_EVENING_UTC):
        in_izmir, in_utc = enrolment(client, izmir, date(2026, 1, 5)), enrolment(client, utc, date(2026, 1, 5))
        exited = ok(complete(client, izmir, in_izmir, ELEVENTH))
        assert exited["exited_on"] == "2026-03-11" and exited["status"] == "completed"
        refused = problem(complete(client, utc, in_utc, ELEVENTH), 422)
        assert list(refused["errors"]) == ["exited_on"]
        ok(complete(client, utc, in_utc, TENTH))


def test_guatemala_refuses_11_march_until_its_own_midnight(client, tenant):
    set_zone(client, tenant, "America/Guatemala")
    with at("2026-03-11T03:00:00+00:00"):  # 21:00 on 10 March in Guatemala, 11 March in UTC
        enrolled = enrolment(client, tenant, date(2026, 1, 5))
        assert list(problem(complete(client, tenant, enrolled, ELEVENTH), 422)["errors"]) == ["exited_on"]
        dropped = client.post(url(f"/enrolments/{enrolled['id']}/drop-out"), headers=tenant.headers["caseworker"],
                              json={"exited_on": "2026-03-11", "reason": "found_job"})
        assert list(problem(dropped, 422)["errors"]) == ["exited_on"]
    with at("2026-03-11T06:00:00+00:00"):  # midnight in Guatemala
        assert ok(complete(client, tenant, enrolled, ELEVENTH))["exited_on"] == "2026-03-11"


def test_birth_dates_and_closing_dates_are_judged_by_the_organisations_day(client, make_tenant):
    izmir, utc = make_tenant(), make_tenant()
    set_zone(client, utc, "UTC")
    with clock.frozen(LATE_EVENING_UTC):
        # a birth date of 11 March is not in the future in İzmir, and is in UTC
        ok(person(client, izmir, birth_date="2026-03-11"), 201)
        assert list(problem(person(client, utc, birth_date="2026-03-11"), 422)["errors"]) == ["birth_date"]
        # a vacancy closing on 10 March is past in İzmir, not yet in UTC
        employers = {name: create_employer(client, tenant.headers["caseworker"])
                     for name, tenant in (("izmir", izmir), ("utc", utc))}
        closing = {name: client.post(url("/vacancies"), headers=tenant.headers["caseworker"], json=vacancy_body(
            employer_id=employers[name]["id"], closes_on="2026-03-10")) for name, tenant in (("izmir", izmir),
                                                                                          ("utc", utc))}
        assert list(problem(closing["izmir"], 422)["errors"]) == ["closes_on"]
        vacancy = ok(closing["utc"], 201)
        # the vacancy takes referrals through its closing day, in its organisation's time
        trainee = ok(person(client, utc), 201)
        ok(client.post(url(f"/vacancies/{vacancy['id']}/referrals"), headers=utc.headers["caseworker"],
                       json={"trainee_id": trainee["id"]}), 201)
    with at("2026-03-11T00:00:00+00:00"):
        other = ok(person(client, utc), 201)
        closed = problem(client.post(url(f"/vacancies/{vacancy['id']}/referrals"), headers=utc.headers["caseworker"],
                                     json={"trainee_id": other["id"]}), 409)
        assert closed["closes_on"] == "2026-03-10"


def test_a_date_field_reaches_a_year_after_the_organisations_today(client, make_tenant):
    izmir, guatemala = make_tenant(), make_tenant()
    set_zone(client, guatemala, "America/Guatemala")
    with clock.frozen(LATE_EVENING_UTC):
        for tenant, latest in ((izmir, "2027-03-11"), (guatemala, "2027-03-10")):
            employer = create_employer(client, tenant.headers["caseworker"])
            too_late = (date.fromisoformat(latest) + timedelta(days=1)).isoformat()
            answer = problem(client.post(url("/vacancies"), headers=tenant.headers["caseworker"],
                                         json=vacancy_body(employer_id=employer["id"], closes_on=too_late)), 422)
            assert answer["errors"]["closes_on"] == [f"Must not be after {latest} (1 year ahead)."]
            ok(client.post(url("/vacancies"), headers=tenant.headers["caseworker"],
                           json=vacancy_body(employer_id=employer["id"], closes_on=latest)), 201)


def test_observed_on_defaults_to_the_organisations_today(client, make_tenant):
    izmir, utc = make_tenant(), make_tenant()
    set_zone(client, utc, "UTC")
    with clock.frozen(LATE_EVENING_UTC):
        for tenant, today in ((izmir, "2026-03-11"), (utc, "2026-03-10")):
            enrolled = enrolment(client, tenant, date(2026, 1, 5))
            ok(complete(client, tenant, enrolled, date(2026, 3, 2)))
            exit_checkpoint = checkpoints(client, tenant, enrolled)["exit"]
            recorded = ok(client.post(url(f"/follow-ups/{exit_checkpoint['id']}"), headers=tenant.headers["caseworker"],
                                      json={"status": "recorded", "employment_status": "unemployed"}))
            assert recorded["observed_on"] == today
        # and a day observed ahead of the organisation's today is refused
        enrolled = enrolment(client, utc, date(2026, 1, 5))
        ok(complete(client, utc, enrolled, date(2026, 3, 2)))
        ahead = client.post(url(f"/follow-ups/{checkpoints(client, utc, enrolled)['exit']['id']}"),
                            headers=utc.headers["caseworker"],
                            json={"status": "unreachable", "observed_on": "2026-03-11"})
        assert list(problem(ahead, 422)["errors"]) == ["observed_on"]


# --- Shown statuses and the outcomes consumer ---------------------------------------------------------------

def test_a_follow_ups_shown_status_flips_at_the_organisations_midnight(client, make_tenant):
    """The exit checkpoint of an exit on 10 February is due through 10 March (28 days); month_6 of an exit
    on 10 September 2025 falls due on 11 March (182 days later). İzmir's midnight is 21:00 UTC."""
    izmir, utc = make_tenant(), make_tenant()
    set_zone(client, utc, "UTC")
    month_6_exit = ELEVENTH - timedelta(days=182)
    assert month_6_exit == date(2025, 9, 10)
    exits = {}
    with at("2026-03-10T12:00:00+00:00"):
        for name, tenant in (("izmir", izmir), ("utc", utc)):
            window_closing, falling_due = enrolment(client, tenant, date(2026, 1, 5)), enrolment(
                client, tenant, date(2025, 6, 2))
            ok(complete(client, tenant, window_closing, date(2026, 2, 10)))
            ok(complete(client, tenant, falling_due, month_6_exit))
            exits[name] = (tenant, window_closing, falling_due)

    def shown(name: str) -> tuple[str, str]:
        tenant, window_closing, falling_due = exits[name]
        return (checkpoints(client, tenant, window_closing)["exit"]["status"],
                checkpoints(client, tenant, falling_due)["month_6"]["status"])

    def filtered(name: str, status: str) -> set[tuple[str, str]]:
        """(which exit, checkpoint) of the organisation's follow-ups listed with `?status=`."""
        tenant, window_closing, falling_due = exits[name]
        return {(which, checkpoint) for which, enrolled in (("closing", window_closing), ("falling", falling_due))
                for checkpoint in checkpoints(client, tenant, enrolled, status=status)}

    before = {"due": {("closing", "exit")}, "overdue": {("falling", "exit")}}
    after = {"due": {("falling", "month_6")}, "overdue": {("closing", "exit"), ("falling", "exit")}}
    with at("2026-03-10T20:59:59+00:00"):  # 23:59:59 in İzmir
        assert shown("izmir") == shown("utc") == ("due", "scheduled")
        for status, expected in before.items():
            assert filtered("izmir", status) == filtered("utc", status) == expected
    with at("2026-03-10T21:00:00+00:00"):  # midnight in İzmir, 21:00 in UTC
        assert shown("izmir") == ("overdue", "due")
        assert shown("utc") == ("due", "scheduled")
        for status in after:
            assert (filtered("izmir", status), filtered("utc", status)) == (after[status], before[status])
        assert ("falling", "month_6") not in filtered("izmir", "scheduled")
    with at("2026-03-11T00:00:00+00:00"):
        assert shown("utc") == ("overdue", "due")
        for status, expected in after.items():
            assert filtered("utc", status) == expected
        one = exits["utc"][1]
        assert ok(client.get(url(f"/follow-ups/{checkpoints(client, utc, one)['exit']['id']}"),
                             headers=utc.headers["manager"]))["status"] == "overdue"


def test_the_outcomes_sweep_resolves_a_checkpoint_at_its_organisations_midnight(client, pathways, make_tenant):
    """A formal job held on month_6's due day (11 March) records it as employed once that day has come where
    the organisation is: for İzmir from 21:00 UTC on 10 March, for a UTC organisation three hours later."""
    izmir, utc = make_tenant(), make_tenant()
    set_zone(client, utc, "UTC")
    month_6 = {}
    with at("2026-03-10T12:00:00+00:00"):
        for name, tenant in (("izmir", izmir), ("utc", utc)):
            enrolled = enrolment(client, tenant, date(2025, 6, 2))
            ok(complete(client, tenant, enrolled, ELEVENTH - timedelta(days=182)))
            employer = create_employer(client, tenant.headers["caseworker"])
            ok(client.post(url("/placements"), headers=tenant.headers["caseworker"], json=work_terms(
                employer_id=employer["id"], trainee_id=enrolled["trainee_id"], started_on="2026-03-01")), 201)
            month_6[name] = uuid.UUID(checkpoints(client, tenant, enrolled)["month_6"]["id"])

    def sweep_at(moment: str) -> dict[str, tuple]:
        with at(moment), pathways.uow() as uow:
            outcomes.sweep(uow)
            uow.commit()
        with pathways.uow() as uow:
            found = {name: uow.session.get(FollowUp, follow_up_id) for name, follow_up_id in month_6.items()}
            return {name: (f.status, f.employment_status, f.observed_on) for name, f in found.items()}

    assert sweep_at("2026-03-10T20:59:59+00:00") == {"izmir": ("due", None, None), "utc": ("due", None, None)}
    assert sweep_at("2026-03-10T21:00:00+00:00") == {"izmir": ("recorded", "employed", ELEVENTH),
                                                     "utc": ("due", None, None)}
    assert sweep_at("2026-03-11T00:00:00+00:00") == {"izmir": ("recorded", "employed", ELEVENTH),
                                                     "utc": ("recorded", "employed", ELEVENTH)}


def test_the_reports_count_checkpoints_due_by_the_organisations_today(client, make_tenant):
    """The outcomes report's month_6 checkpoint is due once the organisation's today reaches it."""
    izmir, utc = make_tenant(), make_tenant()
    set_zone(client, utc, "UTC")
    with at("2026-03-10T12:00:00+00:00"):
        for tenant in (izmir, utc):
            ok(complete(client, tenant, enrolment(client, tenant, date(2025, 6, 2)), ELEVENTH - timedelta(days=182)))

    def due(tenant) -> int:
        answer = ok(client.get(url("/metrics/outcomes"), query_string={"suppress": "false"},
                               headers=tenant.headers["admin"]))
        return answer["checkpoints"]["month_6"]["exiters_due"]

    with at("2026-03-10T20:59:59+00:00"):
        assert (due(izmir), due(utc)) == (0, 0)
    with at("2026-03-10T21:00:00+00:00"):
        assert (due(izmir), due(utc)) == (1, 0)


def test_pathways_bootstrap_takes_a_time_zone(tmp_path, monkeypatch):
    """The command line: the country's zone unless --time-zone (or PATHWAYS_TIME_ZONE) names another."""
    from click.testing import CliRunner
    from sqlalchemy import create_engine, text

    from service import cli

    database = f"sqlite:///{tmp_path}/p.db"
    monkeypatch.setenv("DATABASE_URL", database)

    def bootstrap(slug: str, country: str, *options: str):
        return CliRunner().invoke(cli.main, ["bootstrap", "--org-slug", slug, "--org-name", slug.title(),
                                             "--country", country, "--admin-email", f"admin@{slug}.example",
                                             *options])

    assert bootstrap("canarias", "ES", "--time-zone", "Atlantic/Canary").exit_code == 0
    assert bootstrap("xela", "GT").exit_code == 0
    refused = bootstrap("olympus", "TR", "--time-zone", "Mars/Olympus")
    assert refused.exit_code == 1 and "time_zone" in refused.output
    engine = create_engine(database)
    with engine.connect() as connection:
        zones = dict(connection.execute(text("SELECT slug, time_zone FROM organisations")).all())
    engine.dispose()
    assert zones == {"canarias": "Atlantic/Canary", "xela": "America/Guatemala"}
