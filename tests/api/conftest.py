"""Fixtures and helpers for the employer side: employers with their users, vacancies, referrals,
placements and follow-ups, built through the API on both backends.

`employer_side` is the tenant's world; `other_employer_side` the same shape in `other_tenant`.
Each side has two employers, A and B, with one employer user each; every employer has an open
vacancy (three positions), one open referral of its own trainee and one active placement of that
trainee. A third trainee is enrolled but referred nowhere, and trainee A's enrolment is completed,
so its exit, month_6 and month_12 follow-ups exist.

API tests see the consumers' effects at once: `client` applies the pending events in this
process (`drain`) after every write, as a running worker would shortly after. The pipeline
itself, through the broker, is tested in tests/workers and tests/reliability.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from stdnum.tr import vkn

from service.db.models import AuditEntry, Employer, FollowUp, OutboxMessage, Placement, Referral, Vacancy
from tests import factories
from tests.api.helpers import bearer, ids, ok, problem, random_id, url  # noqa: F401 (used by test modules too)


#: Tables an employer-side write may touch; "nothing changed" compares their row counts.
COUNTED = {"employers": Employer, "vacancies": Vacancy, "referrals": Referral, "placements": Placement,
           "follow_ups": FollowUp, "audit_entries": AuditEntry, "outbox": OutboxMessage}

#: What an employer user may know of a referred trainee (SPEC section 1), and nothing more.
SUMMARY_KEYS = {"given_name", "family_name_initial", "cohort", "occupation"}

EXITED_ON = "2026-06-30"
#: A vacancy's closing date is at most a year ahead (and not in the past).
CLOSES_ON = (date.today() + timedelta(days=300)).isoformat()
_tax_serial = itertools.count(100_000_001)


class DrainingClient(FlaskClient):
    """A test client after whose every write the consumers apply the pending events."""

    drain = None

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if self.drain is not None and kwargs.get("method", "GET") not in ("GET", "HEAD", "OPTIONS"):
            self.drain()
        return response


@pytest.fixture
def client(app, drain):
    app.test_client_class = DrainingClient
    test_client = app.test_client()
    test_client.drain = drain
    return test_client


def tax_number() -> str:
    """A fresh, checksum-valid Turkish VKN."""
    base = f"{next(_tax_serial):09d}"
    return base + vkn.calc_check_digit(base)


def employer_body(**overrides) -> dict:
    body = {"name": "Ege Lokantası", "tax_number": tax_number(), "sector": "I56", "district": "Konak"}
    body.update(overrides)
    return body


def vacancy_body(**overrides) -> dict:
    body = {"title": "Commis cook", "occupation": "5120", "positions": 3, "wage_monthly": "28500.00",
            "currency": "TRY", "contract_type": "permanent", "district": "Konak", "closes_on": CLOSES_ON}
    body.update(overrides)
    return body


def work_terms(**overrides) -> dict:
    body = {"started_on": "2026-07-01", "wage_monthly": "28500.00", "currency": "TRY", "hours_per_week": 45,
            "contract_type": "permanent", "formal": True}
    body.update(overrides)
    return body


@dataclass
class EmployerRecords:
    """One employer, its user, its open vacancy, and (in a side) its trainee, referral and placement."""

    employer: dict
    headers: dict[str, str]
    user_id: str
    vacancy: dict
    trainee: dict | None = None
    referral: dict | None = None
    placement: dict | None = None


@dataclass
class EmployerSide:
    tenant: object
    project: dict
    cohort: dict
    a: EmployerRecords
    b: EmployerRecords
    free_trainee: dict
    enrolments: dict[str, dict]
    follow_ups: dict[str, dict] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        """Headers of a staff role, `employer_a`, `employer_b`, or `anonymous` (none)."""
        if role == "anonymous":
            return {}
        if role in ("employer_a", "employer_b"):
            return getattr(self, role[-1]).headers
        return self.tenant.headers[role]


def build_employer(client, tenant, **employer_fields) -> EmployerRecords:
    """An employer registered by a caseworker, its user made by the admin, and a vacancy the user posts."""
    employer = ok(client.post(url("/employers"), headers=tenant.headers["caseworker"],
                              json=employer_body(**employer_fields)), 201)
    user = ok(client.post(url("/users"), headers=tenant.headers["admin"], json={
        "email": f"hr-{uuid.uuid4().hex[:12]}@example.com", "role": "employer", "employer_id": employer["id"]}), 201)
    headers = bearer(user["token"])
    vacancy = ok(client.post(url("/vacancies"), headers=headers, json=vacancy_body()), 201)
    return EmployerRecords(employer=employer, headers=headers, user_id=user["id"], vacancy=vacancy)


def build_employer_side(client, tenant, programme: dict | None = None) -> EmployerSide:
    """The world described in the module docstring, made through the API as its users would."""
    admin, caseworker = tenant.headers["admin"], tenant.headers["caseworker"]
    if programme is None:
        project = ok(client.post(url("/projects"), json=factories.project_body(), headers=admin), 201)
        cohort = ok(client.post(url(f"/projects/{project['id']}/cohorts"), json=factories.cohort_body(),
                                headers=admin), 201)
        trainee_a = ok(client.post(url("/trainees"), json=factories.trainee_body(), headers=caseworker), 201)
    else:
        project, cohort, trainee_a = programme["project"], programme["cohort"], programme["trainee"]
    trainee_b = ok(client.post(url("/trainees"), headers=caseworker, json=factories.trainee_body(
        given_name="Mehmet", family_name="Demir", sex="male", email="mehmet@example.org")), 201)
    free = ok(client.post(url("/trainees"), headers=caseworker, json=factories.trainee_body(
        given_name="Elif", family_name="Kaya", email="elif@example.org")), 201)
    enrolments = {
        name: ok(client.post(url("/enrolments"), headers=caseworker, json=factories.enrolment_body(
            trainee["id"], project["id"], cohort_id=cohort["id"])), 201)
        for name, trainee in (("a", trainee_a), ("b", trainee_b), ("free", free))}
    enrolments["a"] = ok(client.post(url(f"/enrolments/{enrolments['a']['id']}/complete"), headers=caseworker,
                                     json={"exited_on": EXITED_ON, "qualification_gained": True}))

    records = {}
    for key, name, trainee in (("a", "Ege Lokantası", trainee_a), ("b", "Bornova Fırını", trainee_b)):
        records[key] = own = build_employer(client, tenant, name=name)
        own.trainee = trainee
        own.referral = ok(client.post(url(f"/vacancies/{own.vacancy['id']}/referrals"), headers=caseworker,
                                      json={"trainee_id": trainee["id"], "note": "Punctual, strong practical exam."}),
                          201)
        own.placement = ok(client.post(url("/placements"), headers=caseworker, json=work_terms(
            employer_id=own.employer["id"], trainee_id=trainee["id"], vacancy_id=own.vacancy["id"])), 201)

    side = EmployerSide(tenant=tenant, project=project, cohort=cohort, a=records["a"], b=records["b"],
                        free_trainee=free, enrolments=enrolments)
    listed = ok(client.get(url("/follow-ups"), query_string={"enrolment_id": enrolments["a"]["id"]},
                           headers=caseworker))
    side.follow_ups = {item["checkpoint"]: item for item in listed["items"]}
    return side


@pytest.fixture
def lone_employer(client, tenant) -> EmployerRecords:
    """Just one employer of the tenant with its user and an open vacancy: for tests that need no more."""
    return build_employer(client, tenant)


@pytest.fixture
def employer_side(client, tenant, programme) -> EmployerSide:
    return build_employer_side(client, tenant, programme)


@pytest.fixture
def other_employer_side(client, other_tenant) -> EmployerSide:
    return build_employer_side(client, other_tenant)


@pytest.fixture
def row_counts(pathways):
    """`row_counts(*tenants)`: rows per employer-side table that belong to those organisations.

    Counting only the test's own organisations keeps the numbers independent of anything
    else in a shared database.
    """

    def count(*tenants) -> dict[str, int]:
        organisation_ids = [uuid.UUID(t.organisation_id) for t in tenants]
        counts = [select(func.count()).select_from(model).where(model.organisation_id.in_(organisation_ids))
                  .scalar_subquery() for model in COUNTED.values()]
        with pathways.session_factory() as session:
            return dict(zip(COUNTED, session.execute(select(*counts)).one()))

    return count


@pytest.fixture
def snapshot(client, row_counts):
    """`snapshot(*tenants)`: every employer-side record as each tenant's admin sees it, plus row counts.

    Equal snapshots before and after a request mean the request changed nothing.
    """

    def take(*tenants) -> dict:
        records = {}
        for tenant in tenants:
            for path in ("/employers", "/vacancies", "/referrals", "/placements", "/follow-ups"):
                page = ok(client.get(url(path), query_string={"limit": 200}, headers=tenant.headers["admin"]))
                assert page["next_cursor"] is None
                records[(tenant.organisation_id, path)] = page["items"]
        return {"records": records, "rows": row_counts(*tenants)}

    return take
