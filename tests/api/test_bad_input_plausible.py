"""Plausible values only (issue 12, item 15): dates within 1900-01-01 and a year ahead,
closing dates, backdated job starts, exact wages, the JSON media type, chunked bodies past
the size limit and keys given twice. Each refusal is a 4xx problem+json and writes nothing."""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from service.db.models import Placement, Referral, Trainee, Vacancy
from service.domain.dates import years_after
from tests.days import today
from tests import factories
from tests.api.conftest import vacancy_body, work_terms
from tests.api.helpers import create_employer, ok, problem, url

TODAY = today()  # the organisations' (İzmir's), not the host's
YEAR_AHEAD = years_after(TODAY, 1)
TOO_LATE = (YEAR_AHEAD + timedelta(days=1)).isoformat()
TOO_EARLY = "1899-12-31"
PLAN_TOO_LATE = (years_after(TODAY, 10) + timedelta(days=1)).isoformat()


def _count(pathways, model) -> int:
    with pathways.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _raw_post(client, path, text: str, headers, content_type="application/json"):
    return client.post(url(path), data=text.encode(), headers={**headers, "Content-Type": content_type})


# --- Dates ---------------------------------------------------------------------------------------------------

def _date_writes(side):
    """(name, method, path, body, field, role) of each write with an event date; each body is valid
    but for `field`, which the test fills in."""
    enrolment_free = side.enrolments["free"]["id"]
    return [
        ("trainee birth_date", "POST", "/trainees", factories.trainee_body(), "birth_date", "caseworker"),
        ("enrolled_on", "POST", "/enrolments",
         {"trainee_id": side.free_trainee["id"], "project_id": side.project["id"]}, "enrolled_on", "caseworker"),
        ("complete exited_on", "POST", f"/enrolments/{enrolment_free}/complete",
         {"qualification_gained": True}, "exited_on", "caseworker"),
        ("drop-out exited_on", "POST", f"/enrolments/{enrolment_free}/drop-out",
         {"reason": "moved_away"}, "exited_on", "caseworker"),
        ("vacancy closes_on", "POST", "/vacancies", vacancy_body(employer_id=side.a.employer["id"]), "closes_on",
         "caseworker"),
        ("vacancy patch closes_on", "PATCH", f"/vacancies/{side.a.vacancy['id']}", {}, "closes_on", "caseworker"),
        ("placement started_on", "POST", "/placements",
         work_terms(employer_id=side.a.employer["id"], trainee_id=side.free_trainee["id"]), "started_on",
         "caseworker"),
        ("hire started_on", "POST", f"/referrals/{side.b.referral['id']}/hire", work_terms(), "started_on",
         "caseworker"),
        ("placement ended_on", "POST", f"/placements/{side.a.placement['id']}/end", {"reason": "resigned"},
         "ended_on", "caseworker"),
    ], side.tenant


@pytest.mark.parametrize("value", [TOO_EARLY, TOO_LATE, "9999-12-31", "0001-01-01"])
def test_every_event_date_of_a_write_is_between_1900_and_a_year_ahead(client, pathways, employer_side, value):
    writes, tenant = _date_writes(employer_side)
    before = {model: _count(pathways, model) for model in (Trainee, Vacancy, Placement, Referral)}
    for name, method, path, body, field, role in writes:
        response = client.open(url(path), method=method, json={**body, field: value}, headers=tenant.headers[role])
        errors = problem(response, 422)["errors"]
        assert field in errors, (name, errors)
        assert "1900-01-01" in errors[field][0] or YEAR_AHEAD.isoformat() in errors[field][0], (name, errors)
    assert before == {model: _count(pathways, model) for model in before}


@pytest.mark.parametrize("field", ["starts_on", "ends_on"])
@pytest.mark.parametrize("value", [TOO_EARLY, PLAN_TOO_LATE])
def test_project_and_cohort_plans_reach_ten_years_ahead_and_no_further(client, tenant, field, value):
    admin = tenant.headers["admin"]
    # a seven-year programme is a plan, not a typing error
    ok(client.post(url("/projects"), json=factories.project_body(
        starts_on=TODAY.isoformat(), ends_on=years_after(TODAY, 7).isoformat()), headers=admin), 201)
    body = factories.project_body(**{"starts_on": None, "ends_on": None, field: value})
    assert field in problem(client.post(url("/projects"), json=body, headers=admin), 422)["errors"]
    project = ok(client.post(url("/projects"), json=factories.project_body(), headers=admin), 201)
    body = factories.cohort_body(**{"starts_on": None, "ends_on": None, field: value})
    assert field in problem(client.post(url(f"/projects/{project['id']}/cohorts"), json=body, headers=admin),
                            422)["errors"]


@pytest.mark.parametrize("path, param", [
    ("/enrolments", "enrolled_from"), ("/placements", "started_to"), ("/follow-ups", "due_from"),
    ("/metrics/reach", "period_start"), ("/metrics/outcomes", "period_end")])
def test_date_filters_are_plausible_too(client, tenant, path, param):
    for value in (TOO_EARLY, PLAN_TOO_LATE, "9999-12-31"):
        body = problem(client.get(url(path), query_string={param: value}, headers=tenant.headers["admin"]), 422)
        assert param in body["errors"]
    ok(client.get(url(path), query_string={param: TODAY.isoformat()}, headers=tenant.headers["admin"]))


def test_a_date_a_year_ahead_is_still_accepted(client, tenant):
    employer = create_employer(client, tenant.headers["caseworker"])
    body = vacancy_body(employer_id=employer["id"], closes_on=YEAR_AHEAD.isoformat())
    vacancy = ok(client.post(url("/vacancies"), json=body, headers=tenant.headers["caseworker"]), 201)
    assert vacancy["closes_on"] == YEAR_AHEAD.isoformat()


# --- Closing dates and backdated starts ------------------------------------------------------------------------

def test_a_vacancy_cannot_be_created_or_moved_to_close_in_the_past(client, pathways, employer_side):
    caseworker = employer_side.tenant.headers["caseworker"]
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    before = _count(pathways, Vacancy)
    body = vacancy_body(employer_id=employer_side.a.employer["id"], closes_on=yesterday)
    assert problem(client.post(url("/vacancies"), json=body, headers=caseworker), 422)["errors"] == {
        "closes_on": ["Must not be in the past."]}
    assert _count(pathways, Vacancy) == before
    vacancy = employer_side.a.vacancy
    assert "closes_on" in problem(client.patch(url(f"/vacancies/{vacancy['id']}"), json={"closes_on": yesterday},
                                               headers=caseworker), 422)["errors"]
    assert ok(client.get(url(f"/vacancies/{vacancy['id']}"), headers=caseworker))["closes_on"] == vacancy["closes_on"]
    # today is not the past
    ok(client.post(url("/vacancies"), json={**body, "closes_on": TODAY.isoformat()}, headers=caseworker), 201)


def test_referrals_after_the_closing_date_are_a_409(client, pathways, employer_side):
    """409, not 422: the request is well formed and was acceptable until the closing date; the
    vacancy's state refuses it, as a vacancy whose status is closed does (and moving closes_on
    makes the same request succeed)."""
    caseworker = employer_side.tenant.headers["caseworker"]
    vacancy = employer_side.b.vacancy
    with pathways.uow() as uow:  # the vacancy's closing date has passed
        uow.session.execute(update(Vacancy).where(Vacancy.id == uuid.UUID(vacancy["id"]))
                            .values(closes_on=TODAY - timedelta(days=1)))
        uow.commit()
    before = _count(pathways, Referral)
    body = problem(client.post(url(f"/vacancies/{vacancy['id']}/referrals"), headers=caseworker,
                               json={"trainee_id": employer_side.free_trainee["id"]}), 409)
    assert body["closes_on"] == (TODAY - timedelta(days=1)).isoformat()
    assert _count(pathways, Referral) == before
    ok(client.patch(url(f"/vacancies/{vacancy['id']}"), json={"closes_on": TODAY.isoformat()}, headers=caseworker))
    ok(client.post(url(f"/vacancies/{vacancy['id']}/referrals"), headers=caseworker,
                   json={"trainee_id": employer_side.free_trainee["id"]}), 201)


def test_a_job_start_more_than_a_year_before_its_vacancy_or_referral_is_refused(client, pathways, employer_side):
    caseworker = employer_side.tenant.headers["caseworker"]
    long_ago = (years_after(TODAY, -1) - timedelta(days=1)).isoformat()
    before = _count(pathways, Placement)
    body = work_terms(employer_id=employer_side.b.employer["id"], trainee_id=employer_side.free_trainee["id"],
                      vacancy_id=employer_side.b.vacancy["id"], started_on=long_ago)
    assert "started_on" in problem(client.post(url("/placements"), json=body, headers=caseworker), 422)["errors"]
    hire = client.post(url(f"/referrals/{employer_side.b.referral['id']}/hire"), headers=employer_side.b.headers,
                       json=work_terms(started_on=long_ago))
    assert "started_on" in problem(hire, 422)["errors"]
    assert _count(pathways, Placement) == before
    # within the year before: a hire entered late
    just_within = years_after(TODAY, -1).isoformat()
    ok(client.post(url(f"/referrals/{employer_side.b.referral['id']}/hire"), headers=employer_side.b.headers,
                   json=work_terms(started_on=just_within)))


# --- Wages -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ['"1e2"', '"1E2"', '"100.001"', '"-5"', '"0"', '"0.00"', "0", "0.0", "-1",
                                 "1.00000000000000000001", "28500.001", "0.001", '" 100"', '"100\\n"',
                                 '"+100"', '"1_000"', '"0100"', "100000000.01", "1e400", "-0"])
def test_a_wage_is_more_than_zero_with_at_most_two_decimals_as_written(client, pathways, lone_employer, raw):
    text = json.dumps(vacancy_body())
    text = text.replace('"wage_monthly": "28500.00"', f'"wage_monthly": {raw}')
    before = _count(pathways, Vacancy)
    assert "wage_monthly" in problem(_raw_post(client, "/vacancies", text, lone_employer.headers), 422)["errors"]
    assert _count(pathways, Vacancy) == before


@pytest.mark.parametrize("raw, stored", [("100", "100.00"), ("1e2", "100.00"), ("28500.5", "28500.50"),
                                         ("28500.50", "28500.50"), ("28500.500", "28500.50"),
                                         ('"28500"', "28500.00"), ('"28500.5"', "28500.50"), ('"0.01"', "0.01"),
                                         ('"100000000.00"', "100000000.00")])
def test_exact_wages_are_accepted_as_numbers_or_decimal_strings(client, lone_employer, raw, stored):
    text = json.dumps(vacancy_body()).replace('"wage_monthly": "28500.00"', f'"wage_monthly": {raw}')
    assert ok(_raw_post(client, "/vacancies", text, lone_employer.headers), 201)["wage_monthly"] == stored


def test_share_targets_still_take_json_fractions(client, tenant):
    text = '{"share_targets": [{"dimension": "sex", "value": "female", "min_share": 0.55}]}'
    body = ok(client.patch(url("/organisation"), data=text, content_type="application/json",
                           headers=tenant.headers["admin"]))
    assert body["share_targets"][0]["min_share"] == 0.55 and isinstance(body["share_targets"][0]["min_share"], float)


# --- Media type, size, duplicate keys ---------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["application/evil+json", "application/problem+json",
                                          "application/vnd.api+json", "text/json", "application/json-patch+json",
                                          "application/json; charset=latin-1", "application/jsonx"])
def test_only_application_json_is_taken(client, pathways, tenant, content_type):
    before = _count(pathways, Trainee)
    response = _raw_post(client, "/trainees", json.dumps(factories.trainee_body()), tenant.headers["caseworker"],
                         content_type=content_type)
    problem(response, 415)
    assert _count(pathways, Trainee) == before


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "application/json; charset=UTF-8", "Application/JSON"])
def test_application_json_with_or_without_utf8_charset_is_taken(client, tenant, content_type):
    ok(_raw_post(client, "/trainees", json.dumps(factories.trainee_body()), tenant.headers["caseworker"],
                 content_type=content_type), 201)


def _chunked_post(client, path, body: bytes, headers):
    """A body as a server that de-chunks it hands it over: a stream with no Content-Length."""
    return client.post(url(path), input_stream=io.BytesIO(body),
                       headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


def test_a_chunked_body_over_the_limit_is_413_not_cut_and_parsed(client, pathways, tenant, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = json.dumps(factories.trainee_body())
    # valid JSON in its first `limit` bytes, then more: cutting it would leave a complete document
    padded = (body + " " * (limit - len(body)) + "garbage").encode()
    before = _count(pathways, Trainee)
    problem(_chunked_post(client, "/trainees", padded, tenant.headers["caseworker"]), 413)
    assert _count(pathways, Trainee) == before
    ok(_chunked_post(client, "/trainees", body.encode(), tenant.headers["caseworker"]), 201)
    ok(_chunked_post(client, "/trainees", json.dumps(factories.trainee_body()).ljust(limit).encode(),
                     tenant.headers["caseworker"]), 201)


@pytest.mark.parametrize("text", [
    '{"given_name": "Ayşe", "given_name": "Fatma"}',
    '{"share_targets": [{"dimension": "sex", "dimension": "age_band", "value": "female"}]}',
    '{"name": "a", "locale": "en", "name": "b"}'])
def test_a_key_given_twice_is_a_400(client, tenant, text):
    trainee = "/trainees/0190f2a4-1b2c-7d3e-8f40-123456789abc"
    path = "/organisation" if "share_targets" in text or "locale" in text else trainee
    body = problem(client.patch(url(path), data=text, content_type="application/json",
                                headers=tenant.headers["admin"]), 400)
    assert "twice" in body["detail"]


def test_a_duplicate_key_in_a_create_is_a_400_and_nothing_is_written(client, pathways, tenant):
    text = json.dumps(factories.trainee_body())[:-1] + ', "sex": "male"}'
    before = _count(pathways, Trainee)
    assert "'sex'" in problem(_raw_post(client, "/trainees", text, tenant.headers["caseworker"]), 400)["detail"]
    assert _count(pathways, Trainee) == before


def test_a_share_target_without_its_value_is_422_in_a_patch_too(client, tenant):
    """A PATCH loads partially, and marshmallow passes that on to nested schemas: the share
    target's rule then read a missing value (a 500, found by schemathesis)."""
    admin = tenant.headers["admin"]
    project = ok(client.post(url("/projects"), json=factories.project_body(), headers=admin), 201)
    for target in ({"dimension": "sex", "min_share": 0.5}, {"value": "female", "min_share": 0.5}):
        problem(client.patch(url(f"/projects/{project['id']}"), json={"share_targets": [target]}, headers=admin), 422)
        problem(client.patch(url("/organisation"), json={"share_targets": [target]}, headers=admin), 422)
