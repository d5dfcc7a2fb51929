"""Malformed input on every write endpoint and list query: a 4xx problem+json, and nothing written.

SPEC section 3: "No input, however malformed, yields a 5xx." Each write endpoint is
attacked from a known-good body, one defect at a time (the flawless body is then accepted,
so each refusal came from its defect); the database must hold exactly what it held before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

import pytest
from sqlalchemy import func, select

from service.db.base import Base
from service.db.models import (AuditEntry, Cohort, Enrolment, IdempotencyRecord, OutboxMessage, Project, Trainee,
                               User)
from tests import factories

API = "/api/v1"
JSON = "application/json"
PROBLEM = "application/problem+json"
MiB = 1024 * 1024
UNKNOWN_ID = "0190f2a4-1b2c-7d3e-8f40-123456789abc"
NAN, INF = float("nan"), float("inf")

#: The records a stray write would add to, counted before and after each table of cases.
COUNTED = {"trainees": Trainee, "enrolments": Enrolment, "projects": Project, "cohorts": Cohort,
           "users": User, "audit_entries": AuditEntry, "outbox": OutboxMessage,
           "idempotency_keys": IdempotencyRecord}


# --- Encoding bodies ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Raw:
    """A JSON literal Python's encoder cannot write (1e400, a 5,000-digit integer)."""

    text: str


def encode(body) -> bytes:
    """JSON as a careless client might send it: NaN and Infinity as bare literals."""
    raws: list[str] = []

    def swap(value):
        if isinstance(value, Raw):
            raws.append(value.text)
            return f"@@raw{len(raws) - 1}@@"
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        return value

    text = json.dumps(swap(body))
    for index, raw in enumerate(raws):
        text = text.replace(f'"@@raw{index}@@"', raw)
    return text.encode()


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# --- Bad values by field kind ------------------------------------------------------------------

Cases = list[tuple[str, object]]

NUMBER_LITERALS: Cases = [("NaN", NAN), ("Infinity", INF), ("-Infinity", -INF), ("1e400", Raw("1e400"))]
NOT_A_STRING: Cases = [("int", 12345), ("float", 1.5), ("true", True), ("list", ["x"]),
                       ("object", {"$ne": ""}), ("huge int", 10**30), *NUMBER_LITERALS]
CONTROL: Cases = [("NUL", "a\x00b"), ("only NUL", "\x00"), ("ESC sequence", "\x1b[31mred"),
                  ("BEL", "ding\x07dong"), ("DEL", "a\x7fb"), ("C1 next-line", "a\x85b"),
                  ("bidi override", "abc\u202edcba"), ("line separator", "a\u2028b"),
                  ("lone surrogate", "a\ud800b")]
SINGLE_LINE: Cases = [("inner newline", "first\nsecond"), ("inner tab", "a\tb")]


def _null(nullable: bool) -> Cases:
    return [] if nullable else [("null", None)]


def text(max_length: int, *, min_length: int = 0, nullable: bool = False, multiline: bool = False) -> Cases:
    cases = [*NOT_A_STRING, *CONTROL, *([] if multiline else SINGLE_LINE),
             ("oversize", "x" * (max_length + 1)), ("oversize non-ASCII", "ş" * (max_length + 1)),
             ("100 kB", "x" * 100_000)]
    if min_length:
        cases += [("empty", ""), ("blank", "   ")]
    return cases + _null(nullable)


def enum(valid: str, *, nullable: bool = False) -> Cases:
    return [*NOT_A_STRING, ("unknown", "bogus"), ("empty", ""), ("upper-case", valid.upper()),
            ("padded", f" {valid} "), ("with NUL", valid + "\x00"), ("oversize", "x" * 10_000),
            *_null(nullable)]


def email(*, nullable: bool = False, extra: Cases = ()) -> Cases:
    return [*NOT_A_STRING, ("no @", "ayse.example.org"), ("no domain", "ayse@"),
            ("no local part", "@example.org"), ("two @", "ayse@x@example.org"), ("space", "ay se@example.org"),
            ("NUL", "ayse\x00@example.org"), ("control character in quotes", '"\x01"@example.org'),
            ("header injection", "ayse@example.org\nBcc: all@example.org"),
            ("oversize", "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org"), *extra, *_null(nullable)]


def phone() -> Cases:
    return [*NOT_A_STRING, ("letters", "call me maybe"), ("too short", "12"), ("only plus", "+"),
            ("oversize", "1" * 33), ("NUL", "+90\x00532 000 00 00"), ("Arabic-Indic digits", "٠٥٣٢١٢٣٤٥٦٧")]


def national_id() -> Cases:
    return [*NOT_A_STRING, ("empty", ""), ("blank", "   "), ("bad checksum", "12345678901"),
            ("letters", "ABCDEFGHIJK"), ("too short", "123"), ("NUL", "1234\x005678901"),
            ("oversize", "1" * 33), ("null", None)]


def occupation() -> Cases:
    return [*NOT_A_STRING, ("number", 5120), ("five digits", "51200"), ("letters", "51a0"), ("empty", ""),
            ("trailing newline", "5120\n"), ("NUL", "51\x0020"), ("signed", "+512"),
            ("Arabic-Indic digits", "٥١٢٠"), ("null", None)]


def date(*, nullable: bool = False, extra: Cases = ()) -> Cases:
    return [("2026-02-30", "2026-02-30"), ("yesterday", "yesterday"), ("2026-13-01", "2026-13-01"),
            ("month zero", "2026-00-10"), ("day 32", "2026-01-32"), ("day first", "01/03/2026"),
            ("empty", ""), ("year zero", "0000-01-01"), ("five-digit year", "20260-01-01"),
            ("timestamp", "2026-03-01T10:00:00"), ("NUL", "2026-03-01\x00"), ("int", 20260301),
            ("float", 2026.03), ("true", True), ("list", ["2026-03-01"]),
            ("object", {"year": 2026, "month": 3, "day": 1}), *NUMBER_LITERALS, *extra, *_null(nullable)]


def uuid_(*, nullable: bool = False) -> Cases:
    return [("garbage", "not-a-uuid"), ("empty", ""), ("too short", UNKNOWN_ID[:-1]), ("too long", UNKNOWN_ID + "0"),
            ("non-hex", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"), ("NUL", UNKNOWN_ID + "\x00"),
            ("SQL", "' OR '1'='1"), ("oversize", "a" * 10_000), ("int", 12345), ("huge int", 10**30),
            ("true", True), ("list", [UNKNOWN_ID]), ("object", {"id": UNKNOWN_ID}), *NUMBER_LITERALS,
            *_null(nullable)]


def integer(maximum: int, *, nullable: bool = False) -> Cases:
    return [("string", "12"), ("empty string", ""), ('"true"', "true"), ("true", True), ("false", False),
            ("float", 1.5), ("zero", 0), ("negative", -1), ("above maximum", maximum + 1),
            ("huge", 10**30), ("list", [1]), ("object", {"value": 1}), *NUMBER_LITERALS, *_null(nullable)]


def boolean() -> Cases:
    return [('"true"', "true"), ('"false"', "false"), ("one", 1), ("zero", 0), ("yes", "yes"), ("empty", ""),
            ("list", [True]), ("object", {"value": True}), ("NaN", NAN), ("null", None)]


def citizenship(*, nullable: bool = False) -> Cases:
    return [*NOT_A_STRING, ("not a country", "XX"), ("alpha-3", "TUR"), ("numeric", "792"), ("empty", ""),
            ("a region, not a country", "EU"), ("the EU's code for Greece", "EL"), ("with NUL", "TR\x00"),
            ("non-ASCII", "TÜ"), ("oversize", "x" * 10_000), *_null(nullable)]


def enum_list(valid: str, maximum: int) -> Cases:
    return [("a string, not a list", valid), ("unknown item", ["bogus"]), ("int item", [1]), ("null item", [None]),
            ("nested list", [[valid]]), ("object", {valid: True}), ("object item", [{"group": valid}]),
            ("NUL item", [valid + "\x00"]), ("too many", [valid] * (maximum + 1)), ("null", None)]


def _target(**changes) -> dict:
    return {"dimension": "sex", "value": "female", "min_share": 0.4, **changes}


SHARE_TARGETS: Cases = [
    ("object, not a list", _target()), ("string", "sex"), ("int item", [1]), ("list item", [["sex"]]),
    ("unknown dimension", [_target(dimension="planet", value="mars")]),
    ("unknown value", [_target(value="bogus")]), ("value list with an unknown item", [_target(value=["female", "x"])]),
    ("empty value list", [_target(value=[])]), ("nested value list", [_target(value=[["female"]])]),
    ("value as number", [_target(value=1)]), ("oversize value", [_target(dimension="district", value="x" * 101)]),
    ("NUL in a free-text value", [_target(dimension="district", value="Kon\x00ak")]),
    ("ESC in a free-text value", [_target(dimension="district", value="\x1b[2J")]),
    ("lone surrogate in a free-text value", [_target(dimension="district", value="a\ud800b")]),
    ("share above 1", [_target(min_share=1.5)]), ("negative share", [_target(min_share=-0.1)]),
    ("share as a string", [_target(min_share="0.4")]), ("share as a bool", [_target(min_share=True)]),
    ("share NaN", [_target(min_share=NAN)]), ("share Infinity", [_target(min_share=INF)]),
    ("share 1e400", [_target(min_share=Raw("1e400"))]),
    ("share as a 400-digit integer", [_target(min_share=10**400)]),
    ("no share", [{"dimension": "sex", "value": "female"}]),
    ("min above max", [_target(min_share=0.6, max_share=0.5)]),
    ("missing dimension", [{"value": "female", "min_share": 0.4}]),
    ("unknown key", [_target(weight=2)]), ("too many targets", [_target()] * 51), ("null", None),
]


# --- The write endpoints -----------------------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    role: str
    #: A body the endpoint accepts, given the ids of the `records` fixture.
    valid: Callable[[dict], dict]
    #: Bad values for each field the endpoint takes.
    fields: dict[str, Cases]
    required: tuple[str, ...] = ()
    #: Fields the endpoint does not take although a neighbouring one does.
    foreign_fields: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


PROJECT_FIELDS = {
    "code": text(32, min_length=1), "name": text(200, min_length=1),
    "description": text(5000, multiline=True),
    "starts_on": date(nullable=True), "ends_on": date(nullable=True, extra=[("before starts_on", "2025-12-31")]),
    "reach_target": integer(100_000_000, nullable=True), "share_targets": SHARE_TARGETS,
    "priority_groups": enum_list("women", 20),
}
TRAINEE_FIELDS = {
    "given_name": text(100, min_length=1), "family_name": text(100, min_length=1), "sex": enum("female"),
    "phone": phone(), "email": email(nullable=True), "district": text(100, nullable=True),
    "settlement_type": enum("rural"), "education_level": enum("tertiary"),
    "vulnerable_groups": enum_list("roma", 7), "citizenship": citizenship(nullable=True),
    "labour_status": enum("inactive"),
}

ENDPOINTS = [
    Endpoint("POST", "/users", "admin", lambda ids: {"email": "newcomer@example.org", "role": "manager"},
             required=("email", "role"),
             fields={"email": email(extra=[("longer than 254 once lower-cased", "İ" * 240 + "@example.org")]),
                     "role": enum("manager"), "employer_id": uuid_(nullable=True)},
             foreign_fields={"token": "pw_chosen", "active": False, "organisation_id": UNKNOWN_ID}),
    Endpoint("PATCH", "/organisation", "admin", lambda ids: {"name": "Renamed organisation", "min_cell_size": 7},
             fields={"name": text(200, min_length=1), "national_id_scheme": enum("generic"),
                     "reach_target": integer(100_000_000, nullable=True), "share_targets": SHARE_TARGETS,
                     "min_cell_size": integer(100), "locale": enum("en")},
             foreign_fields={"slug": "taken-over", "country": "SE", "id": UNKNOWN_ID}),
    Endpoint("POST", "/projects", "admin", lambda ids: factories.project_body(),
             required=("code", "name"), fields=PROJECT_FIELDS, foreign_fields={"organisation_id": UNKNOWN_ID}),
    Endpoint("PATCH", "/projects/{project}", "admin", lambda ids: {"name": "Renamed project", "reach_target": 10},
             fields=PROJECT_FIELDS, foreign_fields={"organisation_id": UNKNOWN_ID, "id": UNKNOWN_ID}),
    Endpoint("POST", "/projects/{project}/cohorts", "admin", lambda ids: factories.cohort_body(),
             required=("name", "occupation"),
             fields={"name": text(200, min_length=1), "occupation": occupation(),
                     "starts_on": date(nullable=True),
                     "ends_on": date(nullable=True, extra=[("before starts_on", "2026-02-28")]),
                     "capacity": integer(100_000, nullable=True), "district": text(100, nullable=True)},
             foreign_fields={"project_id": UNKNOWN_ID}),
    Endpoint("POST", "/trainees", "caseworker", lambda ids: factories.trainee_body(),
             # national_id is optional since issue 15: without any document, no_document_reason is required
             # (tests/api/test_documents.py).
             required=("given_name", "family_name", "sex", "birth_date", "settlement_type",
                       "education_level", "labour_status", "consent"),
             fields={**TRAINEE_FIELDS, "national_id": national_id(),
                     "birth_date": date(extra=[("in the future", "2999-01-01"), ("implausibly early", "1800-01-01")]),
                     "sex": [*enum("female"), ("retired", "other")],
                     "consent": [*boolean(), ("refused", False)]},
             foreign_fields={"national_id_hash": "0" * 64, "consent_at": "2026-01-01T00:00:00+00:00"}),
    Endpoint("PATCH", "/trainees/{trainee}", "caseworker",
             lambda ids: {"phone": "+90 555 111 22 33", "district": "Konak"}, fields=TRAINEE_FIELDS,
             # `"consent": false` withdraws the consent since issue 18 (tests/api/test_consent.py).
             foreign_fields={"national_id": "37468912538", "birth_date": "2000-01-01",
                             "labour_status_at_entry": "employed"}),
    Endpoint("POST", "/enrolments", "caseworker",
             lambda ids: factories.enrolment_body(ids["newcomer"], ids["project"], cohort_id=ids["cohort"],
                                                  enrolled_on="2026-03-02"),
             required=("trainee_id", "project_id", "enrolled_on"),
             fields={"trainee_id": uuid_(), "project_id": uuid_(), "cohort_id": uuid_(nullable=True),
                     "enrolled_on": date(extra=[("after the project ends", "2028-01-01"),
                                                ("before the trainee is 15", "2015-01-01")]),
                     "labour_status_at_entry": enum("employed")},
             foreign_fields={"status": "completed", "exited_on": "2026-06-30", "age_at_entry": 30,
                             "at_entry": {"age": 30}}),
    Endpoint("POST", "/enrolments/{enrolment}/correct-entry", "caseworker",
             lambda ids: {"age": 31, "citizenship": "SY", "reason": "Checked against the identity card."},
             required=("reason",),
             fields={"labour_status": enum("inactive"), "age": [*integer(120), ("below 15", 14)],
                     "education_level": enum("tertiary"), "settlement_type": enum("rural"),
                     "vulnerable_groups": enum_list("roma", 7), "citizenship": citizenship(nullable=True),
                     "reason": text(500, min_length=1, multiline=True)},
             foreign_fields={"sex": "male", "status": "completed", "age_at_entry": 31, "birth_date": "1990-01-01"}),
    Endpoint("POST", "/enrolments/{enrolment}/complete", "caseworker",
             lambda ids: {"exited_on": "2026-06-30", "qualification_gained": True},
             required=("exited_on", "qualification_gained"),
             fields={"exited_on": date(extra=[("before the enrolment", "2026-02-28")]),
                     "qualification_gained": boolean()},
             foreign_fields={"reason": "found_job", "status": "dropped_out"}),
    Endpoint("POST", "/enrolments/{enrolment}/drop-out", "caseworker",
             lambda ids: {"exited_on": "2026-05-04", "reason": "found_job"},
             required=("exited_on", "reason"),
             fields={"exited_on": date(extra=[("before the enrolment", "2026-02-28")]),
                     "reason": [*enum("found_job"), ("completion is not a drop-out", "completed_course")]},
             foreign_fields={"qualification_gained": True, "status": "completed"}),
]

#: Names no endpoint takes.
STRANGERS: Cases = [("unexpected", 1), ("id", UNKNOWN_ID), ("created_at", "2026-01-01T00:00:00+00:00"),
                    ("", 1), ("\x00", 1), ("__proto__", {}), ("$where", "1"), ("x" * 1000, 1)]


def _unknown_field_cases(endpoint: Endpoint) -> list[tuple[str, str, object]]:
    cases = [(f"unknown {name!r}"[:60], name, value) for name, value in STRANGERS]
    cases += [(f"{name!r} is not taken here", name, value) for name, value in endpoint.foreign_fields.items()]
    first = next(iter(endpoint.fields))
    cases += [(f"{first!r} in upper case", first.upper(), "x"), (f"{first!r} with a trailing space", first + " ", "x")]
    return cases


# --- Fixtures and checks -----------------------------------------------------------------------

@pytest.fixture
def records(client, tenant, programme) -> dict[str, str]:
    """Ids the paths and bodies refer to: an open enrolment and a trainee not yet enrolled."""
    caseworker = tenant.headers["caseworker"]
    project, cohort, trainee = (programme[name]["id"] for name in ("project", "cohort", "trainee"))
    enrolment = client.post(f"{API}/enrolments", headers=caseworker,
                            json=factories.enrolment_body(trainee, project, cohort_id=cohort))
    newcomer = client.post(f"{API}/trainees", json=factories.trainee_body(), headers=caseworker)
    assert enrolment.status_code == newcomer.status_code == 201
    return {"project": project, "cohort": cohort, "trainee": trainee,
            "enrolment": enrolment.get_json()["id"], "newcomer": newcomer.get_json()["id"]}


def send(client, tenant, endpoint: Endpoint, records: dict, data: bytes | None, content_type: str | None = JSON,
         path: str | None = None):
    headers = dict(tenant.headers[endpoint.role])
    if content_type is not None:
        headers["Content-Type"] = content_type
    return client.open(API + (path or endpoint.path).format(**records), method=endpoint.method,
                       data=data, headers=headers)


def count_rows(pathways) -> dict[str, int]:
    with pathways.uow() as uow:
        return {name: uow.session.scalar(select(func.count()).select_from(model)) for name, model in COUNTED.items()}


def all_rows(pathways) -> dict[str, list[tuple]]:
    with pathways.uow() as uow:
        return {table.name: [tuple(row) for row in uow.session.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}


def assert_field_errors(errors, path="errors") -> None:
    """`errors: {field: [messages]}`; a nested record's errors nest the same way."""
    assert isinstance(errors, dict) and errors, f"{path} must be a non-empty object: {errors!r}"
    for name, messages in errors.items():
        assert isinstance(name, str)
        if isinstance(messages, dict):
            assert_field_errors(messages, f"{path}.{name}")
        else:
            assert isinstance(messages, list) and messages, f"{path}.{name}: {messages!r}"
            assert all(isinstance(m, str) and m for m in messages), f"{path}.{name}: {messages!r}"


def assert_problem(response, status: int | None = None, field_name: str | None = None) -> dict:
    """A 4xx RFC 9457 problem (of `status` when given) that names `field_name` on a 422."""
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:500])
    if status is not None:
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == PROBLEM, response.mimetype
    problem = response.get_json()
    assert isinstance(problem, dict), problem
    for member in ("type", "title", "detail"):
        assert isinstance(problem.get(member), str) and problem[member], (member, problem)
    assert problem["status"] == response.status_code
    if response.status_code == 422:
        assert_field_errors(problem.get("errors"))
        if field_name is not None:
            assert field_name in problem["errors"], (field_name, problem["errors"])
    return problem


def assert_each_refused(pathways, cases, request) -> None:
    """Send every case: each must be refused with a problem, and together they must write nothing.

    Comparing the database around the whole batch is as strict as around each request: no
    refused request could delete a row to hide another, every change to a record adds an
    append-only audit entry, and every row of every table is compared besides the counts.
    """
    counts, rows = count_rows(pathways), all_rows(pathways)
    failures = []
    for case_id, payload, status, field_name in cases:
        response = request(payload)
        try:
            assert_problem(response, status, field_name)
        except AssertionError as error:
            failures.append(f"{case_id}: {error}".replace("\n", " ")[:600])
    counts_after, rows_after = count_rows(pathways), all_rows(pathways)
    if counts_after != counts:
        failures.append(f"rows were written: {counts} -> {counts_after}")
    if rows_after != rows:
        changed = sorted(name for name in rows if rows[name] != rows_after[name])
        added = [entry for entry in rows_after["audit_entries"] if entry not in rows["audit_entries"]]
        failures.append(f"rows changed in {changed}; new audit entries: {added}"[:2000])
    if failures:
        pytest.fail(f"{len(failures)} of {len(cases)} cases not refused cleanly:\n" + "\n".join(failures),
                    pytrace=False)


# --- Tests -------------------------------------------------------------------------------------

def _ids(endpoints) -> list[str]:
    return [str(endpoint) for endpoint in endpoints]


def _body_cases(method: str, valid: dict) -> list[tuple[str, bytes, str | None, int | None]]:
    """(id, raw body, content type, expected status or None for any 4xx)."""
    good = encode(valid)
    # No body: a POST misses its required fields; a PATCH without one is malformed.
    empty = 400 if method == "PATCH" else 422
    first = next(iter(valid)).encode()
    cases = [
        ("malformed JSON", b'{"name": ', JSON, 400),
        ("trailing garbage", good + b" x", JSON, 400),
        ("two documents", good + good, JSON, 400),
        ("single quotes", b"{'name': 'x'}", JSON, 400),
        ("comment", b'{"name": "x" /* note */}', JSON, 400),
        ("whitespace only", b" \n\t ", JSON, 400),
        ("invalid UTF-8", b'{"' + first + b'": "\xff\xfe\xfd"}', JSON, 400),
        ("overlong UTF-8 NUL", b'{"' + first + b'": "\xc0\x80"}', JSON, 400),
        ("UTF-16", json.dumps(valid).encode("utf-16"), JSON, 400),
        ("integer of 5,000 digits", b'{"' + first + b'": ' + b"9" * 5000 + b"}", JSON, 400),
        ("JSON as text/plain", good, "text/plain", 415),
        ("form-encoded", b"name=x&code=y", "application/x-www-form-urlencoded", 415),
        ("multipart", b"--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--b--\r\n",
         "multipart/form-data; boundary=b", 415),
        ("XML", b"<name>x</name>", "application/xml", 415),
        ("JSON without a content type", good, None, 415),
        ("empty array", b"[]", JSON, 422),
        ("the body inside an array", b"[" + good + b"]", JSON, 422),
        ("string", b'"a body"', JSON, 422),
        ("number", b"42", JSON, 422),
        ("true", b"true", JSON, 422),
        ("null", b"null", JSON, 422),
        ("NaN", b"NaN", JSON, 422),
        ("-Infinity", b"-Infinity", JSON, 422),
        ("empty body", b"", JSON, empty),
        ("empty body without a content type", b"", None, empty),
        ("arrays nested 100,000 deep", nested(100_000), JSON, 400),
        ("objects nested 100,000 deep", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, JSON, 400),
        ("over 1 MiB", encode({**valid, "padding": "x" * MiB}), JSON, 413),
    ]
    # The parser gives up near Python's recursion limit; no depth on either side of it may
    # slip past the check that runs before the view and then exhaust a later parse.
    for depth in (10, 100, 500, *range(900, 1001, 3)):
        cases.append((f"field nested {depth} deep", b'{"' + first + b'": ' + nested(depth) + b"}", JSON, None))
    return cases


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids(ENDPOINTS))
def test_malformed_bodies_are_refused(client, tenant, records, pathways, endpoint):
    cases = [(case_id, (body, content_type), status, None)
             for case_id, body, content_type, status in _body_cases(endpoint.method, endpoint.valid(records))]
    assert_each_refused(pathways, cases, lambda payload: send(client, tenant, endpoint, records, *payload))


def _field_cases(endpoint: Endpoint, valid: dict) -> list[tuple[str, dict, int, str]]:
    """(id, body, 422, the field the errors must name): one defect each in `valid`."""
    cases = [(f"without {name}", {k: v for k, v in valid.items() if k != name}, 422, name)
             for name in endpoint.required]
    if endpoint.required:
        cases.append(("empty object", {}, 422, endpoint.required[0]))
    cases += [(case_id, {**valid, name: value}, 422, name) for case_id, name, value in _unknown_field_cases(endpoint)]
    cases += [(f"{name}: {case_id}", {**valid, name: value}, 422, name)
              for name, values in endpoint.fields.items() for case_id, value in values]
    return cases


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids(ENDPOINTS))
def test_bad_fields_are_refused(client, tenant, records, pathways, endpoint):
    """Missing, unknown and ill-typed or out-of-range fields; then the flawless body is accepted,
    so each refusal came from its one defect."""
    valid = endpoint.valid(records)
    assert_each_refused(pathways, _field_cases(endpoint, valid),
                        lambda body: send(client, tenant, endpoint, records, encode(body)))
    accepted = send(client, tenant, endpoint, records, encode(valid))
    assert accepted.status_code in (200, 201), accepted.get_data(as_text=True)


BY_NAME = {str(endpoint): endpoint for endpoint in ENDPOINTS}
UNKNOWN_IDS = [
    # (id, endpoint, path if another, changes to its body)
    ("project in the path", "PATCH /projects/{project}", "/projects/" + UNKNOWN_ID, {}),
    ("not a UUID in the path", "PATCH /projects/{project}", "/projects/not-a-uuid", {}),
    ("cohort of an unknown project", "POST /projects/{project}/cohorts", f"/projects/{UNKNOWN_ID}/cohorts", {}),
    ("trainee in the path", "PATCH /trainees/{trainee}", "/trainees/" + UNKNOWN_ID, {}),
    ("NUL as the trainee in the path", "PATCH /trainees/{trainee}", "/trainees/%00", {}),
    ("trainee id", "POST /enrolments", None, {"trainee_id": UNKNOWN_ID}),
    ("project id", "POST /enrolments", None, {"project_id": UNKNOWN_ID}),
    ("cohort id", "POST /enrolments", None, {"cohort_id": UNKNOWN_ID}),
    ("nil UUID as trainee id", "POST /enrolments", None, {"trainee_id": "00000000-0000-0000-0000-000000000000"}),
    ("enrolment to complete", "POST /enrolments/{enrolment}/complete", f"/enrolments/{UNKNOWN_ID}/complete", {}),
    ("enrolment to drop out", "POST /enrolments/{enrolment}/drop-out", f"/enrolments/{UNKNOWN_ID}/drop-out", {}),
    ("enrolment to correct", "POST /enrolments/{enrolment}/correct-entry",
     f"/enrolments/{UNKNOWN_ID}/correct-entry", {}),
]


def test_unknown_ids_answer_404_and_write_nothing(client, tenant, records, pathways):
    cases = [(case_id, (BY_NAME[name], path, {**BY_NAME[name].valid(records), **changes}), 404, None)
             for case_id, name, path, changes in UNKNOWN_IDS]
    assert_each_refused(pathways, cases, lambda payload: send(
        client, tenant, payload[0], records, encode(payload[2]), path=payload[1]))


# --- Query strings of the list endpoints -------------------------------------------------------

PAGING = [
    ("limit=abc", "limit"), ("limit=-1", "limit"), ("limit=0", "limit"), ("limit=201", "limit"),
    ("limit=10000", "limit"), ("limit=1.5", "limit"), ("limit=", "limit"), ("limit=1e3", "limit"),
    ("limit=" + "9" * 30, "limit"), ("limit=%00", "limit"),
    ("cursor=garbage", "cursor"), ("cursor=%00", "cursor"), ("cursor=%C3%A9", "cursor"),
    ("cursor=" + "A" * 65, "cursor"), ("cursor=AAAA", "cursor"), ("cursor=" + "A" * 23, "cursor"),
    ("cursor=%1B%5B2J", "cursor"),
    ("unknown=1", "unknown"), ("LIMIT=5", "LIMIT"), ("page=2", "page"), ("page_size=10", "page_size"),
    ("%00=1", "\x00"),
]

LISTS = {
    "/users": [("role=bogus", "role"), ("role=", "role")],
    "/projects": [("code=%00", "code"), ("code=" + "x" * 33, "code")],
    "/projects/{project}/cohorts": [("project_id=" + UNKNOWN_ID, "project_id")],
    "/trainees": [("sex=bogus", "sex"), ("sex=other", "sex"), ("settlement_type=city", "settlement_type"),
                  ("vulnerable_group=%25", "vulnerable_group"), ("project_id=nope", "project_id"),
                  ("project_id=" + UNKNOWN_ID[:-1], "project_id"), ("district=%00", "district"),
                  ("district=" + "x" * 101, "district")],
    "/enrolments": [("project_id=nope", "project_id"), ("cohort_id=1", "cohort_id"), ("trainee_id=", "trainee_id"),
                    ("status=bogus", "status"), ("enrolled_from=2026-02-30", "enrolled_from"),
                    ("enrolled_to=yesterday", "enrolled_to"), ("enrolled_from=2026-13-01", "enrolled_from"),
                    ("enrolled_to=2026-03-01%00", "enrolled_to")],
    "/audit": [("entity_id=nope", "entity_id"), ("actor_id=1", "actor_id"), ("since=yesterday", "since"),
               ("since=2026-01-01T00:00:00", "since"), ("until=2026-02-30T00:00:00Z", "until"),
               ("since=2026-01-01", "since"), ("entity_type=" + "x" * 65, "entity_type"),
               ("since=0001-01-01T00:00:00%2B01:00", "since"), ("until=9999-12-31T23:59:59-01:00", "until"),
               ("since=2026-01-01T00:00:00%2B24:00", "since")],
}


@pytest.mark.parametrize("path", LISTS, ids=list(LISTS))
def test_bad_query_strings_are_refused(client, tenant, records, pathways, path):
    admin = tenant.headers["admin"]
    cases = [(query, query, 422, parameter) for query, parameter in PAGING + LISTS[path]]
    assert_each_refused(pathways, cases, lambda query: client.get(
        API + path.format(**records), query_string=query, headers=admin))
