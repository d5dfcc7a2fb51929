"""Who may touch which employer-side record, as one table (SPEC sections 1 and 3).

Every employer-facing endpoint is tried by every role with the records of employer A, of
employer B (same organisation) and of employer A of another organisation. The SPEC's answer:

* no token: 401;
* a role the endpoint is not for (a manager writing, an employer user creating employers,
  referrals or placements or touching follow-ups): 403;
* another organisation's id, and for an employer user another employer's id: 404, with the very
  body a random UUID gets;
* otherwise the request succeeds.

Every refused request must leave everything as it was: the records as the admins see them and
the row counts (audit entries and outbox included) are compared before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

import pytest

from tests import factories
from tests.api.conftest import (EXITED_ON, EmployerSide, employer_body, ids, ok, problem, random_id, url,
                               vacancy_body, work_terms)

ADMIN, CASEWORKER, MANAGER, EMPLOYER_A, EMPLOYER_B, ANONYMOUS = (
    "admin", "caseworker", "manager", "employer_a", "employer_b", "anonymous")
ROLES = (ADMIN, CASEWORKER, MANAGER, EMPLOYER_A, EMPLOYER_B, ANONYMOUS)
EVERYONE = frozenset({ADMIN, CASEWORKER, MANAGER, EMPLOYER_A, EMPLOYER_B})
STAFF_WRITERS = frozenset({ADMIN, CASEWORKER})
EMPLOYER_SIDE_WRITERS = frozenset({ADMIN, CASEWORKER, EMPLOYER_A, EMPLOYER_B})
PROGRAMME_READERS = frozenset({ADMIN, CASEWORKER, MANAGER})

#: Whose records each role is tried with. "a"/"b": employer A's/B's records in the caller's
#: organisation; "other_org": employer A's records of another organisation. The last target of
#: each role is the one it may use.
TARGETS = {
    ANONYMOUS: ("a",),
    ADMIN: ("other_org", "a"),
    CASEWORKER: ("other_org", "a"),
    MANAGER: ("other_org", "a"),
    EMPLOYER_A: ("b", "other_org", "a"),
    EMPLOYER_B: ("a", "other_org", "b"),
}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    #: Roles the SPEC lets call it.
    roles: frozenset
    #: (target records, caller's own records) -> (path, JSON body or None)
    build: Callable[[SimpleNamespace, SimpleNamespace], tuple[str, dict | None]]
    success: int = 200
    #: False for requests that name no record: only the role decides.
    names_records: bool = True
    #: Records a successful write uses up, made anew for each role that may write.
    fresh: tuple[str, ...] = ()

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def _path(template: str, body: Callable | None = None):
    return lambda t, mine: (template.format(t=t, mine=mine), body(t, mine) if body else None)


ENDPOINTS = [
    Endpoint("GET employer", "GET", EVERYONE, _path("/employers/{t.employer}")),
    Endpoint("GET vacancy", "GET", EVERYONE, _path("/vacancies/{t.vacancy}")),
    Endpoint("PATCH vacancy", "PATCH", EMPLOYER_SIDE_WRITERS, _path(
        "/vacancies/{t.vacancy}", lambda t, mine: {"title": "Head cook", "positions": 5, "status": "closed"}),
        fresh=("vacancy",)),
    Endpoint("POST vacancy referral", "POST", STAFF_WRITERS, _path(
        "/vacancies/{t.vacancy}/referrals", lambda t, mine: {"trainee_id": mine.free_trainee}), success=201,
        fresh=("vacancy",)),
    Endpoint("POST referral of another organisation's trainee", "POST", STAFF_WRITERS, _path(
        "/vacancies/{mine.vacancy}/referrals", lambda t, mine: {"trainee_id": t.free_trainee}), success=201,
        fresh=("vacancy",)),
    Endpoint("GET referral", "GET", EVERYONE, _path("/referrals/{t.referral}")),
    *[Endpoint(f"POST referral {step}", "POST", EMPLOYER_SIDE_WRITERS, _path(f"/referrals/{{t.referral}}/{step}"),
               fresh=("vacancy", "referral")) for step in ("interview", "reject", "withdraw")],
    Endpoint("POST referral hire", "POST", EMPLOYER_SIDE_WRITERS, _path(
        "/referrals/{t.referral}/hire", lambda t, mine: work_terms(started_on="2026-08-01")),
        fresh=("vacancy", "referral")),
    Endpoint("GET placement", "GET", EVERYONE, _path("/placements/{t.placement}")),
    Endpoint("POST placement end", "POST", EMPLOYER_SIDE_WRITERS, _path(
        "/placements/{t.placement}/end", lambda t, mine: {"ended_on": "2026-10-31", "reason": "resigned"}),
        fresh=("placement",)),
    Endpoint("POST vacancy naming an employer", "POST", EMPLOYER_SIDE_WRITERS, _path(
        "/vacancies", lambda t, mine: vacancy_body(employer_id=t.employer)), success=201),
    # Employer users record jobs only by hiring their own referrals: a free placement is staff's.
    Endpoint("POST placement naming an employer", "POST", STAFF_WRITERS, _path(
        "/placements", lambda t, mine: work_terms(employer_id=t.employer, trainee_id=t.trainee)), success=201),
    Endpoint("POST placement naming a trainee", "POST", STAFF_WRITERS, _path(
        "/placements", lambda t, mine: work_terms(employer_id=mine.employer, trainee_id=t.trainee)),
        success=201),
    Endpoint("POST placement naming a vacancy", "POST", STAFF_WRITERS, _path(
        "/placements", lambda t, mine: work_terms(employer_id=mine.employer, trainee_id=mine.trainee,
                                                  vacancy_id=t.vacancy)), success=201),
    Endpoint("GET follow-up", "GET", PROGRAMME_READERS, _path("/follow-ups/{t.follow_up}")),
    Endpoint("POST follow-up", "POST", STAFF_WRITERS, _path(
        "/follow-ups/{t.follow_up}", lambda t, mine: {"status": "recorded", "employment_status": "unemployed",
                                                      "observed_on": "2026-07-10"}),  # its window: EXITED_ON + 28
        fresh=("follow_up",)),
    Endpoint("POST employer", "POST", STAFF_WRITERS, _path(
        "/employers", lambda t, mine: employer_body(name="Konak Oteli", sector="I55")),
        success=201, names_records=False),
]


def expected_status(endpoint: Endpoint, role: str, target: str) -> int:
    """The SPEC's answer to `role` calling `endpoint` with `target`'s records."""
    if role == ANONYMOUS:
        return 401
    if role not in endpoint.roles:
        return 403
    if endpoint.names_records and target == "other_org":
        return 404
    if endpoint.names_records and role in (EMPLOYER_A, EMPLOYER_B) and target != role[-1]:
        return 404
    return endpoint.success


def _records(side: EmployerSide, key: str) -> SimpleNamespace:
    records = getattr(side, key)
    return SimpleNamespace(employer=records.employer["id"], vacancy=records.vacancy["id"],
                           referral=records.referral["id"], placement=records.placement["id"],
                           trainee=records.trainee["id"], follow_up=side.follow_ups["exit"]["id"],
                           free_trainee=side.free_trainee["id"])


def _random_records() -> SimpleNamespace:
    return SimpleNamespace(employer=random_id(), vacancy=random_id(), referral=random_id(), placement=random_id(),
                           trainee=random_id(), follow_up=random_id(), free_trainee=random_id())


def _target(side: EmployerSide, other: EmployerSide, target: str) -> SimpleNamespace:
    return _records(other, "a") if target == "other_org" else _records(side, target)


def _mine(side: EmployerSide, role: str) -> SimpleNamespace:
    """The caller's own records: its employer's for an employer user, employer A's for staff."""
    return _records(side, "b" if role == EMPLOYER_B else "a")


def _send(client, endpoint: Endpoint, headers: dict, target: SimpleNamespace, mine: SimpleNamespace):
    path, body = endpoint.build(target, mine)
    return client.open(url(path), method=endpoint.method, headers=headers, json=body)


@pytest.mark.parametrize("role", ROLES)
def test_refusals_and_reads(client, employer_side, other_employer_side, snapshot, row_counts, subtests, role):
    """Every endpoint with every target this role is tried with, except the writes it may make
    (those are `test_own_records_are_writable`). All of it runs against one world and none of it
    may change anything: row counts (audit entries and outbox included, so any update shows) are
    compared after each request, the records as the admins see them once all are done.
    """
    tenants = (employer_side.tenant, other_employer_side.tenant)
    before = snapshot(*tenants)
    headers, mine = employer_side.headers(role), _mine(employer_side, role)
    for endpoint in ENDPOINTS:
        for target in TARGETS[role]:
            status = expected_status(endpoint, role, target)
            if status < 400 and endpoint.writes:
                continue
            with subtests.test(endpoint=endpoint.name, target=target, expected=status):
                response = _send(client, endpoint, headers, _target(employer_side, other_employer_side, target),
                                 mine)
                if status < 400:
                    ok(response, status)
                else:
                    body = problem(response, status)
                    if status == 404:
                        unknown = _send(client, endpoint, headers, _random_records(), mine)
                        assert problem(unknown, 404) == body, "a foreign id must look exactly like a missing one"
                assert row_counts(*tenants) == before["rows"]
    assert snapshot(*tenants) == before


def _fresh_records(client, side: EmployerSide, key: str, kinds: tuple[str, ...]) -> SimpleNamespace:
    """Employer `key`'s records, with new ones of `kinds` so that one allowed write does not meet another."""
    caseworker = side.tenant.headers["caseworker"]
    records = _records(side, key)
    if "vacancy" in kinds:
        records.vacancy = ok(client.post(url("/vacancies"), headers=caseworker,
                                         json=vacancy_body(employer_id=records.employer)), 201)["id"]
    if "referral" in kinds:
        records.referral = ok(client.post(url(f"/vacancies/{records.vacancy}/referrals"), headers=caseworker,
                                          json={"trainee_id": records.trainee}), 201)["id"]
    if "placement" in kinds:
        records.placement = ok(client.post(url("/placements"), headers=caseworker, json=work_terms(
            employer_id=records.employer, trainee_id=records.trainee)), 201)["id"]
    if "follow_up" in kinds:
        records.follow_up = _fresh_follow_up(client, side)
    return records


def _fresh_follow_up(client, side: EmployerSide) -> str:
    caseworker = side.tenant.headers["caseworker"]
    trainee = ok(client.post(url("/trainees"), headers=caseworker, json=factories.trainee_body()), 201)
    enrolment = ok(client.post(url("/enrolments"), headers=caseworker, json=factories.enrolment_body(
        trainee["id"], side.project["id"])), 201)
    ok(client.post(url(f"/enrolments/{enrolment['id']}/complete"), headers=caseworker,
                   json={"exited_on": EXITED_ON, "qualification_gained": False}))
    listed = ok(client.get(url("/follow-ups"), headers=caseworker,
                           query_string={"enrolment_id": enrolment["id"], "checkpoint": "exit"}))
    return listed["items"][0]["id"]


@pytest.mark.parametrize("role", [r for r in ROLES if any(
    e.writes and expected_status(e, r, TARGETS[r][-1]) < 400 for e in ENDPOINTS)])
def test_own_records_are_writable(client, employer_side, row_counts, subtests, role):
    """The other half of the table: each role does succeed on the records it may write."""
    key = TARGETS[role][-1]
    headers = employer_side.headers(role)
    for endpoint in ENDPOINTS:
        if not endpoint.writes or expected_status(endpoint, role, key) >= 400:
            continue
        with subtests.test(endpoint=endpoint.name):
            records = _fresh_records(client, employer_side, key, endpoint.fresh)
            before = row_counts(employer_side.tenant)
            body = ok(_send(client, endpoint, headers, records, records), endpoint.success)
            assert row_counts(employer_side.tenant)["audit_entries"] > before["audit_entries"]
            if "employer_id" in body:
                assert body["employer_id"] == records.employer


# ---------------------------------------------------------------------------------------------
# Lists: each caller sees its own organisation's records, an employer user only its employer's.

def _expected_list(side: EmployerSide, path: str, role: str) -> set[str] | None:
    """Ids `role` must see on `path` in the world (None: the role may not list it)."""
    if path == "/follow-ups":
        return None if role.startswith("employer") else {f["id"] for f in side.follow_ups.values()}
    keys = {EMPLOYER_A: ("a",), EMPLOYER_B: ("b",)}.get(role, ("a", "b"))
    attribute = {"/employers": "employer", "/vacancies": "vacancy", "/referrals": "referral",
                 "/placements": "placement"}[path]
    return {getattr(getattr(side, key), attribute)["id"] for key in keys}


LISTS = ["/employers", "/vacancies", "/referrals", "/placements", "/follow-ups"]


def test_lists_hold_only_the_callers_records(client, employer_side, other_employer_side, subtests):
    for path in LISTS:
        for role in (ADMIN, CASEWORKER, MANAGER, EMPLOYER_A, EMPLOYER_B):
            with subtests.test(path=path, role=role):
                response = client.get(url(path), query_string={"limit": 200}, headers=employer_side.headers(role))
                wanted = _expected_list(employer_side, path, role)
                if wanted is None:
                    problem(response, 403)
                else:
                    assert set(ids(ok(response))) == wanted
        problem(client.get(url(path)), 401)


#: Filters an employer user might try to reach another employer's records with.
FILTERS = [("/vacancies", "employer_id")] + [
    (path, name) for path in ("/referrals", "/placements") for name in ("employer_id", "vacancy_id", "trainee_id")]


def test_filtering_by_foreign_ids_finds_nothing(client, employer_side, other_employer_side, subtests):
    """Employer B filtering by employer A's ids, and staff filtering by another organisation's."""
    def values(records):
        return {"employer_id": records.employer["id"], "vacancy_id": records.vacancy["id"],
                "trainee_id": records.trainee["id"]}

    a, theirs = employer_side.a, other_employer_side.a
    for path, name in FILTERS:
        with subtests.test(path=path, filter=name):
            query = {name: values(a)[name]}
            assert ids(ok(client.get(url(path), query_string=query, headers=employer_side.b.headers))) == []
            assert len(ids(ok(client.get(url(path), query_string=query, headers=a.headers)))) == 1
            for role in (ADMIN, CASEWORKER, MANAGER):
                assert ids(ok(client.get(url(path), query_string={name: values(theirs)[name]},
                                         headers=employer_side.headers(role)))) == []
