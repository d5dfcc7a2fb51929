"""Bad input on every employer-side write: always a 4xx problem+json, never a 5xx, and nothing
written (rows of employers, vacancies, referrals, placements, follow-ups, audit entries and outbox
counted before and after; the records as the admin sees them compared at the end).

Each endpoint is tried with the bad variants common to all JSON endpoints and with its own; the
valid request is sent last and must succeed, which shows that each failure came from the variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest

from tests.api.conftest import EmployerSide, employer_body, ok, problem, url, vacancy_body, work_terms

LONG = "x" * 5000
NUL = "Konak\u0000"


@dataclass(frozen=True)
class Variant:
    name: str
    status: int
    #: valid body -> keyword arguments of `client.open` (`json=...` or `data=..., content_type=...`)
    request: Callable[[dict | None], dict]
    #: fields the problem's `errors` must name (422 only); None: not checked
    fields: tuple[str, ...] | None = None


def set_(label: str, /, **fields) -> Variant:
    """The valid body with `fields` replaced: a 422 naming exactly those fields."""
    return Variant(label, 422, lambda body: {"json": {**(body or {}), **fields}}, tuple(sorted(fields)))


def drop(field: str) -> Variant:
    return Variant(f"missing-{field}", 422, lambda body: {"json": {k: v for k, v in body.items() if k != field}},
                   (field,))


def raw(name: str, status: int, data: bytes | str, content_type: str = "application/json") -> Variant:
    return Variant(name, status, lambda body: {"data": data, "content_type": content_type})


COMMON = [
    raw("malformed-json", 400, '{"title": '),
    raw("trailing-garbage", 400, '{"a": 1} x'),
    raw("invalid-utf-8", 400, b'{"title": "\xff\xfe"}'),
    raw("single-quotes", 400, "{'title': 'x'}"),
    raw("text-plain", 415, '{"title": "x"}', "text/plain"),
    raw("form-encoded", 415, "title=x", "application/x-www-form-urlencoded"),
    raw("xml", 415, "<title>x</title>", "application/xml"),
    raw("json-array", 422, "[]"),
    raw("json-string", 422, '"x"'),
    raw("json-number", 422, "42"),
    raw("json-null", 422, "null"),
    Variant("over-a-megabyte", 413, lambda body: {"json": {**(body or {}), "padding": "x" * (1024 * 1024)}}),
    set_("unknown-field", colour="red"),
    set_("id-in-body", id="0190a8a8-0000-7000-8000-000000000000"),
]


def work_term_variants() -> list[Variant]:
    return [
        *[drop(field) for field in ("started_on", "wage_monthly", "currency", "hours_per_week", "contract_type",
                                    "formal")],
        set_("started-on-not-a-leap-day", started_on="2026-02-29"),
        set_("started-on-empty", started_on=""),
        set_("started-on-null", started_on=None),
        set_("started-on-number", started_on=20260701),
        set_("started-on-with-nul", started_on="2026-07-01\u0000"),
        set_("wage-comma", wage_monthly="28,500"),
        set_("wage-three-places", wage_monthly=28500.125),
        set_("wage-tiny-exponent", wage_monthly="1e-3"),
        set_("wage-huge-exponent", wage_monthly="1e999999"),
        set_("wage-nan", wage_monthly="NaN"),
        set_("wage-negative", wage_monthly=-1),
        set_("wage-object", wage_monthly={"amount": 1}),
        set_("wage-long-digits", wage_monthly="9" * 4000),
        set_("currency-lower-case", currency="usd"),
        set_("currency-unknown", currency="XYZ"),
        set_("currency-nul", currency="TR\u0000"),
        set_("currency-list", currency=["TRY"]),
        set_("hours-zero", hours_per_week=0),
        set_("hours-81", hours_per_week=81),
        set_("hours-string", hours_per_week="45"),
        set_("hours-huge", hours_per_week=10**30),
        set_("contract-type-unknown", contract_type="gig"),
        set_("formal-string", formal="true"),
        set_("formal-null", formal=None),
    ]


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    #: side -> path
    path: Callable[[EmployerSide], str]
    #: side -> valid body (None: no body)
    body: Callable[[EmployerSide], dict | None]
    #: who sends it: a staff role or "employer_a"
    role: str
    variants: list[Variant]
    success: int = 200
    #: a path with a malformed id in place of the record's
    bad_path: str | None = None


ENDPOINTS = [
    Endpoint("POST /employers", "POST", lambda s: "/employers", lambda s: employer_body(), "caseworker", [
        drop("name"), drop("tax_number"), drop("sector"),
        set_("name-empty", name=""), set_("name-blank", name="   "), set_("name-too-long", name="n" * 201),
        set_("name-nul", name=NUL), set_("name-number", name=42), set_("name-null", name=None),
        set_("name-huge", name=LONG),
        set_("tax-number-nul", tax_number="4540536920\u0000"), set_("tax-number-too-long", tax_number="4" * 33),
        set_("tax-number-list", tax_number=["4540536920"]),
        set_("sector-nul", sector="I56\u0000"), set_("sector-newline", sector="I56\n"),
        set_("sector-huge", sector=LONG),
        set_("district-too-long", district="d" * 101), set_("district-nul", district=NUL),
        set_("district-object", district={"name": "Konak"}),
    ], success=201),
    Endpoint("POST /vacancies", "POST", lambda s: "/vacancies", lambda s: vacancy_body(), "employer_a", [
        drop("title"), drop("occupation"), drop("positions"), drop("wage_monthly"), drop("currency"),
        drop("contract_type"),
        set_("title-empty", title=""), set_("title-too-long", title="t" * 201), set_("title-nul", title=NUL),
        set_("title-bell", title="Cook\u0007"), set_("title-number", title=5),
        set_("occupation-five-digits", occupation="51200"), set_("occupation-letter", occupation="51a0"),
        set_("occupation-number", occupation=5120), set_("occupation-newline", occupation="5120\n"),
        set_("occupation-nul", occupation="512\u0000"),
        set_("positions-zero", positions=0), set_("positions-too-many", positions=10_001),
        set_("positions-string", positions="3"), set_("positions-fraction", positions=2.5),
        set_("positions-boolean", positions=True),
        set_("wage-word", wage_monthly="abc"), set_("wage-three-places", wage_monthly=28500.123),
        set_("wage-negative", wage_monthly="-0.01"), set_("wage-infinity", wage_monthly="Infinity"),
        set_("wage-list", wage_monthly=[28500]),
        set_("currency-unknown", currency="XYZ"), set_("currency-four-letters", currency="TRYY"),
        set_("currency-empty", currency=""), set_("currency-null", currency=None),
        set_("contract-type-unknown", contract_type="freelance"), set_("contract-type-null", contract_type=None),
        set_("closes-on-impossible", closes_on="2027-02-30"), set_("closes-on-local-format", closes_on="31.12.2027"),
        set_("closes-on-word", closes_on="tomorrow"), set_("closes-on-timestamp", closes_on="2027-12-31T00:00:00"),
        set_("employer-id-not-a-uuid", employer_id="acme"), set_("employer-id-number", employer_id=42),
        set_("district-too-long", district="d" * 101), set_("district-nul", district=NUL),
        set_("status-given", status="filled"),
    ], success=201),
    Endpoint("PATCH /vacancies/{id}", "PATCH", lambda s: f"/vacancies/{s.a.vacancy['id']}",
             lambda s: {"title": "Head cook", "positions": 4}, "employer_a", [
        set_("title-empty", title=""), set_("title-null", title=None), set_("title-nul", title=NUL),
        set_("title-huge", title=LONG),
        set_("positions-zero", positions=0), set_("positions-string", positions="2"),
        set_("positions-null", positions=None),
        set_("wage-three-places", wage_monthly="1.001"), set_("wage-null", wage_monthly=None),
        set_("currency-word", currency="EURO"), set_("currency-null", currency=None),
        set_("status-unknown", status="deleted"), set_("status-null", status=None),
        set_("status-upper-case", status="CLOSED"),
        set_("closes-on-impossible", closes_on="2027-13-01"),
        set_("employer-id", employer_id="0190a8a8-0000-7000-8000-000000000000"),
        set_("occupation", occupation="7512"),
    ], bad_path="/vacancies/not-a-uuid"),
    Endpoint("POST /vacancies/{id}/referrals", "POST", lambda s: f"/vacancies/{s.a.vacancy['id']}/referrals",
             lambda s: {"trainee_id": s.free_trainee["id"], "note": "Good with customers."}, "caseworker", [
        drop("trainee_id"),
        set_("trainee-id-word", trainee_id="abc"), set_("trainee-id-number", trainee_id=123),
        set_("trainee-id-null", trainee_id=None), set_("trainee-id-nul", trainee_id="\u0000"),
        set_("trainee-id-list", trainee_id=["0190a8a8-0000-7000-8000-000000000000"]),
        set_("note-too-long", note="n" * 2001), set_("note-nul", note="Good\u0000"),
        set_("note-bell", note="Good\u0007"), set_("note-number", note=5), set_("note-null", note=None),
        set_("status-given", status="hired"),
    ], success=201, bad_path="/vacancies/not-a-uuid/referrals"),
    *[Endpoint(f"POST /referrals/{{id}}/{step}", "POST", lambda s, step=step: f"/referrals/{s.a.referral['id']}/{step}",
               lambda s: None, "employer_a", [
        set_("reason", reason="not a fit"), set_("status", status="hired"), set_("empty-key", **{"": 1}),
    ], bad_path=f"/referrals/1234/{step}") for step in ("interview", "reject", "withdraw")],
    Endpoint("POST /referrals/{id}/hire", "POST", lambda s: f"/referrals/{s.a.referral['id']}/hire",
             lambda s: work_terms(), "employer_a", [
        *work_term_variants(),
        set_("trainee-id-given", trainee_id="0190a8a8-0000-7000-8000-000000000000"),
        Variant("no-body", 422, lambda body: {}),
    ], bad_path="/referrals/%00/hire"),
    Endpoint("POST /placements", "POST", lambda s: "/placements",
             lambda s: work_terms(employer_id=s.a.employer["id"], trainee_id=s.a.trainee["id"],
                                  vacancy_id=s.a.vacancy["id"]), "caseworker", [
        *work_term_variants(),
        drop("trainee_id"),
        set_("trainee-id-nul", trainee_id="\u0000"), set_("trainee-id-number", trainee_id=7),
        set_("employer-id-word", employer_id="x"), set_("employer-id-null", employer_id=None),
        set_("vacancy-id-number", vacancy_id=7), set_("vacancy-id-too-short", vacancy_id="0190a8a8-0000"),
        set_("ended-on-given", ended_on="2026-12-31"),
    ], success=201),
    Endpoint("POST /placements/{id}/end", "POST", lambda s: f"/placements/{s.a.placement['id']}/end",
             lambda s: {"ended_on": "2026-10-31", "reason": "resigned"}, "employer_a", [
        drop("ended_on"), drop("reason"),
        set_("ended-on-day-32", ended_on="2026-10-32"), set_("ended-on-number", ended_on=20261031),
        set_("ended-on-null", ended_on=None), set_("ended-on-nul", ended_on="2026-10-31\u0000"),
        set_("reason-unknown", reason="x"), set_("reason-null", reason=None),
        set_("reason-upper-case", reason="RESIGNED"), set_("reason-huge", reason=LONG),
    ], bad_path="/placements/not-a-uuid/end"),
    Endpoint("POST /follow-ups/{id}", "POST", lambda s: f"/follow-ups/{s.follow_ups['exit']['id']}",
             lambda s: {"status": "recorded", "employment_status": "employed", "wage_monthly": "27000",
                        "currency": "TRY", "observed_on": "2026-07-10"}, "caseworker", [
        drop("status"),
        set_("status-done", status="done"), set_("status-null", status=None), set_("status-number", status=1),
        set_("employment-status-number", employment_status=5),
        set_("employment-status-unknown", employment_status="retired"),
        set_("employment-status-nul", employment_status="employed\u0000"),
        set_("wage-word", wage_monthly="abc"), set_("wage-three-places", wage_monthly="1.005"),
        set_("currency-two-letters", currency="TR"),
        set_("source-given", source="placement"), set_("checkpoint-given", checkpoint="month_6"),
        set_("due-on-given", due_on="2026-06-30"),
        set_("observed-after-the-window", observed_on="2026-07-29"),
        set_("observed-before-the-exit", observed_on="2026-06-29"), set_("observed-no-date", observed_on="soon"),
    ], bad_path="/follow-ups/not-a-uuid"),
]


def _headers(side: EmployerSide, role: str) -> dict:
    return side.a.headers if role == "employer_a" else side.tenant.headers[role]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_bad_input_is_4xx_and_writes_nothing(client, employer_side, row_counts, snapshot, subtests, endpoint):
    side = employer_side
    headers, path, body = _headers(side, endpoint.role), endpoint.path(side), endpoint.body(side)
    before = snapshot(side.tenant)
    for variant in COMMON + endpoint.variants:
        with subtests.test(variant.name):
            response = client.open(url(path), method=endpoint.method, headers=headers, **variant.request(body))
            answer = problem(response, variant.status)
            if variant.fields is not None:
                assert tuple(sorted(answer["errors"])) == variant.fields, answer
            assert row_counts(side.tenant) == before["rows"]
    if endpoint.bad_path:
        with subtests.test("malformed-id-in-path"):
            problem(client.open(url(endpoint.bad_path), method=endpoint.method, headers=headers, json=body), 404)
            assert row_counts(side.tenant) == before["rows"]
    assert snapshot(side.tenant) == before

    ok(client.open(url(path), method=endpoint.method, headers=headers, json=body), endpoint.success)
