"""A fast, realistic data set for the metrics benchmark: a programme's last three years, loaded in bulk.

`generate(engine, organisation_id, trainees=N, seed=S, vault=vault)` writes, for an existing
organisation that has projects, N trainees and everything that happened to them:

- trainees: checksum-valid national ids of the organisation's scheme (TCKN for TR), kept
  exactly as the service keeps them (the vault's keyed hash of the normalised id and its
  AES-GCM ciphertext); about 63 % women (a priority group), a few `other`; birth dates
  in every age band; settlement, education, labour status, vulnerable groups and districts
  drawn like the demo programme's (service.demo);
- the courses (cohorts) they take, planned to the volume (about 20 places each), and about
  two enrolments per trainee over the last three years: further courses in the same
  project or, for some, in another project that admits them; completed, dropped out or
  still open; exits after entry and never in the future; qualifications for most completers;
- employers (when the organisation has none) and about 0.5 placements per trainee: mostly
  starting within 90 days of a completion, some later, some before the first course or on
  dropping out for a job;
  wages in TRY of the start date, mostly formal, some ended;
- the follow-up checkpoints of every exit (exit, month_6, month_12 at the due dates of
  service.domain.follow_ups): a checkpoint that has fallen due is resolved from a formal
  job active on its date as the outcomes worker would, else partly recorded by a
  caseworker, partly unreachable, the rest still due;
- the metrics read model (metric_participants, metric_enrolments, metric_enrolment_groups),
  derived from these very rows by the product's own `service.metrics.facts` functions, so
  it equals what `pathways metrics rebuild` produces and `pathways metrics verify` finds no
  difference; and metric_state.as_of is advanced to the time of the load.

It models a programme's history already loaded (a migration from an earlier system):
no outbox events and no audit entries are written, and the milestones consumer's reach
counts are left alone (`pathways metrics rebuild` recounts them when wanted). As in such a
migration, every row is created (created_at, updated_at, the time in its UUIDv7 id) at
the time of the load; consent_at is the day the person registered.

Rows go in with PostgreSQL COPY, CHUNK trainees at a time, each chunk in its own
transaction and self-contained (its trainees with all their records and read-model rows),
so memory stays bounded and a failure leaves only whole, consistent trainees behind. A
child process generates the next chunk while the previous one is written (one core each),
and the tables written are ANALYZEd at the end. About 4 minutes for 1,000,000 trainees on
two cores. Every CHECK, UNIQUE and foreign key holds by construction (and the database
checks them all); so do the rules it does not enforce (age at least 15 on enrolled_on,
exits not in the future, cohorts within their capacity, one job at a time).

The same seed gives the same people and histories for the same `today` (the ids are new
in every run, so that organisations generated with one seed never share a primary key).
Appending to an organisation that has trainees already continues the national-id sequence
after them (for se_personnummer, whose ids derive from the birth date, use another seed:
a repeated id is refused by the unique hash and fails its chunk).

    python -m bench.generate --database-url URL --org-slug SLUG --trainees N [--seed S]

bootstraps the organisation (with the demo's share targets, and the demo's 4 projects
with reach and share targets scaled to N) when needed, and prints the counts and seconds
as JSON (with the new admin's token when it bootstrapped one). Its PII keys come from
PATHWAYS_PII_HASH_KEY and PATHWAYS_PII_ENCRYPTION_KEY, as for the service.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from bisect import bisect_right
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

import click
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.co import nit as co_nit
from stdnum.gt import nit as gt_nit
from stdnum.tr import tckimlik, vkn

from service import clock
from service.clock import utcnow
from service.db.models import Organisation, Project
from service.demo import data
from service.domain.countries import vocabularies
from service.domain.groups import fed as fed_groups
from service.demo.generate import _education, _labour_status, _vulnerable_groups
from service.domain import follow_ups as follow_up_rules
from service.domain import national_ids
from service.domain.enrolments import COMPLETED, DROPPED_OUT, ENROLLED
from service.domain.names import normalise
from service.domain.people import age_on
from service.domain.placements import active_on
from service.metrics import facts, projection, rollups
from service.services.pii import NationalIdVault

CHUNK = 50_000
HISTORY = timedelta(days=3 * 365)
#: People register up to three weeks before their first course, and enrol up to two weeks before it starts.
REGISTRATION_LEAD_DAYS = 21
EARLY_ENROLMENT_DAYS = 14
#: Registered in the last two months and waiting for a place: no enrolment yet.
WAITING_DAYS = 60
#: How many courses a person takes (weights); 0 = registered, still waiting.
COURSES = {0: 2, 1: 33, 2: 31, 3: 20, 4: 14}
#: First courses favour later dates a little (a programme that grows), which also evens out the
#: further courses crowding the middle years.
FIRST_COURSE_SKEW = 0.8
#: A further course is in the same project this often; otherwise in another one that admits the person.
SAME_PROJECT = 0.75
#: Days between one course's exit and the earliest start of the next (at most), and the days after that
#: within which the next course starts (if one has a place).
GAP_DAYS = 90
NEXT_COURSE_WITHIN = 60
#: Places a course is planned with (uniform); planned courses = expected enrolments / PLANNED_FILL.
CAPACITY = (16, 25)
PLANNED_FILL = 18
QUALIFICATION_SHARE = 0.85
OTHER_SEX_SHARE = 0.006

#: Placements per completion: a job within 90 days of the exit, or only later.
PLACED_WITHIN_90D = 0.27
PLACED_LATER = 0.07
#: Of those who drop out to take a job, how many have it recorded as a placement.
FOUND_JOB_RECORDED = 0.8
#: A job held before the first course (ended before it, or still held by the employed).
JOB_BEFORE = 0.03
FORMAL_SHARE = 0.88
#: Wages of data.OCCUPATIONS are 2026's; earlier starts are paid less (yearly wage growth).
WAGE_GROWTH = 1.35
JOB_ENDS = {"permanent": (0.25, (45, 420)), "fixed_term": (0.6, (150, 365)),
            "seasonal": (0.9, (60, 150)), "apprenticeship": (0.5, (90, 270))}

#: A due checkpoint nobody could resolve from a job: recorded by a caseworker, unreachable, or still due.
CHECKPOINT_RECORDED, CHECKPOINT_UNREACHABLE = 0.62, 0.20
#: Employment status a caseworker records, by checkpoint (weights).
EMPLOYMENT = {
    "exit": {"unemployed": 45, "employed": 14, "self_employed": 4, "in_education": 15, "inactive": 20,
             "unknown": 2},
    "month_6": {"unemployed": 38, "employed": 28, "self_employed": 6, "in_education": 10, "inactive": 16,
                "unknown": 2},
    "month_12": {"unemployed": 33, "employed": 33, "self_employed": 7, "in_education": 9, "inactive": 16,
                 "unknown": 2},
}
SELF_REPORTED_WAGE = 0.5

#: Who a project of an organisation not shaped like the demo reaches.
GENERIC_PROFILE = {"weight": 1.0, "female": 0.55,
                   "ages": {(15, 17): 8, (18, 24): 35, (25, 29): 20, (30, 54): 30, (55, 64): 7},
                   "rural": 0.25, "minority": 0.03, "completion": 0.72, "admits": {}}

NULL = "\\N"
#: A permutation of 0..899,999,999 (gcd(multiplier, 9e8) = 1): unique nine-digit bases that look random.
_ID_SPACE, _ID_MULTIPLIER, _ID_OFFSET = 900_000_000, 479_001_599, 123_456_789
_ASCII = str.maketrans("İıŞşĞğÇçÖöÜü", "IiSsGgCcOoUu")

COLUMNS = {
    "employers": "id, organisation_id, name, tax_number, sector, district, created_at, updated_at",
    "cohorts": "id, organisation_id, project_id, name, occupation, starts_on, ends_on, capacity, district, "
               "created_at, updated_at",
    "trainees": "id, organisation_id, given_name, family_name, national_id_hash, national_id_ciphertext, sex, "
                "birth_date, phone, email, district, settlement_type, education_level, labour_status, "
                "vulnerable_groups, consent, consent_at, created_at, updated_at, normalised_name",
    "enrolments": "id, organisation_id, trainee_id, project_id, cohort_id, status, enrolled_on, exited_on, "
                  "exit_reason, qualification_gained, labour_status_at_entry, education_level_at_entry, "
                  "settlement_type_at_entry, vulnerable_groups_at_entry, citizenship_at_entry, age_at_entry, "
                  "indicator_groups_at_entry, created_at, updated_at",
    "placements": "id, organisation_id, trainee_id, employer_id, vacancy_id, started_on, wage_monthly, currency, "
                  "hours_per_week, contract_type, formal, ended_on, end_reason, created_at, updated_at",
    "follow_ups": "id, organisation_id, enrolment_id, trainee_id, checkpoint, due_on, status, employment_status, "
                  "wage_monthly, currency, source, placement_id, observed_on, created_at, updated_at",
    # the read model: the columns the projection writes (service.metrics.projection), in its order
    "metric_participants": ", ".join(projection._PARTICIPANT_COLUMNS),
    "metric_enrolments": ", ".join(projection._PARTICIPATION_COLUMNS),
    "metric_enrolment_groups": "enrolment_id, vulnerable_group, trainee_id",
}
#: What each group of the generated (İzmir) people feeds: the Turkish default vocabulary, which a bootstrapped
#: organisation of the bench starts from.
FEEDS = {group.key: group.feeds for group in vocabularies.TR}
#: Parents before children (foreign keys).
TABLE_ORDER = tuple(COLUMNS)


# --- the records, as lightweight objects with the attributes service.metrics.facts reads ---------------

class _Trainee:
    __slots__ = ("id", "organisation_id", "sex", "settlement_type", "education_level", "labour_status",
                 "district", "vulnerable_groups", "birth_date")


class _Enrolment:
    __slots__ = ("id", "organisation_id", "trainee_id", "project_id", "enrolled_on", "status", "exited_on",
                 "qualification_gained", "exit_reason", "cohort", "cohort_id", "labour_status_at_entry",
                 "education_level_at_entry", "settlement_type_at_entry", "vulnerable_groups_at_entry",
                 "citizenship_at_entry", "age_at_entry", "indicator_groups_at_entry", "cohort_occupation")


class _Placement:
    __slots__ = ("id", "started_on", "ended_on", "end_reason", "wage_monthly", "currency", "formal",
                 "hours_per_week", "contract_type", "employer_id", "vacancy_occupation", "employer_sector")


class _FollowUp:
    __slots__ = ("enrolment_id", "checkpoint", "status", "employment_status", "observed_on")


class _Cohort:
    __slots__ = ("id", "project", "name", "occupation", "starts_on", "ends_on", "capacity", "district", "taken",
                 "written", "ordinal")


class _Project:
    def __init__(self, project_id: uuid.UUID, code: str, first_day: date, last_day: date):
        self.id = project_id.hex
        self.code = code
        self.first_day, self.last_day = first_day, last_day
        self.profile = data.PROFILES.get(code, GENERIC_PROFILE)
        known = data.COHORTS.get(code)
        self.occupations = sorted({c["occupation"] for c in known}) if known else sorted(data.OCCUPATIONS)
        rural = self.profile["rural"] > 0.5
        self.districts = (sorted({c["district"] for c in known}) if known else []) or (
            data.RURAL_DISTRICTS if rural else data.URBAN_DISTRICTS)
        self.cohorts: list[_Cohort] = []
        self.starts: list[int] = []  # the cohorts' starts_on ordinals, for bisect
        self.age_picker = _picker(self.profile["ages"])


# --- small, fast helpers ----------------------------------------------------------------------------

def _picker(weights: dict):
    """A function drawing a key of `weights` with one random() and a bisect (rng.choices is slower)."""
    keys = list(weights)
    cumulative = list(accumulate(weights[k] for k in keys))
    total = cumulative[-1]

    def pick(rng: random.Random):
        return keys[bisect_right(cumulative, rng.random() * total)]

    return pick


class _Ids:
    """Version 7 UUIDs (32 hex digits) of the load's millisecond, counting up as service.ids.new_id does
    within one millisecond: ids are in load order, and every index on an id grows at its end.

    The counter starts at random, so ids are new in every run (also across organisations
    generated with one seed)."""

    def __init__(self, millis: int):
        self.prefix = (millis << 80) | (0x7 << 76) | (0x2 << 62)
        self.counter = int.from_bytes(os.urandom(8), "big")  # 64 of the 74 counter bits: no overflow

    def __call__(self) -> str:
        self.counter = counter = self.counter + 1
        return f"{self.prefix | ((counter >> 62) << 64) | (counter & 0x3FFFFFFFFFFFFFFF):032x}"


def _cell(value) -> str:
    """A read-model value as COPY text."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _stamp(rng: random.Random, day: date) -> str:
    """A time during office hours of `day`, as timestamptz text."""
    second = 28_800 + int(rng.random() * 36_000)
    return f"{day.isoformat()} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}+00"


def _d(day: date | None) -> str:
    return NULL if day is None else day.isoformat()


def _b(value: bool | None) -> str:
    return NULL if value is None else ("t" if value else "f")


def _s(value) -> str:
    return NULL if value is None else str(value)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _wage(rng: random.Random, low_high: tuple[int, int], day: date, today: date, step: int = 50) -> Decimal:
    """A monthly wage in TRY drawn from 2026's range, deflated to the year of `day`."""
    years = (today - day).days / 365.0
    value = rng.uniform(*low_high) / (WAGE_GROWTH ** years)
    return Decimal(f"{int(round(value / step)) * step}.00")


# --- national ids -----------------------------------------------------------------------------------

class _NationalIds:
    """Checksum-valid ids of the organisation's scheme, unique in the run, normalised as the service does."""

    def __init__(self, scheme: str, start: int, seed: int):
        self.scheme, self.start = scheme, start
        self.serials: Counter = Counter()
        self.serial_offset = (seed * 7919) % 500

    def next(self, index: int, birth_date: date, sex: str) -> tuple[str, date]:
        """(normalised id, birth date): a Swedish personnummer may move the birth date a day back."""
        base = str(100_000_000 + (_ID_MULTIPLIER * (self.start + index) + _ID_OFFSET) % _ID_SPACE)
        if self.scheme == "tr_tckn":
            raw = base + tckimlik.calc_check_digits(base)
        elif self.scheme == "co_nit":
            raw = base + co_nit.calc_check_digit(base)
        elif self.scheme == "gt_nit":
            raw = base + gt_nit.calc_check_digit(base)
        elif self.scheme == "se_personnummer":
            raw, birth_date = self._personnummer(birth_date, sex)
        else:
            raw = "P" + base
        return national_ids.normalise(self.scheme, raw), birth_date

    def _personnummer(self, birth_date: date, sex: str) -> tuple[str, date]:
        parity = 1 if sex == "male" else 0  # the ninth digit is odd for men, even for women
        while True:
            used = self.serials[birth_date, parity]
            if used < 500:
                break
            birth_date -= timedelta(days=1)  # a day older: still old enough for every course
        self.serials[birth_date, parity] = used + 1
        serial = 2 * ((used + self.serial_offset) % 500) + parity
        digits = birth_date.strftime("%y%m%d") + f"{serial:03d}"
        return birth_date.strftime("%Y%m%d") + f"{serial:03d}" + _luhn_digit(digits), birth_date


def _luhn_digit(digits: str) -> str:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


# --- the world: planned courses, employers, and one person after another ----------------------------

class _World:
    def __init__(self, rng: random.Random, new_id: _Ids, loaded_at: str, organisation_id: uuid.UUID,
                 projects: list[_Project], employers: list[tuple[str, tuple[str, ...], str]], ids: _NationalIds,
                 vault: NationalIdVault, today: date, trainees: int):
        self.rng, self.new_id, self.loaded_at, self.today = rng, new_id, loaded_at, today
        self.organisation_uuid = organisation_id
        self.organisation_id = organisation_id.hex
        self.projects, self.ids, self.vault = projects, ids, vault
        self.project_picker = _picker({i: p.profile["weight"] for i, p in enumerate(projects)})
        self.courses_picker = _picker(COURSES)
        self.drop_reason = _picker(data.DROP_OUT_REASONS)
        self.employment = {name: _picker(weights) for name, weights in EMPLOYMENT.items()}
        self.contracts = {occ: _picker(t["contracts"]) for occ, t in data.OCCUPATIONS.items()}
        self.informal_contracts = {occ: ("seasonal" if "seasonal" in t["contracts"] else "fixed_term")
                                   for occ, t in data.OCCUPATIONS.items()}
        self.end_reasons = {kind: _picker(weights) for kind, weights in data.END_REASONS.items()}
        self.labels = {c["occupation"]: c["name"].split(",")[0] for cs in data.COHORTS.values() for c in cs}
        self.weeks = _course_weeks()
        self.employers_by_occupation: dict[str, list[str]] = {}
        for employer_id, hires, _sector in employers:
            for occupation in hires:
                self.employers_by_occupation.setdefault(occupation, []).append(employer_id)
        self.all_employers = [employer_id for employer_id, _hires, _sector in employers]
        self.sectors = {employer_id: sector for employer_id, _hires, sector in employers}
        expected = 2.0 * trainees
        for project in projects:
            self._plan_courses(project, expected * project.profile["weight"] / sum(
                p.profile["weight"] for p in projects))
        self.new_cohorts: list[_Cohort] = []
        self.counts: Counter = Counter()

    # -- courses --

    def _plan_courses(self, project: _Project, expected: float) -> None:
        rng = self.rng
        first, last = project.first_day.toordinal(), project.last_day.toordinal() + EARLY_ENROLMENT_DAYS
        for _ in range(max(2, round(expected / PLANNED_FILL))):
            day = date.fromordinal(first + int(rng.random() * (last - first + 1)))
            self._add_course(project, day - timedelta(days=day.weekday()))  # courses start on Mondays

    def _add_course(self, project: _Project, starts_on: date, occupation: str | None = None,
                    district: str | None = None) -> _Cohort:
        rng = self.rng
        cohort = _Cohort()
        cohort.project = project
        cohort.occupation = occupation or project.occupations[int(rng.random() * len(project.occupations))]
        cohort.starts_on = starts_on
        weeks = self.weeks[cohort.occupation] + int(rng.random() * 5) - 2
        cohort.ends_on = starts_on + timedelta(days=7 * weeks - 3)  # a Friday
        cohort.capacity = rng.randint(*CAPACITY)
        cohort.district = district or project.districts[int(rng.random() * len(project.districts))]
        cohort.taken, cohort.written, cohort.ordinal = 0, False, starts_on.toordinal()
        season = ("winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer", "autumn",
                  "autumn", "autumn", "winter")[starts_on.month - 1]
        cohort.name = f"{self.labels.get(cohort.occupation, 'Course ' + cohort.occupation)}, {season} " \
                      f"{starts_on.year}, {cohort.district}, from {starts_on.day} {starts_on:%b}"
        cohort.id = self.new_id()
        index = bisect_right(project.starts, cohort.ordinal)
        project.starts.insert(index, cohort.ordinal)
        project.cohorts.insert(index, cohort)
        return cohort

    def _course(self, project: _Project, after: date | None, before: date | None = None,
                skew: float = 1.0) -> _Cohort | None:
        """A course with a free place starting after `after` (and, if possible, by `before`); a `skew`
        below 1 favours the later ones."""
        rng = self.rng
        lo = 0 if after is None else bisect_right(project.starts, after.toordinal())
        hi = len(project.cohorts)
        if before is not None:
            hi = max(lo + 1, bisect_right(project.starts, before.toordinal()))
        if lo >= len(project.cohorts):
            return None
        hi = min(hi, len(project.cohorts))
        for _ in range(6):
            cohort = project.cohorts[lo + int(rng.random() ** skew * (hi - lo))]
            if cohort.taken < cohort.capacity:
                break
        else:  # full: open a parallel group on the same dates
            cohort = self._add_course(project, cohort.starts_on, cohort.occupation)
        cohort.taken += 1
        if not cohort.written:
            cohort.written = True
            self.new_cohorts.append(cohort)
        return cohort

    def _admits(self, project: _Project, person: _Trainee, on: date) -> bool:
        rule = project.profile["admits"]
        return (age_on(person.birth_date, on) <= rule.get("max_age", 200)
                and person.sex == rule.get("sex", person.sex)
                and person.settlement_type == rule.get("settlement_type", person.settlement_type)
                and ("vulnerable_group" not in rule or rule["vulnerable_group"] in person.vulnerable_groups))

    # -- one person --

    def person(self, index: int, out: dict[str, list[str]]) -> None:
        rng, today = self.rng, self.today
        project = self.projects[self.project_picker(rng)]
        profile = project.profile
        courses = self.courses_picker(rng)
        first_course = None
        if courses:
            # Leave room for the further courses: start early enough for them to fit before today.
            latest = project.last_day - timedelta(days=(courses - 1) * 110)
            first_course = self._course(project, None, latest if latest > project.first_day else None,
                                        FIRST_COURSE_SKEW)
        if first_course is not None:
            window = first_course.starts_on - timedelta(days=int(rng.random() * (EARLY_ENROLMENT_DAYS + 1)))
            first_enrolled_on = min(max(window, project.first_day), project.last_day)
            registered_on = max(first_enrolled_on - timedelta(days=int(rng.random() * REGISTRATION_LEAD_DAYS)),
                                today - HISTORY - timedelta(days=REGISTRATION_LEAD_DAYS))
        else:
            registered_on = first_enrolled_on = today - timedelta(days=int(rng.random() * WAITING_DAYS))
        registered_on = min(registered_on, today - timedelta(days=1))  # consent_at is never later than now

        t = _Trainee()
        t.organisation_id = self.organisation_id
        female = rng.random() < profile["female"]
        other = rng.random() < OTHER_SEX_SHARE
        t.sex = "female" if female else (("non_binary" if rng.random() < 0.5 else "undisclosed") if other else "male")
        low, high = project.age_picker(rng)
        age = low + int(rng.random() * (high - low + 1))
        birth_date = _years_before(first_enrolled_on, age) - timedelta(days=int(rng.random() * 365))
        rural = rng.random() < profile["rural"]
        minority = rng.random() < profile["minority"]
        t.settlement_type = "rural" if rural else "urban"
        t.education_level = _education(data, rng, age, minority=minority, rural=rural,
                                       occupation=first_course.occupation if first_course else None)
        t.labour_status = _labour_status(rng, age, female=female)
        t.vulnerable_groups = _vulnerable_groups(data, rng, age, female=female, minority=minority,
                                                 labour_status=t.labour_status)
        districts = data.RURAL_DISTRICTS if rural else data.URBAN_DISTRICTS
        if first_course is not None and first_course.district in districts and rng.random() < 0.6:
            t.district = first_course.district  # most people take a course near home
        else:
            t.district = districts[int(rng.random() * len(districts))]
        national_id, birth_date = self.ids.next(index, birth_date, t.sex)
        t.birth_date = birth_date
        registered = _stamp(rng, registered_on)
        t.id = self.new_id()

        either = t.sex in ("non_binary", "undisclosed") and rng.random() < 0.5
        names = data.FEMALE_NAMES if female or either else data.MALE_NAMES
        given = names[int(rng.random() * len(names))]
        family = data.FAMILY_NAMES[int(rng.random() * len(data.FAMILY_NAMES))]
        phone = (f"+90 5{rng.randint(30, 59)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                 if rng.random() < 0.9 else NULL)
        email = (f"{given}.{family}{rng.randint(1, 99)}@example.com".translate(_ASCII).lower()
                 if rng.random() < 0.5 else NULL)
        vault, org = self.vault, self.organisation_uuid
        out["trainees"].append("\t".join((
            t.id, t.organisation_id, given, family, vault.fingerprint(org, national_id),
            "\\\\x" + vault.encrypt(org, national_id).hex(), t.sex, birth_date.isoformat(), phone, email,
            t.district, t.settlement_type, t.education_level, t.labour_status, json.dumps(t.vulnerable_groups),
            "t", registered, self.loaded_at, self.loaded_at, normalise(given, family))))

        enrolments = self._enrolments(t, project, first_course, first_enrolled_on, courses, out) \
            if first_course is not None else []
        placements = self._placements(t, enrolments, out)
        follow_ups = self._follow_ups(t, enrolments, placements, out)
        self._read_model(t, enrolments, placements, follow_ups, out)

    def _enrolments(self, t: _Trainee, project: _Project, cohort: _Cohort, enrolled_on: date, courses: int,
                    out: dict[str, list[str]]) -> list[_Enrolment]:
        rng, today = self.rng, self.today
        enrolments = []
        while True:
            e = _Enrolment()
            e.organisation_id, e.trainee_id, e.project_id, e.cohort = t.organisation_id, t.id, project.id, cohort
            e.enrolled_on = enrolled_on
            if rng.random() < project.profile["completion"]:
                status, exited_on = COMPLETED, cohort.ends_on
                qualification, reason = rng.random() < QUALIFICATION_SHARE, "completed_course"
            else:
                days = (cohort.ends_on - enrolled_on).days
                status, exited_on = DROPPED_OUT, enrolled_on + timedelta(days=rng.randint(7, max(7, days - 7)))
                qualification, reason = False, self.drop_reason(rng)
            if exited_on > today:  # not happened yet: the course is still running for this person
                status, exited_on, qualification, reason = ENROLLED, None, None, None
            e.status, e.exited_on, e.qualification_gained, e.exit_reason = status, exited_on, qualification, reason
            e.id, e.cohort_id, e.cohort_occupation = self.new_id(), cohort.id, cohort.occupation
            # The person as at entry: the generator's people do not change, so the current values.
            e.labour_status_at_entry, e.education_level_at_entry = t.labour_status, t.education_level
            e.settlement_type_at_entry, e.vulnerable_groups_at_entry = t.settlement_type, t.vulnerable_groups
            e.citizenship_at_entry, e.age_at_entry = None, age_on(t.birth_date, enrolled_on)
            e.indicator_groups_at_entry = fed_groups(t.vulnerable_groups, FEEDS)
            out["enrolments"].append("\t".join((
                e.id, e.organisation_id, e.trainee_id, e.project_id, cohort.id, status, enrolled_on.isoformat(),
                _d(exited_on), _s(reason), _b(qualification), e.labour_status_at_entry, e.education_level_at_entry,
                e.settlement_type_at_entry, json.dumps(e.vulnerable_groups_at_entry), NULL, str(e.age_at_entry),
                json.dumps(e.indicator_groups_at_entry), self.loaded_at, self.loaded_at)))
            enrolments.append(e)
            self.counts[status] += 1
            # The next course, if any: after this one's exit (one open enrolment per project at most).
            if len(enrolments) >= courses or exited_on is None:
                return enrolments
            after = exited_on + timedelta(days=int(rng.random() * GAP_DAYS))
            if after >= today:
                return enrolments
            project, cohort = self._next_course(t, project, after, after + timedelta(days=NEXT_COURSE_WITHIN))
            if cohort is None:
                return enrolments
            window = cohort.starts_on - timedelta(days=int(rng.random() * (EARLY_ENROLMENT_DAYS + 1)))
            enrolled_on = min(max(window, exited_on, project.first_day), project.last_day)

    def _next_course(self, t: _Trainee, project: _Project, after: date,
                     before: date) -> tuple[_Project, _Cohort | None]:
        rng = self.rng
        if rng.random() >= SAME_PROJECT and len(self.projects) > 1:
            others = [p for p in self.projects if p is not project and p.last_day > after
                      and self._admits(p, t, after)]
            if others:
                other = others[int(rng.random() * len(others))]
                cohort = self._course(other, after, before)
                if cohort is not None:
                    return other, cohort
        if project.last_day <= after:
            return project, None
        return project, self._course(project, after, before)

    # -- jobs --

    def _placements(self, t: _Trainee, enrolments: list[_Enrolment], out: dict[str, list[str]]) -> list[_Placement]:
        rng, today = self.rng, self.today
        starts: list[tuple[date, str]] = []
        if enrolments and rng.random() < JOB_BEFORE and age_on(t.birth_date, enrolments[0].enrolled_on) >= 20:
            first = enrolments[0].enrolled_on
            starts.append((first - timedelta(days=rng.randint(200, 900)), enrolments[0].cohort.occupation))
        for e in enrolments:
            if e.status == COMPLETED:
                r = rng.random()
                if r < PLACED_WITHIN_90D:
                    # Most start after the exit; some during the last weeks of the course (internships).
                    offset = rng.randint(-20, 0) if rng.random() < 0.1 else int(rng.triangular(0, 90, 15))
                    starts.append((e.exited_on + timedelta(days=offset), e.cohort.occupation))
                elif r < PLACED_WITHIN_90D + PLACED_LATER:
                    starts.append((e.exited_on + timedelta(days=rng.randint(91, 400)), e.cohort.occupation))
            elif e.status == DROPPED_OUT and e.exit_reason == "found_job" and rng.random() < FOUND_JOB_RECORDED:
                starts.append((e.exited_on + timedelta(days=rng.randint(-5, 10)), e.cohort.occupation))
        placements: list[_Placement] = []
        for started_on, occupation in sorted(starts):
            if started_on > today:
                continue
            previous = placements[-1] if placements else None
            if previous is not None and (previous.ended_on is None or previous.ended_on >= started_on):
                if started_on <= previous.started_on:
                    continue
                previous.ended_on, previous.end_reason = started_on - timedelta(days=1), "resigned"  # changed jobs
            placements.append(self._job(t, started_on, occupation))
        if placements and enrolments and placements[0].ended_on is None \
                and placements[0].started_on < enrolments[0].enrolled_on and t.labour_status != "employed":
            # A job before the first course that is not held at entry has ended by then.
            first = placements[0]
            first.ended_on = max(first.started_on, enrolments[0].enrolled_on - timedelta(days=rng.randint(30, 150)))
            first.end_reason = self.end_reasons[first.contract_type](rng)
        for p in placements:
            p.id = self.new_id()
            out["placements"].append("\t".join((
                p.id, self.organisation_id, t.id, p.employer_id, NULL, p.started_on.isoformat(), str(p.wage_monthly),
                p.currency, str(p.hours_per_week), p.contract_type, "t" if p.formal else "f", _d(p.ended_on),
                _s(p.end_reason), self.loaded_at, self.loaded_at)))
        self.counts["placements"] += len(placements)
        return placements

    def _job(self, t: _Trainee, started_on: date, occupation: str) -> _Placement:
        rng, today = self.rng, self.today
        trade = data.OCCUPATIONS[occupation]
        p = _Placement()
        p.started_on, p.currency, p.vacancy_occupation = started_on, data.CURRENCY, None  # no vacancy
        p.formal = rng.random() < FORMAL_SHARE
        if p.formal:
            p.contract_type = self.contracts[occupation](rng)
            wages = data.APPRENTICE_WAGE if p.contract_type == "apprenticeship" else trade["wage"]
            p.wage_monthly, p.hours_per_week = _wage(rng, wages, started_on, today), trade["hours"]
        else:  # cash in hand: no contract worth the name, low pay, long hours
            p.contract_type = self.informal_contracts[occupation]
            p.wage_monthly = _wage(rng, data.INFORMAL_WAGE, started_on, today, step=500)
            p.hours_per_week = (45, 50, 55)[int(rng.random() * 3)]
        employers = self.employers_by_occupation.get(occupation) or self.all_employers
        p.employer_id = employers[int(rng.random() * len(employers))]
        p.employer_sector = self.sectors[p.employer_id]
        share, (shortest, longest) = JOB_ENDS[p.contract_type]
        p.ended_on = p.end_reason = None
        if rng.random() < share:
            ended_on = started_on + timedelta(days=rng.randint(shortest, longest))
            if ended_on <= today:
                p.ended_on, p.end_reason = ended_on, self.end_reasons[p.contract_type](rng)
        return p

    # -- outcomes --

    def _follow_ups(self, t: _Trainee, enrolments: list[_Enrolment], placements: list[_Placement],
                    out: dict[str, list[str]]) -> list[_FollowUp]:
        rng, today = self.rng, self.today
        formal = [p for p in placements if p.formal]  # sorted by started_on already
        follow_ups = []
        for e in enrolments:
            if e.exited_on is None:
                continue
            for checkpoint, due_on in follow_up_rules.due_dates(e.exited_on).items():
                f = _FollowUp()
                f.enrolment_id, f.checkpoint = e.id, checkpoint
                status = employment = wage = currency = source = placement_id = None
                if due_on <= today:
                    job = next((p for p in formal if active_on(p, due_on)), None)
                    if job is not None:  # what the outcomes worker records from a formal job
                        status, employment, source, placement_id = "recorded", "employed", "placement", job.id
                        wage, currency = job.wage_monthly, job.currency
                    else:
                        r = rng.random()
                        if (today - due_on).days < 45:
                            r = r * 1.6  # recent ones: more still to follow up
                        if r < CHECKPOINT_RECORDED:
                            status, source = "recorded", "caseworker"
                            employment = self.employment[checkpoint](rng)
                            if employment in follow_up_rules.WAGE_EARNING and rng.random() < SELF_REPORTED_WAGE:
                                wage = _wage(rng, data.INFORMAL_WAGE, due_on, today, step=500)
                                currency = data.CURRENCY
                        elif r < CHECKPOINT_RECORDED + CHECKPOINT_UNREACHABLE:
                            status, employment, source = "unreachable", "unknown", "caseworker"
                f.status, f.employment_status = status or follow_up_rules.DUE, employment
                # a placement's record is observed on its due date; a caseworker's within the window
                f.observed_on = None if status is None else (
                    due_on if source == "placement" else min(due_on + timedelta(days=rng.randint(0, 20)), today))
                follow_ups.append(f)
                self.counts["follow_ups_" + f.status] += 1
                out["follow_ups"].append("\t".join((
                    self.new_id(), self.organisation_id, e.id, t.id, checkpoint, due_on.isoformat(), f.status,
                    _s(employment), _s(wage), _s(currency), _s(source), _s(placement_id), _d(f.observed_on),
                    self.loaded_at, self.loaded_at)))
        return follow_ups

    # -- the read model, by the product's own derivation --

    def _read_model(self, t: _Trainee, enrolments: list[_Enrolment], placements: list[_Placement],
                    follow_ups: list[_FollowUp], out: dict[str, list[str]]) -> None:
        person = facts.participant(t)
        out["metric_participants"].append("\t".join(_cell(getattr(person, name))
                                                     for name in projection._PARTICIPANT_COLUMNS))
        for p in facts.participations(enrolments, placements, follow_ups):
            out["metric_enrolments"].append("\t".join(_cell(getattr(p, name))
                                                       for name in projection._PARTICIPATION_COLUMNS))
            for group in sorted(p.vulnerable_groups):
                out["metric_enrolment_groups"].append(f"{p.enrolment_id}\t{group}\t{p.trainee_id}")

    def cohort_rows(self) -> list[str]:
        rows = []
        for c in self.new_cohorts:
            rows.append("\t".join((
                c.id, self.organisation_id, c.project.id, c.name, c.occupation, c.starts_on.isoformat(),
                c.ends_on.isoformat(), str(c.capacity), c.district, self.loaded_at, self.loaded_at)))
        self.counts["cohorts"] += len(rows)
        self.new_cohorts = []
        return rows


def _course_weeks() -> dict[str, int]:
    """The usual length of a course in each occupation, from the demo's cohorts."""
    lengths: dict[str, list[int]] = {}
    for cohorts in data.COHORTS.values():
        for c in cohorts:
            days = (date.fromisoformat(c["ends_on"]) - date.fromisoformat(c["starts_on"])).days
            lengths.setdefault(c["occupation"], []).append(round(days / 7))
    weeks = {occupation: round(sum(v) / len(v)) for occupation, v in lengths.items()}
    return {occupation: weeks.get(occupation, 18) for occupation in data.OCCUPATIONS}


# --- writing ----------------------------------------------------------------------------------------

def _employer_rows(rng: random.Random, new_id: _Ids, loaded_at: str, organisation_id: str, count: int
                   ) -> tuple[list[str], list[tuple[str, tuple[str, ...], str]]]:
    """The demo's employers, then more of their kinds (each hiring one occupation), with valid, unique VKNs."""
    by_occupation: dict[str, list[dict]] = {}
    for employer in data.EMPLOYERS:
        for occupation in employer["hires"]:
            by_occupation.setdefault(occupation, []).append(employer)
    occupations = sorted(by_occupation)
    rows, employers = [], []
    for i in range(count):
        if i < len(data.EMPLOYERS):
            model = data.EMPLOYERS[i]
            name, district, hires = model["name"], model["district"], tuple(model["hires"])
        else:
            occupation = occupations[i % len(occupations)]
            models = by_occupation[occupation]
            model = models[(i // len(occupations)) % len(models)]
            family = data.FAMILY_NAMES[int(rng.random() * len(data.FAMILY_NAMES))]
            name = f"{family} {model['name'].split(' ', 1)[1]}"
            district = model["district"] if rng.random() < 0.5 else \
                data.URBAN_DISTRICTS[int(rng.random() * len(data.URBAN_DISTRICTS))]
            hires = (occupation,)
        base = str(100_000_000 + (_ID_MULTIPLIER * i + _ID_OFFSET) % _ID_SPACE)
        employer_id = new_id()
        rows.append("\t".join((employer_id, organisation_id, name, base + vkn.calc_check_digit(base),
                               model["sector"], district, loaded_at, loaded_at)))
        employers.append((employer_id, hires, model["sector"]))
    return rows, employers


def _produce(sender, world: _World, trainees: int, chunk_size: int, employer_rows: list[str]) -> None:
    """In a child process: generate chunk after chunk and send each as COPY data, table by table."""
    gc.disable()  # no reference cycles are made here; and nothing inherited gets finalised in the child
    try:
        done, generating = 0, 0.0
        while done < trainees:
            tick = time.perf_counter()
            size = min(chunk_size, trainees - done)
            out: dict[str, list[str]] = {table: [] for table in TABLE_ORDER}
            out["employers"], employer_rows = employer_rows, []
            for index in range(done, done + size):
                world.person(index, out)
            out["cohorts"] = world.cohort_rows()
            for table in ("trainees", "enrolments", "follow_ups", "metric_participants", "metric_enrolments",
                          "metric_enrolment_groups"):
                world.counts[table] += len(out[table])
            blobs = {table: ("\n".join(rows) + "\n").encode() for table, rows in out.items() if rows}
            del out
            done += size
            generating += time.perf_counter() - tick
            sender.send(("chunk", done, blobs))  # waits while the parent still writes the previous chunk
            del blobs
        sender.send(("done", dict(world.counts), generating))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        import traceback
        sender.send(("error", traceback.format_exc(), None))
    finally:
        sender.close()


def _organisation_today(engine, organisation_id: uuid.UUID) -> date:
    with engine.connect() as connection:
        return clock.today(connection.scalar(select(Organisation.time_zone).where(Organisation.id == organisation_id)))


def generate(engine, organisation_id: uuid.UUID, *, trainees: int, seed: int = 1, vault: NationalIdVault,
             today: date | None = None, chunk_size: int = CHUNK, log=None) -> dict:
    """Write `trainees` trainees with their history and read-model rows; returns counts and seconds.

    A child process generates (Python: one core) while this one COPYs the previous chunk
    (PostgreSQL: the other core); each chunk is committed on its own.
    """
    started = time.perf_counter()
    today = today or _organisation_today(engine, organisation_id)
    rng = random.Random(seed)
    now = utcnow()
    new_id, loaded_at = _Ids(int(now.timestamp() * 1000)), now.isoformat(sep=" ")
    organisation_id = uuid.UUID(str(organisation_id))
    raw = engine.raw_connection()
    producer = None
    try:
        connection = raw.driver_connection
        with connection.cursor() as cursor:
            projects, employers, scheme, existing = _load(cursor, organisation_id, today)
            connection.commit()
            employer_rows: list[str] = []
            if not employers:
                employer_rows, employers = _employer_rows(
                    rng, new_id, loaded_at, organisation_id.hex, max(len(data.EMPLOYERS), trainees // 250))
            world = _World(rng, new_id, loaded_at, organisation_id, projects, employers,
                           _NationalIds(scheme, existing, seed), vault, today, trainees)
            world.counts["employers"] = len(employer_rows)
            context = multiprocessing.get_context("fork")  # the child inherits the world, vault included
            receiver, sender = context.Pipe(duplex=False)
            producer = context.Process(target=_produce, args=(sender, world, trainees, chunk_size, employer_rows),
                                       name="bench-generate", daemon=True)
            producer.start()
            sender.close()
            copying = 0.0
            while True:
                kind, detail, payload = receiver.recv()
                if kind == "error":
                    raise RuntimeError(f"generating failed:\n{detail}")
                if kind == "done":
                    counts, generating = detail, payload
                    break
                tick = time.perf_counter()
                for table in TABLE_ORDER:
                    if table in payload:
                        with cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                            copy.write(payload[table])
                connection.commit()
                del payload
                copying += time.perf_counter() - tick
                if log:
                    log(f"{detail} trainees written, {time.perf_counter() - started:.1f} s")
            producer.join()
            # Statistics for the new volume now, not when autovacuum comes round: the benchmark's
            # queries are planned for the rows they will read.
            cursor.execute(f"ANALYZE {', '.join(TABLE_ORDER)}")
            connection.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        if producer is not None and producer.is_alive():
            producer.kill()  # our own child, stopped when writing failed
            producer.join()
        raw.close()
    with Session(engine) as session:  # the read model now reflects everything up to the load
        projection.advance_as_of(session, organisation_id, now)
        rollups.ensure(session, organisation_id)  # as the consumer's first refresh would (a large organisation's)
        session.commit()
    return {"organisation_id": str(organisation_id), "trainees": trainees, "seed": seed, "today": today.isoformat(),
            "counts": dict(sorted(counts.items())), "seconds": round(time.perf_counter() - started, 2),
            "seconds_generating": round(generating, 2), "seconds_copying": round(copying, 2)}


def _load(cursor, organisation_id: uuid.UUID, today: date):
    cursor.execute("SELECT national_id_scheme FROM organisations WHERE id = %s", (organisation_id,))
    row = cursor.fetchone()
    if row is None:
        raise LookupError(f"no organisation {organisation_id}")
    scheme = row[0]
    cursor.execute("SELECT id, code, starts_on, ends_on FROM projects WHERE organisation_id = %s ORDER BY code",
                   (organisation_id,))
    projects = []
    for project_id, code, starts_on, ends_on in cursor.fetchall():
        first_day = max(starts_on or date.min, today - HISTORY)
        last_day = min(ends_on or date.max, today)
        if first_day + timedelta(days=EARLY_ENROLMENT_DAYS) < last_day:
            projects.append(_Project(project_id, code, first_day, last_day))
    if not projects:
        raise ValueError("The organisation has no project running in the last three years: create projects first "
                         "(python -m bench.generate does).")
    cursor.execute("SELECT id, sector FROM employers WHERE organisation_id = %s ORDER BY id", (organisation_id,))
    employers = [(employer_id.hex, (), sector) for (employer_id, sector) in cursor.fetchall()]
    cursor.execute("SELECT count(*) FROM trainees WHERE organisation_id = %s", (organisation_id,))
    existing = cursor.fetchone()[0]
    return projects, employers, scheme, existing


# --- the command line: an organisation with its programme, then the data --------------------------

def _nice(value: float) -> int:
    """Round up to two significant digits (1,234,567 -> 1,300,000)."""
    value = max(1, int(value))
    step = 10 ** max(0, len(str(value)) - 2)
    return -(-value // step) * step


def ensure_programme(pathways, slug: str, trainees: int, country: str = "TR") -> tuple[uuid.UUID, str | None]:
    """The organisation of `slug` with projects, bootstrapped if missing; (its id, the new admin's token or None)."""
    from schemas.projects import ProjectCreateSchema
    from service.db.models import User
    from service.domain.roles import Principal, Role
    from service.services import organisations
    from service.services import projects as project_records

    token = None
    with pathways.uow() as uow:
        organisation_id = uow.session.scalar(select(Organisation.id).where(Organisation.slug == slug))
    if organisation_id is None:
        organisation, admin, token = organisations.bootstrap(
            pathways.uow(), slug=slug, name=f"{data.ORGANISATION['name']} ({slug})", country=country,
            admin_email=f"admin@{slug}.example.org", locale=data.ORGANISATION["locale"],
            reach_target=_nice(trainees * 1.2))
        organisation_id = organisation.id
        principal = Principal(user_id=admin.id, organisation_id=organisation_id, role=Role.ADMIN)
        organisations.update(pathways.uow(actor_id=admin.id), principal, data.ORGANISATION_SETTINGS)
    with pathways.uow() as uow:
        has_projects = uow.session.scalar(select(Project.id).where(Project.organisation_id == organisation_id)
                                          .limit(1)) is not None
        admin_id = uow.session.scalar(select(User.id).where(
            User.organisation_id == organisation_id, User.role == Role.ADMIN, User.active.is_(True)).limit(1))
    if not has_projects:
        principal = Principal(user_id=admin_id, organisation_id=organisation_id, role=Role.ADMIN)
        today = _organisation_today(pathways.engine, organisation_id)
        for body in data.PROJECTS:
            weight = data.PROFILES[body["code"]]["weight"]
            body = {**body, "starts_on": (today - HISTORY - timedelta(days=30)).isoformat(),
                    "ends_on": (today + timedelta(days=365)).isoformat(),
                    "reach_target": _nice(trainees * weight * 1.3)}
            project_records.create(pathways.uow(actor_id=admin_id), principal, ProjectCreateSchema().load(body))
    return organisation_id, token


@click.command(help="Generate a realistic programme history for the metrics benchmark.")
@click.option("--database-url", required=True, help="PostgreSQL URL of a migrated database.")
@click.option("--org-slug", required=True, help="The organisation; bootstrapped with its projects when missing.")
@click.option("--trainees", type=click.IntRange(1), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--country", default="TR", show_default=True, help="Country of a bootstrapped organisation.")
@click.option("--chunk-size", type=click.IntRange(1), default=CHUNK, show_default=True)
def main(database_url: str, org_slug: str, trainees: int, seed: int, country: str, chunk_size: int) -> None:
    from service import config as config_module
    from service.bootstrap import bootstrap

    # The deployment's PII keys (PATHWAYS_PII_HASH_KEY, PATHWAYS_PII_ENCRYPTION_KEY) come from the environment:
    # the API finds duplicates by the same keyed hash.
    pathways = bootstrap(config_module.from_env({**os.environ, "DATABASE_URL": database_url}))
    try:
        organisation_id, token = ensure_programme(pathways, org_slug, trainees, country)
        result = generate(pathways.engine, organisation_id, trainees=trainees, seed=seed, vault=pathways.vault,
                          chunk_size=chunk_size, log=lambda line: click.echo(line, err=True))
    finally:
        pathways.dispose()
    if token:
        result["admin_token"] = token
    click.echo(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
