"""Properties: no generated body makes POST /trainees, PATCH /trainees/{id} or POST /enrolments
answer a 5xx; each answer is a success or a 4xx problem+json, and a refusal writes nothing.

Bodies start from valid values and spoil some of them with arbitrary JSON (control
characters, huge numbers, NaN, nested structures), or are arbitrary JSON or bytes outright.
The examples of one test share its database (the fixtures are function-scoped, not per
example), so later examples meet duplicates and open enrolments too: that is wanted here.
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from stdnum.tr import tckimlik

from service.db.models import AuditEntry, Enrolment, OutboxMessage, Trainee
from service.domain import people
from tests import factories

API = "/api/v1"
PROBLEM = "application/problem+json"

#: The fixtures are built once per test, not per example, and that is what these tests want.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- Arbitrary JSON ----------------------------------------------------------------------------

#: Any text but lone surrogates (test_bad_input sends those), and text made of the characters
#: most likely to slip through: controls, format characters, separators.
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40) | st.text(
    st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"]) | st.sampled_from("\x00\x1b\x7f\u202e"), max_size=8)
scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-10**40, max_value=10**40)
           | st.floats() | texts)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4), max_leaves=12)


#: What a spoiled field holds instead: anything, an id of nothing, or a date out of range.
garbage = json_values | st.uuids().map(str) | st.dates().map(date.isoformat)


@st.composite
def spoiled(draw, valid: dict) -> dict:
    """A valid body with some fields replaced by arbitrary JSON, dropped, or joined by unknown ones."""
    body = {name: draw(strategy) for name, strategy in valid.items()}
    for name in draw(st.sets(st.sampled_from(sorted(body)), min_size=1, max_size=3)):
        body[name] = draw(garbage)
    for name in draw(st.sets(st.sampled_from(sorted(body)), max_size=1)):
        body.pop(name)
    body.update(draw(st.dictionaries(texts, garbage, max_size=1)))
    return body


def bodies(valid: dict):
    """Valid bodies, spoiled ones, and anything at all (JSON or not), as the bytes sent."""
    return st.one_of(
        st.fixed_dictionaries(valid).map(json.dumps),
        spoiled(valid).map(json.dumps),
        json_values.map(json.dumps),
        st.binary(max_size=200),
    )


# --- Valid values ------------------------------------------------------------------------------

#: Checksum-valid Turkish ids: mostly fresh ones, sometimes one Hypothesis repeats (a duplicate, 409).
tckns = st.builds(factories.tckn) | st.integers(10**8, 10**9 - 1).map(
    lambda n: str(n) + tckimlik.calc_check_digits(str(n)))
names = st.text(st.characters(categories=["L"]), min_size=1, max_size=30)
phones = st.none() | st.from_regex(r"\+?[0-9]{3}[0-9 ()-]{1,20}", fullmatch=True)

TRAINEE_PATCH = {
    "given_name": names, "family_name": names, "sex": st.sampled_from(people.SEXES),
    "phone": phones, "email": st.none() | st.emails(), "district": st.none() | names,
    "settlement_type": st.sampled_from(people.SETTLEMENT_TYPES),
    "education_level": st.sampled_from(people.EDUCATION_LEVELS),
    "vulnerable_groups": st.lists(st.sampled_from(people.VULNERABLE_GROUPS), max_size=3, unique=True),
    "labour_status": st.sampled_from(people.LABOUR_STATUSES),
    "citizenship": st.none() | st.sampled_from(sorted(people.COUNTRY_CODES)),
}
TRAINEE = {
    **TRAINEE_PATCH, "national_id": tckns,
    "birth_date": st.dates(date(1940, 1, 1), date(2010, 12, 31)).map(date.isoformat),
    "consent": st.just(True),
}


# --- Checks ------------------------------------------------------------------------------------

def count(pathways, model) -> tuple[int, int, int]:
    """Rows of `model`, audit entries and outbox rows: what a write would add to."""
    with pathways.uow() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(m))
                     for m in (model, AuditEntry, OutboxMessage))


def assert_answer(response, success: int, before: tuple, after: tuple) -> None:
    """A success, or a 4xx RFC 9457 problem after which nothing was written."""
    status = response.status_code
    assert status < 500, response.get_data(as_text=True)
    if status == success:
        assert response.mimetype == "application/json"
        assert "national_id" not in response.get_json()
        return
    assert 400 <= status < 500, status
    assert response.mimetype == PROBLEM, response.mimetype
    problem = response.get_json()
    assert problem["status"] == status
    assert all(isinstance(problem.get(member), str) for member in ("type", "title", "detail")), problem
    if status == 422:
        assert isinstance(problem.get("errors"), dict) and problem["errors"], problem
    assert after == before, f"a refused request wrote rows: {before} -> {after}"


def send(client, method: str, path: str, body, headers):
    return client.open(API + path, method=method, data=body, headers={**headers, "Content-Type": "application/json"})


# --- Properties --------------------------------------------------------------------------------

@settings(PROPERTY, max_examples=120)
@given(body=bodies(TRAINEE))
def test_registering_never_fails_with_a_5xx(client, tenant, pathways, body):
    before = count(pathways, Trainee)
    response = send(client, "POST", "/trainees", body, tenant.headers["caseworker"])
    after = count(pathways, Trainee)
    assert_answer(response, 201, before, after)
    if response.status_code == 201:
        assert after[0] == before[0] + 1


@settings(PROPERTY, max_examples=80)
@given(body=bodies(TRAINEE_PATCH), path_id=st.none() | st.uuids().map(str) | texts)
def test_changing_a_trainee_never_fails_with_a_5xx(client, tenant, programme, pathways, body, path_id):
    trainee_id = programme["trainee"]["id"] if path_id is None else quote(path_id, safe="")
    before = count(pathways, Trainee)
    response = send(client, "PATCH", f"/trainees/{trainee_id}", body, tenant.headers["caseworker"])
    assert_answer(response, 200, before, count(pathways, Trainee))


@pytest.fixture
def trainee_ids(client, tenant, programme) -> list[str]:
    """Several trainees, so that more than one enrolment can succeed."""
    caseworker = tenant.headers["caseworker"]
    others = [client.post(f"{API}/trainees", json=factories.trainee_body(), headers=caseworker).get_json()["id"]
              for _ in range(4)]
    return [programme["trainee"]["id"], *others]


@settings(PROPERTY, max_examples=80)
@given(data=st.data())
def test_enrolling_never_fails_with_a_5xx(client, tenant, programme, trainee_ids, pathways, data):
    valid = {
        "trainee_id": st.sampled_from(trainee_ids),
        "project_id": st.just(programme["project"]["id"]),
        "cohort_id": st.just(programme["cohort"]["id"]) | st.none(),
        "enrolled_on": st.dates(date(2026, 1, 1), date(2027, 12, 31)).map(date.isoformat),
    }
    body = data.draw(bodies(valid), label="body")
    before = count(pathways, Enrolment)
    response = send(client, "POST", "/enrolments", body, tenant.headers["caseworker"])
    after = count(pathways, Enrolment)
    assert_answer(response, 201, before, after)
    if response.status_code == 201:
        assert after[0] == before[0] + 1
