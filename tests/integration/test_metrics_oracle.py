"""The metrics endpoints against an independent oracle, on PostgreSQL.

A seeded generator builds a programme through the HTTP API as its users would (projects
with targets, people of every sex and age band, enrolments over two years, people in two
projects and back in the same one, exits, placements before and after the exit and after
the 90-day window, some recorded late, in two currencies, follow-ups recorded, left open
or unreachable). It keeps what it did in plain Python records, and this module computes
every figure of SPEC section 5 from them with its own straightforward code (nothing of
`service.metrics` is used), then compares with what the API answers once the outbox is
drained: without suppression as an admin, with suppression as a manager. Finally
`pathways metrics verify` finds the read model equal to the records, notices a tampered
row, and `pathways metrics rebuild` repairs it.

The definitions are those of SPEC section 7 and design 14 B: characteristics as at entry (an
open participation follows the person's changes, a closed one only an audited correction),
outcomes on the exit basis with checkpoints over every exiter due, the ESF+ indicators over
participants (one per person and project: characteristics of the first entry, results of the
final exit, "upon leaving" within 28 days). tests/integration/test_funders_oracle.py checks the
packs on a larger programme; this one keeps reach, outcomes and their suppression.

The one rule of another component the oracle models is the outcomes consumer's (SPEC
section 4): a due checkpoint with a formal placement active on its date is recorded as
`employed` from that placement, observed on its due date; the generator's follow-ups are
checked against it first.
"""

from __future__ import annotations

import itertools
import json
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from itertools import product

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from stdnum.tr import vkn

from service import metrics_cli as cli_module
from service.cli import main as pathways_cli
from tests.days import today as service_today
from service.domain.roles import Role
from service.metrics import rollups
from service.services import organisations, users
from tests import factories

API = "/api/v1"

# -- the vocabulary of SPEC section 2, written out again (the oracle shares no code with the product) --

SEXES = ("female", "male", "non_binary", "undisclosed")
AGE_BANDS = (("15-17", 15, 17), ("18-24", 18, 24), ("25-29", 25, 29), ("30-54", 30, 54), ("55+", 55, 200))
BAND_NAMES = tuple(name for name, _low, _high in AGE_BANDS)
SETTLEMENTS = ("urban", "rural")
EDUCATION = ("primary_or_less", "lower_secondary", "upper_secondary", "tertiary")
LABOUR = ("unemployed", "long_term_unemployed", "inactive", "employed", "in_education")
GROUPS = ("roma", "disability", "refugee", "single_parent", "neet", "migrant", "housing_exclusion")
NO_GROUP = "none"
DISTRICTS = ("Konak", "Bornova", "Ödemiş", "Tire", "Bergama")
EMPLOYMENT = ("employed", "self_employed", "unemployed", "in_education", "inactive", "unknown")
EMPLOYED = ("employed", "self_employed")
DROP_OUT_REASONS = ("found_job", "moved_away", "health", "family_care", "lost_contact", "other")
END_REASONS = ("resigned", "dismissed", "contract_ended", "other")
CHECKPOINT_DAYS = {"exit": 0, "month_6": 182, "month_12": 365}
CHECKPOINT_WINDOWS = {"exit": 28, "month_6": 91, "month_12": 91}  # days a checkpoint may be observed in
UPON_LEAVING = timedelta(days=28)
WINDOW = timedelta(days=90)
RATE_NAMES = ("completion_rate", "placement_rate", "employment_rate_6m")
COUNT_NAMES = ("enrolled", "completed", "dropped_out", "placed_within_90d", "month_6_recorded", "employed_at_6m")
CENT = Decimal("0.01")

ORGANISATION_SHARE_TARGETS = [
    {"dimension": "sex", "value": "female", "min_share": 0.5},
    {"dimension": "age_band", "value": ["15-17", "18-24"], "min_share": 0.3, "max_share": 0.8},
    {"dimension": "vulnerable_group", "value": ["roma", "refugee"], "min_share": 0.1},
    {"dimension": "settlement_type", "value": "rural", "max_share": 0.3},
]
PROJECT_SHARE_TARGETS = [
    {"dimension": "sex", "value": ["female", "non_binary"], "min_share": 0.6},
    {"dimension": "labour_status", "value": "long_term_unemployed", "min_share": 0.15},
]

pytestmark = pytest.mark.postgres

SEEDS = [11, 2026]
VERIFY_SEED = 90210


# -- records kept by the generator ---------------------------------------------------------------

@dataclass
class Person:
    id: str
    sex: str
    birth_date: date
    district: str
    settlement_type: str
    education_level: str
    labour_status: str
    groups: frozenset[str]


@dataclass
class Participation:
    id: str
    trainee_id: str
    project_id: str
    enrolled_on: date
    # the person as at entry (an open participation follows the person's changes)
    labour_status: str
    education_level: str
    settlement_type: str
    groups: frozenset[str]
    status: str = "enrolled"
    exited_on: date | None = None
    exit_reason: str | None = None
    qualification_gained: bool | None = None
    exit_plan: tuple[str, date] | None = None  # the generator's intention, before the exit is recorded


@dataclass
class Job:
    id: str
    trainee_id: str
    started_on: date
    wage: Decimal
    currency: str
    formal: bool
    created_after_exit: bool
    ended_on: date | None = None


@dataclass
class Checkpoint:
    enrolment_id: str
    trainee_id: str
    name: str
    due_on: date
    status: str = "due"
    employment_status: str | None = None
    source: str | None = None
    observed_on: date | None = None


@dataclass
class World:
    today: date
    min_cell_size: int
    reach_target: int
    share_targets: list[dict]
    projects: dict[str, dict] = field(default_factory=dict)  # id -> {code, reach_target, share_targets}
    people: dict[str, Person] = field(default_factory=dict)
    enrolments: dict[str, Participation] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)
    checkpoints: dict[tuple[str, str], Checkpoint] = field(default_factory=dict)
    corrections: int = 0  # entry corrections made (each audited)


# -- helpers ----------------------------------------------------------------------------------------

def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    return response.get_json()


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def band_of(birth: date, day: date) -> str:
    age = age_on(birth, day)
    return next(name for name, low, high in AGE_BANDS if low <= age <= high)


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_EVEN))


def median_of(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# -- the generator: a programme made through the API, remembered in plain records -----------------

class Generator:
    def __init__(self, client, pathways, drain, seed: int):
        self.client, self.pathways, self.drain = client, pathways, drain
        self.rng = random.Random(seed)
        self.today = service_today()
        self.slug = f"oracle-{seed}-{uuid.uuid4().hex[:8]}"
        self.headers: dict[str, dict] = {}
        self._tax = itertools.count(self.rng.randint(100_000_000, 800_000_000))

    # API shorthands
    def post(self, path: str, body: dict, role: str = Role.CASEWORKER, status: int = 201) -> dict:
        return ok(self.client.post(API + path, json=body, headers=self.headers[role]), status)

    def listed(self, path: str, role: str = Role.CASEWORKER) -> list[dict]:
        items, cursor = [], None
        while True:
            query = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            page = ok(self.client.get(API + path, query_string=query, headers=self.headers[role]))
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                return items

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def build(self) -> World:
        rng = self.rng
        self._organisation()
        world = World(today=self.today, min_cell_size=rng.choice((3, 5)), reach_target=rng.randint(50, 120),
                      share_targets=ORGANISATION_SHARE_TARGETS)
        ok(self.client.patch(API + "/organisation", headers=self.headers[Role.ADMIN], json={
            "reach_target": world.reach_target, "share_targets": world.share_targets,
            "min_cell_size": world.min_cell_size, "min_cell_size_reason": "The oracle's world"}))
        self.world = world
        self._projects(rng.choice((2, 3)))
        self.employers = [self.post("/employers", {
            "name": name, "tax_number": self._tax_number(), "sector": "I56", "district": rng.choice(DISTRICTS)})["id"]
            for name in ("Ege Lokantası", "Bornova Fırını")]
        planned = self._people(rng.randint(40, 70))
        self._enrol(planned)
        self._placements(late=False)
        self._exits()
        self.drain()
        self._placements(late=True)
        self._re_enrolments()
        self.drain()
        self._changes()
        self.drain()
        self._follow_ups()
        self.drain()
        return world

    def _organisation(self) -> None:
        organisation, admin, token = organisations.bootstrap(
            self.pathways.uow(), slug=self.slug, name=f"Organisation {self.slug}", country="TR",
            admin_email=f"admin@{self.slug}.example.org")
        self.organisation_id = str(organisation.id)
        self.headers[Role.ADMIN] = {"Authorization": f"Bearer {token}"}
        principal = users.authenticate(self.pathways.uow(), token)
        for role in (Role.CASEWORKER, Role.MANAGER):
            _user, role_token = users.create(self.pathways.uow(actor_id=admin.id), principal,
                                             {"email": f"{role}@{self.slug}.example.org", "role": role})
            self.headers[role] = {"Authorization": f"Bearer {role_token}"}

    def _tax_number(self) -> str:
        base = f"{next(self._tax):09d}"
        return base + vkn.calc_check_digit(base)

    def _projects(self, count: int) -> None:
        for index in range(count):
            target = self.rng.randint(15, 60) if index < 2 else None
            shares = PROJECT_SHARE_TARGETS if index == 0 else []
            body = factories.project_body(code=f"{'ABC'[index]}-{self.slug}", name=f"Project {'ABC'[index]}",
                                          starts_on=None, ends_on=None, reach_target=target, share_targets=shares)
            created = self.post("/projects", body, role=Role.ADMIN)
            self.world.projects[created["id"]] = {"code": body["code"], "reach_target": target,
                                                  "share_targets": shares}

    def _people(self, count: int) -> list[tuple[Person, list[tuple[str, date]]]]:
        """Register `count` people; returns each with the (project, enrolled_on) it will be enrolled in."""
        rng, world = self.rng, self.world
        sexes = ["non_binary", "undisclosed"] + rng.choices(SEXES, weights=(55, 40, 3, 2), k=count - 2)
        bands = list(AGE_BANDS) + rng.choices(AGE_BANDS, weights=(10, 40, 20, 25, 5), k=count - len(AGE_BANDS))
        rng.shuffle(sexes)
        rng.shuffle(bands)
        project_ids = list(world.projects)
        first_day = self.today - timedelta(days=730)
        planned = []
        for index in range(count):
            projects = rng.sample(project_ids, 2) if rng.random() < 0.25 else [rng.choice(project_ids)]
            dates = [self.day_between(first_day, self.today - timedelta(days=3)) for _ in projects]
            earliest = min(dates)
            _band, low, high = bands[index]
            age = rng.randint(low, min(high, 66))
            latest_birth = date(earliest.year - age, earliest.month, min(earliest.day, 28))
            birth = latest_birth - timedelta(days=rng.randint(0, 360))
            if (birth.month, birth.day) == (2, 29):
                birth -= timedelta(days=1)
            number = rng.random()
            groups = (frozenset() if number < 0.35 else frozenset(rng.sample(GROUPS, 1)) if number < 0.8
                      else frozenset(rng.sample(GROUPS, rng.choice((2, 3)))))
            person = Person(id="", sex=sexes[index], birth_date=birth, district=rng.choice(DISTRICTS),
                            settlement_type=rng.choices(SETTLEMENTS, weights=(65, 35))[0],
                            education_level=rng.choice(EDUCATION), labour_status=rng.choice(LABOUR),
                            groups=groups)
            created = self.post("/trainees", factories.trainee_body(
                given_name=f"Kişi {index}", sex=person.sex, birth_date=birth.isoformat(), district=person.district,
                settlement_type=person.settlement_type, education_level=person.education_level,
                labour_status=person.labour_status, vulnerable_groups=sorted(groups)))
            person.id = created["id"]
            world.people[person.id] = person
            planned.append((person, list(zip(projects, dates))))
        return planned

    def _enrol(self, planned) -> None:
        for person, enrolments in planned:
            for project_id, enrolled_on in enrolments:
                self._enrolment(person.id, project_id, enrolled_on)

    def _enrolment(self, trainee_id: str, project_id: str, enrolled_on: date) -> Participation:
        created = self.post("/enrolments", {"trainee_id": trainee_id, "project_id": project_id,
                                            "enrolled_on": enrolled_on.isoformat()})
        person = self.world.people[trainee_id]
        enrolment = Participation(created["id"], trainee_id, project_id, enrolled_on, person.labour_status,
                                  person.education_level, person.settlement_type, person.groups)
        self.world.enrolments[enrolment.id] = enrolment
        return enrolment

    def _exits(self) -> None:
        """Decide every exit first (placements refer to it), then record them."""
        rng = self.rng
        for enrolment in self.world.enrolments.values():
            if enrolment.exit_plan is None:
                continue
            how, exited_on = enrolment.exit_plan
            if how == "complete":
                qualification = rng.random() < 0.7
                self.post(f"/enrolments/{enrolment.id}/complete",
                          {"exited_on": exited_on.isoformat(), "qualification_gained": qualification}, status=200)
                enrolment.status, enrolment.qualification_gained = "completed", qualification
                enrolment.exit_reason = "completed_course"
            else:
                reason = rng.choice(DROP_OUT_REASONS)
                self.post(f"/enrolments/{enrolment.id}/drop-out",
                          {"exited_on": exited_on.isoformat(), "reason": reason}, status=200)
                enrolment.status, enrolment.qualification_gained, enrolment.exit_reason = "dropped_out", False, reason
            enrolment.exited_on = exited_on
            for name, days in CHECKPOINT_DAYS.items():
                self.world.checkpoints[(enrolment.id, name)] = Checkpoint(
                    enrolment.id, enrolment.trainee_id, name, exited_on + timedelta(days=days))

    def plan_exits(self) -> None:
        rng = self.rng
        for enrolment in self.world.enrolments.values():
            enrolment.exit_plan = None
            if rng.random() < 0.2:
                continue
            exited_on = enrolment.enrolled_on + timedelta(days=rng.randint(10, 420))
            if exited_on > self.today:
                if rng.random() < 0.5:
                    continue
                exited_on = self.day_between(enrolment.enrolled_on, self.today)
            enrolment.exit_plan = (rng.choices(("complete", "drop-out"), weights=(65, 35))[0], exited_on)

    def _placements(self, late: bool) -> None:
        """Job starts around the (planned) exits: during the course, within 90 days after it, after the
        window, before the enrolment; some formal, some in EUR; `late` ones are recorded after the exit."""
        rng = self.rng
        if not late:
            self.plan_exits()
            self.job_plan = []
            taken: dict[str, set[date]] = defaultdict(set)
            for enrolment in list(self.world.enrolments.values()):
                for _ in range(rng.choices((0, 1, 2), weights=(40, 45, 15))[0]):
                    started_on = self._start_day(enrolment)
                    if started_on is None or started_on > self.today or started_on in taken[enrolment.trainee_id]:
                        continue
                    taken[enrolment.trainee_id].add(started_on)
                    self.job_plan.append((enrolment.trainee_id, started_on, rng.random() < 0.5))
        for trainee_id, started_on, is_late in self.job_plan:
            if is_late != late:
                continue
            currency = "EUR" if rng.random() < 0.2 else "TRY"
            wage = Decimal(rng.randint(400, 900) * 50 if currency == "TRY" else rng.randint(20, 60) * 50)
            formal = rng.random() < 0.6
            created = self.post("/placements", {
                "trainee_id": trainee_id, "employer_id": rng.choice(self.employers),
                "started_on": started_on.isoformat(), "wage_monthly": str(wage), "currency": currency,
                "hours_per_week": rng.choice((20, 30, 40, 45)),
                "contract_type": rng.choice(("permanent", "fixed_term")),
                "formal": formal})
            self.world.jobs.append(Job(created["id"], trainee_id, started_on, wage, currency, formal, late))

    def _start_day(self, enrolment: Participation) -> date | None:
        rng = self.rng
        if enrolment.exit_plan is None:
            return self.day_between(enrolment.enrolled_on, self.today)
        exited_on = enrolment.exit_plan[1]
        kind = rng.choices(("during", "within", "edge", "after", "before"), weights=(25, 35, 8, 20, 12))[0]
        if kind == "during":
            return self.day_between(enrolment.enrolled_on, exited_on)
        if kind == "within":
            return exited_on + timedelta(days=rng.randint(1, 89))
        if kind == "edge":
            return exited_on + rng.choice((WINDOW, WINDOW + timedelta(days=1)))
        if kind == "after":
            return exited_on + timedelta(days=rng.randint(91, 250))
        return enrolment.enrolled_on - timedelta(days=rng.randint(1, 120))

    def _re_enrolments(self) -> None:
        """A few people come back to the same project after leaving it."""
        exited = [e for e in self.world.enrolments.values()
                  if e.exited_on is not None and e.exited_on < self.today - timedelta(days=5)]
        for enrolment in self.rng.sample(exited, min(3, len(exited))):
            self._enrolment(enrolment.trainee_id, enrolment.project_id,
                            self.day_between(enrolment.exited_on + timedelta(days=1), self.today))

    def _changes(self) -> None:
        """Later changes of a person's facts (trainee.updated: open participations follow them, closed ones
        keep theirs), corrections of closed ones (audited) and placements that ended."""
        rng = self.rng
        for person in rng.sample(list(self.world.people.values()), 6):
            person.settlement_type = "rural" if person.settlement_type == "urban" else "urban"
            person.groups = frozenset(rng.sample(GROUPS, rng.choice((0, 1, 2))))
            ok(self.client.patch(f"{API}/trainees/{person.id}", headers=self.headers[Role.CASEWORKER], json={
                "settlement_type": person.settlement_type, "vulnerable_groups": sorted(person.groups)}))
            for enrolment in self.world.enrolments.values():
                if enrolment.trainee_id == person.id and enrolment.status == "enrolled":
                    enrolment.settlement_type, enrolment.groups = person.settlement_type, person.groups
        closed = [e for e in self.world.enrolments.values() if e.status != "enrolled"]
        for enrolment in rng.sample(closed, 2):
            enrolment.labour_status = rng.choice([s for s in LABOUR if s != enrolment.labour_status])
            enrolment.groups = frozenset(rng.sample(GROUPS, 1))
            self.post(f"/enrolments/{enrolment.id}/correct-entry", {
                "labour_status": enrolment.labour_status, "vulnerable_groups": sorted(enrolment.groups),
                "reason": "The entry form was filled in for another person."}, status=200)
            self.world.corrections += 1
        for job in rng.sample(self.world.jobs, len(self.world.jobs) // 6):
            job.ended_on = self.day_between(job.started_on, self.today)
            self.post(f"/placements/{job.id}/end", {"ended_on": job.ended_on.isoformat(),
                                                    "reason": rng.choice(END_REASONS)}, status=200)

    def _follow_ups(self) -> None:
        """The outcomes consumer has recorded what formal placements show; caseworkers record some of the rest."""
        rng, world = self.rng, self.world
        for checkpoint in world.checkpoints.values():
            if checkpoint.due_on <= self.today and any(
                    job.formal and job.trainee_id == checkpoint.trainee_id and job.started_on <= checkpoint.due_on
                    and (job.ended_on is None or job.ended_on >= checkpoint.due_on) for job in world.jobs):
                checkpoint.status, checkpoint.employment_status, checkpoint.source = "recorded", "employed", "placement"
                checkpoint.observed_on = checkpoint.due_on
        ids = {(item["enrolment_id"], item["checkpoint"]): item["id"] for item in self.listed("/follow-ups")}
        for key, checkpoint in world.checkpoints.items():
            if checkpoint.status != "due" or checkpoint.due_on > self.today:
                continue
            action = rng.choices(("record", "unreachable", "unreachable_then_record", "leave"),
                                 weights=(55, 15, 10, 20))[0]
            if action == "leave":
                continue
            # observed on a day of the checkpoint's window, by today (late records say when they speak of)
            last = min(checkpoint.due_on + timedelta(days=CHECKPOINT_WINDOWS[checkpoint.name]), self.today)
            observed_on = self.day_between(checkpoint.due_on, last)
            if action.startswith("unreachable"):
                self.post(f"/follow-ups/{ids[key]}", {"status": "unreachable", "observed_on": observed_on.isoformat()},
                          status=200)
                checkpoint.status, checkpoint.employment_status = "unreachable", "unknown"
                checkpoint.source, checkpoint.observed_on = "caseworker", observed_on
            if action.endswith("record"):
                employment = rng.choices(EMPLOYMENT, weights=(35, 10, 25, 10, 10, 10))[0]
                body = {"status": "recorded", "employment_status": employment, "observed_on": observed_on.isoformat()}
                if employment in EMPLOYED and rng.random() < 0.5:
                    body.update(wage_monthly="30000", currency="TRY")
                self.post(f"/follow-ups/{ids[key]}", body, status=200)
                checkpoint.status, checkpoint.employment_status = "recorded", employment
                checkpoint.source, checkpoint.observed_on = "caseworker", observed_on


# -- the oracle -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    project_id: str | None = None
    period_start: date | None = None
    period_end: date | None = None

    def query(self) -> dict:
        query = {}
        if self.project_id:
            query["project_id"] = self.project_id
        if self.period_start:
            query["period_start"] = self.period_start.isoformat()
        if self.period_end:
            query["period_end"] = self.period_end.isoformat()
        return query


class Oracle:
    """Every figure from the generator's records, by the definitions of SPEC 7 and design 14 B."""

    def __init__(self, world: World):
        self.world = world
        by_participant: dict[tuple[str, str], list[Participation]] = defaultdict(list)
        for enrolment in world.enrolments.values():
            by_participant[(enrolment.trainee_id, enrolment.project_id)].append(enrolment)
        #: Each participant's participations, first entry first.
        self.participants = [sorted(found, key=lambda e: (e.enrolled_on, e.id)) for found in by_participant.values()]

    @staticmethod
    def _holds(scope: Scope, project_id: str, day: date | None) -> bool:
        return ((scope.project_id is None or project_id == scope.project_id) and day is not None
                and (scope.period_start is None or day >= scope.period_start)
                and (scope.period_end is None or day <= scope.period_end))

    def entered(self, scope: Scope) -> list[Participation]:
        """Participations whose entry is in scope (reach: entry basis)."""
        return [e for e in self.world.enrolments.values() if self._holds(scope, e.project_id, e.enrolled_on)]

    def exited(self, scope: Scope) -> list[Participation]:
        """Participations whose exit is in scope (outcomes: exit basis)."""
        return [e for e in self.world.enrolments.values()
                if e.status != "enrolled" and self._holds(scope, e.project_id, e.exited_on)]

    def person(self, enrolment: Participation) -> Person:
        return self.world.people[enrolment.trainee_id]

    def values(self, dimension: str, enrolment: Participation) -> list[str]:
        """The categories of `dimension` this participation falls in (several for vulnerable groups): as at
        entry, but sex and district, the person's."""
        person = self.person(enrolment)
        if dimension == "age_band":
            return [band_of(person.birth_date, enrolment.enrolled_on)]
        if dimension == "vulnerable_group":
            return sorted(enrolment.groups) or [NO_GROUP]
        if dimension == "project":
            return [enrolment.project_id]
        if dimension in ("sex", "district"):
            return [getattr(person, dimension)]
        return [getattr(enrolment, dimension)]

    def grid(self, scope: Scope, by: tuple[str, ...]) -> list[tuple]:
        axes = {"sex": SEXES, "age_band": BAND_NAMES, "vulnerable_group": (*GROUPS, NO_GROUP),
                "settlement_type": SETTLEMENTS, "education_level": EDUCATION, "labour_status": LABOUR,
                "project": tuple(pid for pid in self.world.projects
                                 if scope.project_id is None or pid == scope.project_id)}
        return list(product(*(axes[name] for name in by)))

    def cells(self, scope: Scope, by: tuple[str, ...], members: list) -> dict[tuple, list]:
        """`members` (participations, or participants by their first participation) per cell of `by`."""
        cells: dict[tuple, list] = {key: [] for key in self.grid(scope, by)}
        for member in members:
            first = member[0] if isinstance(member, list) else member
            for key in product(*(self.values(name, first) for name in by)):
                cells[key].append(member)
        return cells

    # reach
    def reach(self, scope: Scope, by: tuple[str, ...] = ()) -> dict:
        enrolments = self.entered(scope)
        reached = len({e.trainee_id for e in enrolments})
        holder = (self.world.projects[scope.project_id] if scope.project_id
                  else {"reach_target": self.world.reach_target, "share_targets": self.world.share_targets})
        target = holder["reach_target"]
        report = {"reached": reached, "target": target, "progress": rate(reached, target) if target else None,
                  "share_targets": [self._share(t, enrolments, reached) for t in holder["share_targets"]]}
        if by:
            report["breakdown"] = {key: {"reached": len({e.trainee_id for e in members})}
                                   for key, members in self.cells(scope, by, enrolments).items()}
        return report

    def _share(self, target: dict, enrolments: list[Participation], reached: int) -> dict:
        wanted = set(target["value"] if isinstance(target["value"], list) else [target["value"]])
        count = len({e.trainee_id for e in enrolments if wanted & set(self.values(target["dimension"], e))})
        share = Fraction(count, reached) if reached else None
        met = None if share is None else (
            (target.get("min_share") is None or share >= Fraction(str(target["min_share"])))
            and (target.get("max_share") is None or share <= Fraction(str(target["max_share"]))))
        return {"dimension": target["dimension"], "value": target["value"], "reached": count,
                "share": None if share is None else float(share), "met": met}

    # outcomes (exit basis)
    def first_job(self, enrolment: Participation) -> Job | None:
        if enrolment.status != "completed":
            return None
        window = [job for job in self.world.jobs if job.trainee_id == enrolment.trainee_id
                  and enrolment.enrolled_on <= job.started_on <= enrolment.exited_on + WINDOW]
        return min(window, key=lambda job: job.started_on, default=None)

    def checkpoint(self, enrolment: Participation, name: str) -> Checkpoint | None:
        return self.world.checkpoints.get((enrolment.id, name))

    def currency(self, enrolments: list[Participation]) -> str | None:
        counts = Counter(job.currency for job in map(self.first_job, enrolments) if job)
        return min(counts, key=lambda c: (-counts[c], c)) if counts else None

    def figures(self, enrolments: list[Participation], currency: str | None) -> dict:
        completed = [e for e in enrolments if e.status == "completed"]
        dropped = sum(e.status == "dropped_out" for e in enrolments)
        jobs = [job for job in map(self.first_job, completed) if job]
        month_6 = [self.checkpoint(e, "month_6") for e in enrolments]
        recorded = [c for c in month_6 if c is not None and c.status == "recorded"]
        employed = sum(c.employment_status in EMPLOYED for c in recorded)
        # every exiter whose month-6 checkpoint is due by today, recorded or not
        due = sum(e.exited_on + timedelta(days=CHECKPOINT_DAYS["month_6"]) <= self.world.today for e in enrolments)
        wages = [job.wage for job in jobs if job.currency == currency]
        return {"enrolled": len(enrolments), "completed": len(completed), "dropped_out": dropped,
                "placed_within_90d": len(jobs), "month_6_recorded": len(recorded), "employed_at_6m": employed,
                "completion_rate": rate(len(completed), len(completed) + dropped),
                "placement_rate": rate(len(jobs), len(completed)),
                "employment_rate_6m": rate(employed, due),
                "median_wage": money(median_of(wages)) if wages else None,
                "wage_count": len(wages)}

    def outcomes(self, scope: Scope, by: tuple[str, ...] = ()) -> dict:
        enrolments = self.exited(scope)
        currency = self.currency(enrolments)
        report = {**self.figures(enrolments, currency), "wage_currency": currency}
        by_sex = self.cells(scope, ("sex",), enrolments)
        female, male = (self.figures(by_sex[(sex,)], currency) for sex in ("female", "male"))
        report["gaps"] = {}
        for name in (*RATE_NAMES, "median_wage"):
            f, m = female[name], male[name]
            if name == "median_wage":
                difference = None if f is None or m is None else money(Decimal(f) - Decimal(m))
                ratio = None if f is None or m is None or Decimal(m) == 0 else float(Decimal(f) / Decimal(m))
            else:  # of the rates themselves, not of their 4-decimal roundings
                difference = None if f is None or m is None else f - m
                ratio = None if f is None or not m else f / m
            report["gaps"][name] = {"female": f, "male": m, "difference": difference, "ratio": ratio}
        if by:
            report["breakdown"] = {key: self.figures(members, currency)
                                   for key, members in self.cells(scope, by, enrolments).items()}
        return report

    # indicators (ESF+, participants: outputs on the first entry, results of the final exit)
    def upon_leaving(self, first: Participation, final: Participation) -> tuple[str | None, bool]:
        """(employed, in_education, job_searching, other or None; whether a formal job counts)."""
        exited_on = final.exited_on
        jobs = [job for job in self.world.jobs if job.trainee_id == final.trainee_id
                and first.enrolled_on <= job.started_on <= exited_on + UPON_LEAVING
                and (job.ended_on is None or job.ended_on >= exited_on)]
        check = self.checkpoint(final, "exit")
        observed = (check.employment_status if check is not None and check.status == "recorded"
                    and check.observed_on <= exited_on + UPON_LEAVING else None)
        if jobs or observed in EMPLOYED or (final.status == "dropped_out" and final.exit_reason == "found_job"):
            return "employed", any(job.formal for job in jobs)
        return {"in_education": "in_education", "unemployed": "job_searching", None: None, "unknown": None}.get(
            observed, "other"), False

    def output_codes(self, participant: list[Participation]) -> set[str]:
        first = participant[0]
        person, band = self.person(first), band_of(self.person(first).birth_date, first.enrolled_on)
        facts = {
            "participants": True,
            "unemployed": first.labour_status in ("unemployed", "long_term_unemployed"),
            "long_term_unemployed": first.labour_status == "long_term_unemployed",
            "inactive": first.labour_status in ("inactive", "in_education"),
            "employed": first.labour_status == "employed",
            "below_18": band == "15-17",
            "aged_18_29": band in ("18-24", "25-29"),
            "aged_55_plus": band == "55+",
            "isced_0_2": first.education_level in ("primary_or_less", "lower_secondary"),
            "isced_3_4": first.education_level == "upper_secondary",
            "isced_5_8": first.education_level == "tertiary",
            "with_disabilities": "disability" in first.groups,
            "third_country_nationals": False,  # the generator gives no citizenship
            "foreign_background": bool({"migrant", "refugee"} & first.groups),
            "minorities_incl_roma": "roma" in first.groups,
            "homeless_or_housing_exclusion": "housing_exclusion" in first.groups,
            "rural_areas": first.settlement_type == "rural",
        }
        assert person.sex in SEXES
        return {code for code, holds in facts.items() if holds}

    def result_codes(self, participant: list[Participation]) -> set[str]:
        first, final = participant[0], participant[-1]
        leaving, _formal = self.upon_leaving(first, final)
        month_6 = self.checkpoint(final, "month_6")
        employed_6m = month_6 is not None and month_6.status == "recorded" and month_6.employment_status in EMPLOYED
        day = month_6.observed_on if month_6 is not None else None
        improved = employed_6m and first.labour_status == "employed" and any(
            job.formal and job.trainee_id == final.trainee_id and first.enrolled_on < job.started_on <= day
            and (job.ended_on is None or job.ended_on >= day) for job in self.world.jobs)
        facts = {
            "job_searching_upon_leaving": leaving == "job_searching",
            "in_education_or_training_upon_leaving": leaving == "in_education",
            "qualification_upon_leaving": final.qualification_gained is True,
            "in_employment_upon_leaving": leaving == "employed",
            "in_employment_6m_after_leaving": employed_6m,
            "improved_labour_market_situation_6m": improved,
        }
        return {code for code, holds in facts.items() if holds}

    INDICATORS = ("participants", "unemployed", "long_term_unemployed", "inactive", "employed", "below_18",
                  "aged_18_29", "aged_55_plus", "isced_0_2", "isced_3_4", "isced_5_8", "with_disabilities",
                  "third_country_nationals", "foreign_background", "minorities_incl_roma",
                  "homeless_or_housing_exclusion", "rural_areas", "job_searching_upon_leaving",
                  "in_education_or_training_upon_leaving", "qualification_upon_leaving", "in_employment_upon_leaving",
                  "in_employment_6m_after_leaving", "improved_labour_market_situation_6m")

    def indicator_table(self, entered: list[list[Participation]], left: list[list[Participation]]) -> dict:
        table = {code: dict.fromkeys((*SEXES, "total"), 0) for code in self.INDICATORS}
        for participants, codes_of in ((entered, self.output_codes), (left, self.result_codes)):
            for participant in participants:
                sex = self.person(participant[0]).sex
                for code in codes_of(participant):
                    table[code][sex] += 1
                    table[code]["total"] += 1
        return table

    def indicators(self, scope: Scope, by: tuple[str, ...] = ()) -> dict:
        entered = [p for p in self.participants if self._holds(scope, p[0].project_id, p[0].enrolled_on)]
        left = [p for p in self.participants if p[-1].status != "enrolled"
                and self._holds(scope, p[0].project_id, p[-1].exited_on)]
        report = {"indicators": self.indicator_table(entered, left)}
        if by:
            entered_cells, left_cells = self.cells(scope, by, entered), self.cells(scope, by, left)
            report["breakdown"] = {key: self.indicator_table(entered_cells[key], left_cells[key])
                                   for key in entered_cells}
        return report


# -- comparing --------------------------------------------------------------------------------------

class Mismatches:
    """Every difference between the API and the oracle of one request, reported together."""

    def __init__(self, label: str):
        self.label, self.found = label, []

    def same(self, path: str, actual, expected, *, approximate: bool = False) -> None:
        if approximate and isinstance(expected, float):
            equal = (isinstance(actual, (int, float)) and not isinstance(actual, bool)
                     and actual == pytest.approx(expected, abs=1e-4))
        else:
            equal = actual == expected and (type(actual) is type(expected) or None not in (actual, expected))
        if not equal:
            self.found.append(f"{path}: API {actual!r}, oracle {expected!r}")

    def check(self) -> None:
        assert not self.found, f"{self.label}: {len(self.found)} difference(s):\n  " + "\n  ".join(self.found)


def cell_key(cell: dict, by: tuple[str, ...]) -> tuple:
    return tuple(cell[name] for name in by)


def breakdown_of(report: dict, by: tuple[str, ...], label: str) -> dict[tuple, dict]:
    cells = {cell_key(cell, by): cell for cell in report["breakdown"]}
    assert len(cells) == len(report["breakdown"]), f"{label}: a cell appears twice"
    return cells


class Comparison:
    def __init__(self, client, generator: Generator, oracle: Oracle):
        self.client, self.generator, self.oracle = client, generator, oracle
        self.k = oracle.world.min_cell_size
        self.hidden_checked = 0  # small values the suppressed answers were seen to hide

    def get(self, kind: str, scope: Scope, by: tuple[str, ...], role: str, suppress: bool) -> dict:
        query = {**scope.query(), "suppress": "true" if suppress else "false"}
        if by:
            query["by"] = ",".join(by)
        return ok(self.client.get(f"{API}/metrics/{kind}", query_string=query,
                                  headers=self.generator.headers[role]))

    def hidden(self, expected: int) -> bool:
        return 0 < expected < self.k

    # exact (admin, suppress=false)
    def exact(self, kind: str, scope: Scope, by: tuple[str, ...] = (), *, gaps: bool = True) -> None:
        label = f"{kind} {scope.query()} by={','.join(by)} suppress=false"
        actual = self.get(kind, scope, by, Role.ADMIN, suppress=False)
        expected = getattr(self.oracle, kind)(scope, by)
        if not gaps:
            expected.pop("gaps", None)
        diff = Mismatches(label)
        getattr(self, f"_exact_{kind}")(diff, actual, expected, by)
        diff.check()

    def _exact_reach(self, diff: Mismatches, actual: dict, expected: dict, by) -> None:
        for name in ("reached", "target", "progress"):
            diff.same(name, actual[name], expected[name], approximate=True)
        diff.same("share_targets.length", len(actual["share_targets"]), len(expected["share_targets"]))
        for index, (have, want) in enumerate(zip(actual["share_targets"], expected["share_targets"])):
            for name, value in want.items():
                diff.same(f"share_targets[{index}].{name}", have[name], value, approximate=True)
            diff.same(f"share_targets[{index}].suppressed", have["suppressed"], False)
        if by:
            cells = breakdown_of(actual, by, diff.label)
            diff.same("breakdown.cells", sorted(cells), sorted(expected["breakdown"]))
            for key, want in expected["breakdown"].items():
                if key in cells:
                    diff.same(f"breakdown{key}.reached", cells[key]["reached"], want["reached"])
                    diff.same(f"breakdown{key}.suppressed", cells[key]["suppressed"], False)

    def _exact_outcomes(self, diff: Mismatches, actual: dict, expected: dict, by) -> None:
        self._figures(diff, "", actual, expected)
        diff.same("wage_currency", actual["wage_currency"], expected["wage_currency"])
        for name, want in expected.get("gaps", {}).items():
            have = actual["gaps"][name]
            for part, value in want.items():
                diff.same(f"gaps.{name}.{part} (API female {have['female']!r}, male {have['male']!r})",
                          have[part], value, approximate=True)
        if by:
            cells = breakdown_of(actual, by, diff.label)
            diff.same("breakdown.cells", sorted(cells), sorted(expected["breakdown"]))
            for key, want in expected["breakdown"].items():
                if key in cells:
                    self._figures(diff, f"breakdown{key}.", cells[key], want)
                    diff.same(f"breakdown{key}.suppressed", cells[key]["suppressed"], False)

    @staticmethod
    def _figures(diff: Mismatches, prefix: str, actual: dict, expected: dict) -> None:
        for name in (*COUNT_NAMES, *RATE_NAMES, "median_wage"):
            diff.same(prefix + name, actual[name], expected[name], approximate=True)

    def _exact_indicators(self, diff: Mismatches, actual: dict, expected: dict, by) -> None:
        self._indicator_rows(diff, "", actual["indicators"], expected["indicators"])
        if by:
            cells = breakdown_of(actual, by, diff.label)
            diff.same("breakdown.cells", sorted(cells), sorted(expected["breakdown"]))
            for key, want in expected["breakdown"].items():
                if key in cells:
                    self._indicator_rows(diff, f"breakdown{key}.", cells[key]["indicators"], want)

    @staticmethod
    def _indicator_rows(diff: Mismatches, prefix: str, rows: list[dict], expected: dict[str, dict]) -> None:
        diff.same(prefix + "indicators", [row["indicator"] for row in rows], list(expected))
        for row in rows:
            for part, value in expected.get(row["indicator"], {}).items():
                diff.same(f"{prefix}{row['indicator']}.{part}", row[part], value)

    # suppressed (manager, suppress=true)
    def suppressed(self, kind: str, scope: Scope, by: tuple[str, ...]) -> None:
        label = f"{kind} {scope.query()} by={','.join(by)} as manager, suppressed"
        actual = self.get(kind, scope, by, Role.MANAGER, suppress=True)
        assert actual["suppression"] is True and actual["min_cell_size"] == self.k
        expected = getattr(self.oracle, kind)(scope, by)
        diff = Mismatches(label)
        getattr(self, f"_suppressed_{kind}")(diff, actual, expected, by)
        diff.check()

    def _small(self, diff: Mismatches, path: str, shown, expected) -> None:
        """A shown value is the true one; a true count of 1..k-1 is not shown (other values may be
        hidden too: secondary suppression)."""
        small = isinstance(expected, int) and not isinstance(expected, bool) and self.hidden(expected)
        if shown is None:
            self.hidden_checked += small
            return
        if small:
            diff.found.append(f"{path}: {shown!r} is shown, below min_cell_size {self.k}")
        else:
            diff.same(path, shown, expected, approximate=True)

    def _suppressed_reach(self, diff: Mismatches, actual: dict, expected: dict, by) -> None:
        diff.same("reached", actual["reached"], expected["reached"])
        diff.same("progress", actual["progress"], expected["progress"], approximate=True)
        diff.same("share_targets.length", len(actual["share_targets"]), len(expected["share_targets"]))
        for index, (have, want) in enumerate(zip(actual["share_targets"], expected["share_targets"])):
            self._small(diff, f"share_targets[{index}].reached", have["reached"], want["reached"])
            if have["reached"] is None:
                diff.same(f"share_targets[{index}].(share, suppressed)", (have["share"], have["suppressed"]),
                          (None, True))
            else:
                diff.same(f"share_targets[{index}].share", have["share"], want["share"], approximate=True)
            # whether a bound is met tells where a hidden count lies: hidden with it
            diff.same(f"share_targets[{index}].met", have["met"], None if have["reached"] is None else want["met"])
        cells = breakdown_of(actual, by, diff.label)
        diff.same("breakdown.cells", sorted(cells), sorted(expected["breakdown"]))
        hidden_somewhere = False
        for key, want in expected["breakdown"].items():
            cell = cells.get(key)
            if cell is None:
                continue
            self._small(diff, f"breakdown{key}.reached", cell["reached"], want["reached"])
            diff.same(f"breakdown{key}.suppressed", cell["suppressed"], cell["reached"] is None)
            hidden_somewhere |= self.hidden(want["reached"])
        # A hidden cell never stands alone in its line: something else is hidden too.
        if hidden_somewhere:
            assert sum(cell["reached"] is None for cell in cells.values()) >= 2, diff.label

    def _suppressed_outcomes(self, diff: Mismatches, actual: dict, expected: dict, by) -> None:
        for name in (*COUNT_NAMES, *RATE_NAMES):
            diff.same(name, actual[name], expected[name], approximate=True)
        if actual["median_wage"] is not None or expected["wage_count"] >= self.k:
            diff.same("median_wage", actual["median_wage"], expected["median_wage"])
        for name, want in expected["gaps"].items():
            for part, value in want.items():
                self._small(diff, f"gaps.{name}.{part}", actual["gaps"][name][part], value)
        cells = breakdown_of(actual, by, diff.label)
        diff.same("breakdown.cells", sorted(cells), sorted(expected["breakdown"]))
        for key, want in expected["breakdown"].items():
            cell = cells.get(key)
            if cell is None:
                continue
            for name in (*COUNT_NAMES, *RATE_NAMES, "median_wage"):
                self._small(diff, f"breakdown{key}.{name}", cell[name], want[name])

    def _suppressed_indicators(self, diff: Mismatches, actual: dict, expected: dict, by) -> None:
        def rows(prefix: str, have: list[dict], want: dict[str, dict], totals_exact: bool) -> None:
            for row in have:
                table = want[row["indicator"]]
                for sex in SEXES:
                    self._small(diff, f"{prefix}{row['indicator']}.{sex}", row[sex], table[sex])
                if totals_exact:
                    diff.same(f"{prefix}{row['indicator']}.total", row["total"], table["total"])
                else:
                    self._small(diff, f"{prefix}{row['indicator']}.total", row["total"], table["total"])

        rows("", actual["indicators"], expected["indicators"], totals_exact=True)
        cells = breakdown_of(actual, by, diff.label)
        diff.same("breakdown.cells", sorted(cells), sorted(expected["breakdown"]))
        for key, want in expected["breakdown"].items():
            if key in cells:
                rows(f"breakdown{key}.", cells[key]["indicators"], want, totals_exact=False)


# -- the tests --------------------------------------------------------------------------------------

@pytest.fixture
def pathways(committing_pg_pathways):
    """PostgreSQL only, really committing, so that `pathways metrics verify` sees the records
    through its own connection; with REQUIRE_SERVICES=1 a missing server fails the test."""
    return committing_pg_pathways


def generated(client, pathways, drain, seed: int) -> tuple[Generator, World]:
    generator = Generator(client, pathways, drain, seed)
    world = generator.build()
    assert drain() == 0
    # The generator covered what the definitions distinguish.
    enrolments = list(world.enrolments.values())
    people_by_projects = Counter(len({e.project_id for e in enrolments if e.trainee_id == p}) for p in world.people)
    assert people_by_projects[2] >= 3
    assert {band_of(world.people[e.trainee_id].birth_date, e.enrolled_on) for e in enrolments} == set(BAND_NAMES)
    assert {p.sex for p in world.people.values()} == set(SEXES)
    assert {e.status for e in enrolments} == {"enrolled", "completed", "dropped_out"}
    assert {job.currency for job in world.jobs} == {"TRY", "EUR"}
    assert {job.created_after_exit for job in world.jobs} == {True, False}
    statuses = Counter((c.name, c.status, c.source) for c in world.checkpoints.values())
    assert statuses[("month_6", "recorded", "caseworker")]
    assert sum(count for (_name, status, _source), count in statuses.items() if status == "unreachable")
    assert statuses[("exit", "recorded", "placement")]
    return generator, world


def assert_follow_ups_as_modelled(generator: Generator, world: World) -> None:
    """The checkpoints the outcomes consumer and the caseworkers left are those the oracle assumes."""
    listed = {(item["enrolment_id"], item["checkpoint"]): item for item in generator.listed("/follow-ups")}
    stored = {"scheduled": "due", "due": "due", "overdue": "due"}  # the shown status of an open checkpoint

    def modelled(item: dict) -> tuple:
        return (stored.get(item["status"], item["status"]), item["employment_status"], item["source"],
                item["due_on"], item.get("observed_on"))

    differences = [
        (key, item and modelled(item), (c.status, c.employment_status, c.source))
        for key, c in world.checkpoints.items()
        if (item := listed.get(key)) is None
        or modelled(item) != (c.status, c.employment_status, c.source, c.due_on.isoformat(),
                              c.observed_on and c.observed_on.isoformat())]
    assert not differences, differences[:10]


def scopes(world: World) -> dict[str, Scope]:
    first, second = list(world.projects)[:2]
    window = (world.today - timedelta(days=540), world.today - timedelta(days=200))
    return {"all": Scope(), "project": Scope(project_id=first), "period": Scope(None, *window),
            "project+period": Scope(second, *window)}


EXACT_REQUESTS = [
    ("reach", ()), ("reach", ("sex", "age_band")), ("reach", ("project",)), ("reach", ("vulnerable_group",)),
    ("outcomes", ()), ("outcomes", ("sex",)), ("outcomes", ("project",)),
    ("indicators", ()), ("indicators", ("settlement_type",)),
]
SUPPRESSED_REQUESTS = [
    ("reach", ("sex", "age_band")), ("reach", ("project",)), ("reach", ("vulnerable_group",)),
    ("outcomes", ("sex",)), ("outcomes", ("project",)), ("indicators", ("settlement_type",)),
]


@pytest.fixture
def metrics_cli(pathways, monkeypatch):
    """`metrics_cli(slug, command)`: `pathways metrics verify|rebuild --org-slug slug` in this process, on the
    test database through DATABASE_URL; returns the result and its JSON lines.

    The command builds its own engine and leaves it to the process exit to close; here the engine
    is disposed after each run, or its pooled connections would be collected while open.
    """
    built = []
    original = cli_module.build

    def build(*args, **kwargs):
        built.append(original(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(cli_module, "build", build)
    env = {"DATABASE_URL": pathways.config.database_url,
           "PATHWAYS_PII_HASH_KEY": "fAo9nZrSbjMhZ3WbKN8VKOp2H2X6XWqNyxUVgZjoN9Q",
           "PATHWAYS_PII_ENCRYPTION_KEY": "1tEzj3Tao5ukhnDT42sdlUogKwlGu75PsxpgvEFHfgU"}

    def run(slug: str, command: str = "verify"):
        try:
            result = CliRunner().invoke(pathways_cli, ["metrics", command, "--org-slug", slug], env=env)
        finally:
            while built:
                built.pop().dispose()
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result, [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]

    return run


@pytest.mark.parametrize("seed", SEEDS)
def test_metrics_equal_an_independent_recomputation(client, pathways, drain, metrics_cli, seed, subtests):
    generator, world = generated(client, pathways, drain, seed)
    assert_follow_ups_as_modelled(generator, world)
    oracle = Oracle(world)
    compare = Comparison(client, generator, oracle)

    for scope_name, scope in scopes(world).items():
        for kind, by in EXACT_REQUESTS:
            with subtests.test(msg="admin, suppress=false", scope=scope_name, kind=kind, by=",".join(by)):
                compare.exact(kind, scope, by)
    for scope_name in ("all", "period"):
        for kind, by in SUPPRESSED_REQUESTS:
            with subtests.test(msg="manager, suppressed", scope=scope_name, kind=kind, by=",".join(by)):
                compare.suppressed(kind, scopes(world)[scope_name], by)
    assert compare.hidden_checked >= 5, "the suppressed answers had hardly any small cell to hide"
    with subtests.test(msg="pathways metrics verify after the drain"):
        result, lines = metrics_cli(generator.slug)
        assert (result.exit_code, lines) == (0, [{"organisation": generator.slug,
                                                  "trainees_checked": len(world.people), "differences": 0,
                                                  "entry_corrections": world.corrections}]), result.output
        assert f"{world.corrections} entry corrections recorded in the audit" in result.output


def figures(compare: Comparison) -> dict:
    """The organisation-wide answers of EXACT_REQUESTS, without the moving `as_of`."""
    answers = {}
    for kind, by in EXACT_REQUESTS:
        answer = compare.get(kind, Scope(), by, Role.ADMIN, suppress=False)
        answer.pop("as_of")
        answers[(kind, by)] = answer
    return answers


@pytest.mark.parametrize("seed", [VERIFY_SEED])
def test_verify_finds_a_tampered_read_model_and_rebuild_repairs_it(client, pathways, drain, metrics_cli, seed,
                                                                     subtests, monkeypatch):
    # Rollups for this small organisation too: the consumer makes them as it applies the events.
    monkeypatch.setattr(rollups, "MIN_PARTICIPANTS", 1)
    monkeypatch.setattr(rollups, "SIZE_CHECK_SECONDS", 0)
    monkeypatch.setattr(rollups, "_sizes", {})  # nothing this process counted before
    generator, world = generated(client, pathways, drain, seed)
    compare = Comparison(client, generator, Oracle(world))
    before = figures(compare)

    result, lines = metrics_cli(generator.slug)
    assert lines and lines[0]["trainees_checked"] == len(world.people), result.output
    baseline = lines[0]["differences"]
    with subtests.test(msg="a drained read model verifies"):
        assert (result.exit_code, baseline) == (0, 0), result.output

    # A dropped-out participation turned into a completion behind the consumer's back.
    dropped = next(e for e in world.enrolments.values()
                   if e.status == "dropped_out" and e.trainee_id not in result.output)
    with pathways.engine.begin() as connection:
        changed = connection.execute(text("UPDATE metric_enrolments SET status = 'completed' "
                                          "WHERE enrolment_id = :id"), {"id": uuid.UUID(dropped.id)})
    assert changed.rowcount == 1
    # A report with a period scans the rows and shows the change; over the whole programme the
    # figures come from rollups, which only refreshes change, so they still equal the records.
    period = Scope(period_start=dropped.exited_on, period_end=dropped.exited_on)  # outcomes: the exit basis
    totals = compare.get("outcomes", period, (), Role.ADMIN, suppress=False)
    expected = compare.oracle.outcomes(period)
    assert (totals["completed"], totals["dropped_out"]) == (expected["completed"] + 1, expected["dropped_out"] - 1)
    totals = compare.get("outcomes", Scope(), (), Role.ADMIN, suppress=False)
    expected = compare.oracle.outcomes(Scope())
    assert (totals["completed"], totals["dropped_out"]) == (expected["completed"], expected["dropped_out"])

    result, lines = metrics_cli(generator.slug)
    assert result.exit_code == 1, result.output
    assert lines[0]["differences"] > baseline + 1, result.output
    assert f"{dropped.trainee_id}: enrolment {dropped.id} differs in status\n" in result.output
    # Each rollup counting outcomes over the whole programme now differs from a scan of the rows.
    assert "rollup: rollup " in result.output and "kept " in result.output, result.output

    result, lines = metrics_cli(generator.slug, "rebuild")
    assert result.exit_code == 0, result.output
    assert lines == [{"organisation": generator.slug, "trainees": len(world.people)}]
    result, lines = metrics_cli(generator.slug)
    assert (result.exit_code, lines[0]["differences"]) == (0, 0), result.output

    assert figures(compare) == before
    for kind, by in EXACT_REQUESTS:
        with subtests.test(msg="after the rebuild", kind=kind, by=",".join(by)):
            compare.exact(kind, Scope(), by, gaps=False)
