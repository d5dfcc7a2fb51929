"""A seeded programme with every case a funder's figures must get right, made through the HTTP API.

Issue 14: drop-outs for a job, jobs started 3-26 days after the exit (formal or not, part-time,
in several currencies), jobs started too late or ended before the exit, follow-ups recorded on
time, late (observed inside the window, recorded after it), missing and unreachable, people who
come back to the same project (and some who are then still enrolled), people in two projects,
corrections of a closed participation's characteristics at entry, later edits of a person, all
four sexes, citizenships inside and outside the EU, housing exclusion, ages at entry around 18,
30 and 55, exits spread over two years of quarters, referrals at every step.

The records themselves are the oracle's input (tests/integration/test_funders_oracle.py reads the
tables); what the generator keeps is only what it meant the participation-at-entry snapshot to be,
so that a test can check the records kept it (`expected_at_entry`).

Every date lies before the real today (`service.clock.today()`): exits are recorded once they
happened and a checkpoint once it is due, as the API demands, so no clock is moved.
"""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from stdnum.tr import vkn

from tests.days import today as service_today
from service.domain.roles import Role
from service.services import organisations, users
from tests import factories

API = "/api/v1"

SEXES = ("female", "male", "non_binary", "undisclosed")
EDUCATION = ("primary_or_less", "lower_secondary", "upper_secondary", "tertiary")
LABOUR = ("unemployed", "long_term_unemployed", "inactive", "employed", "in_education")
GROUPS = ("roma", "disability", "refugee", "single_parent", "neet", "migrant", "housing_exclusion")
#: None is "not given"; DE, FR, GR inside the EU; TR, SY, UA, US outside it.
CITIZENSHIPS = (None, "TR", "TR", "DE", "SY", "FR", "UA", "GR", "US")
#: Ages at entry around the ESF+ boundaries (below 18, 18-29, 55 and over).
AGES = (16, 17, 18, 19, 24, 29, 30, 31, 42, 54, 55, 56, 63)
EMPLOYMENT = ("employed", "self_employed", "unemployed", "in_education", "inactive", "unknown")
DROP_OUT_REASONS = ("found_job", "moved_away", "health", "family_care", "lost_contact", "other")
CONTRACTS = ("permanent", "fixed_term", "apprenticeship", "seasonal")
#: currency -> (lowest, highest) monthly wage, in steps of 50
WAGES = {"TRY": (400, 900), "EUR": (20, 60), "USD": (25, 70)}
#: Window of each checkpoint after its due date (design 14 A).
WINDOW_DAYS = {"exit": 28, "month_6": 91, "month_12": 91}
CORRECTION_REASON = "Entry form re-checked against the signed registration sheet."


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    return response.get_json()


def birth_for_age(age: int, on: date, rng: random.Random) -> date:
    """A birth date making the person exactly `age` on `on` (never 29 February)."""
    latest = date(on.year - age, on.month, min(on.day, 28))
    birth = latest - timedelta(days=rng.randint(0, 330))
    return birth - timedelta(days=1) if (birth.month, birth.day) == (2, 29) else birth


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass
class Person:
    id: str
    sex: str
    birth_date: date
    labour_status: str
    education_level: str
    settlement_type: str
    groups: list[str]
    citizenship: str | None
    enrolled: bool = True


@dataclass
class Stay:
    """One enrolment as the generator made it."""

    id: str
    trainee_id: str
    project_id: str
    enrolled_on: date
    exited_on: date | None = None
    how: str | None = None  # complete | drop_out
    reason: str | None = None
    #: The participation-at-entry snapshot the records should hold (design 14 A).
    at_entry: dict = field(default_factory=dict)


@dataclass
class Programme:
    """What a test needs to ask about the generated programme."""

    slug: str
    organisation_id: str
    headers: dict[str, dict[str, str]]
    today: date
    min_cell_size: int
    projects: list[str]
    employers: list[str]
    people: dict[str, Person]
    stays: dict[str, Stay]
    corrections: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # how often each awkward case was made

    def expected_at_entry(self) -> dict[str, dict]:
        return {stay.id: stay.at_entry for stay in self.stays.values()}


class FundersProgramme:
    """`FundersProgramme(client, pathways, drain, seed).build()` -> Programme."""

    def __init__(self, client, pathways, drain, seed: int, *, people: int = 56, min_cell_size: int = 3):
        self.client, self.pathways, self.drain = client, pathways, drain
        self.rng = random.Random(seed)
        self.today = service_today()
        self.size, self.min_cell_size = people, min_cell_size
        self.slug = f"funders-{seed}-{uuid.uuid4().hex[:8]}"
        self.headers: dict[str, dict[str, str]] = {}
        self._tax = itertools.count(self.rng.randint(100_000_000, 800_000_000))
        self.people: dict[str, Person] = {}
        self.stays: dict[str, Stay] = {}
        self.counts: dict[str, int] = {}

    # -- API shorthands -------------------------------------------------------------------------

    def post(self, path: str, body: dict, role: str = Role.CASEWORKER, status: int = 201) -> dict:
        return ok(self.client.post(API + path, json=body, headers=self.headers[role]), status)

    def patch(self, path: str, body: dict, role: str = Role.CASEWORKER) -> dict:
        return ok(self.client.patch(API + path, json=body, headers=self.headers[role]))

    def listed(self, path: str, role: str = Role.CASEWORKER, **params) -> list[dict]:
        items, cursor = [], None
        while True:
            query = {"limit": 200, **params, **({"cursor": cursor} if cursor else {})}
            page = ok(self.client.get(API + path, query_string=query, headers=self.headers[role]))
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                return items

    def count(self, case: str) -> None:
        self.counts[case] = self.counts.get(case, 0) + 1

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    # -- the programme --------------------------------------------------------------------------

    def build(self) -> Programme:
        self._organisation()
        self.projects = [self.post("/projects", factories.project_body(
            code=f"{name}-{self.slug}"[:32], name=f"Project {name}", starts_on=None, ends_on=None, reach_target=40,
            share_targets=[]), role=Role.ADMIN)["id"] for name in ("A", "B")]
        self.employers = [self.post("/employers", {"name": f"Employer {n}", "tax_number": self._tax_number(),
                                                   "sector": sector, "district": "Konak"})["id"]
                          for n, sector in enumerate(("I56", "C10.7", "Q88"))]
        self.vacancies = [self.post("/vacancies", {
            "employer_id": employer, "title": "Cook", "occupation": "5120", "positions": 50,
            "wage_monthly": "30000.00", "currency": "TRY", "contract_type": "permanent", "district": "Konak",
            "closes_on": (self.today + timedelta(days=200)).isoformat()}) for employer in self.employers]
        self._people()
        self.drain()
        self._jobs()
        self.drain()
        self._edits_and_corrections()
        self.drain()
        self._referrals()
        self.drain()
        self._follow_ups()
        self.drain()
        return Programme(slug=self.slug, organisation_id=self.organisation_id, headers=self.headers,
                         today=self.today, min_cell_size=self.min_cell_size, projects=self.projects,
                         employers=self.employers, people=self.people, stays=self.stays,
                         corrections=self.counts.get("entry_correction", 0), counts=self.counts)

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
        # Share targets a small group can meet: their `met` must hide with their count (issue 14, item 9).
        # A size below 5 takes a reason (issue 18's guard rail); the oracle's world is small on purpose.
        reason = {"min_cell_size_reason": "A test world of 56 people."} if self.min_cell_size < 5 else {}
        self.patch("/organisation", {"min_cell_size": self.min_cell_size, **reason, "reach_target": 60,
                                     "share_targets": [
            {"dimension": "sex", "value": "female", "min_share": 0.3},
            {"dimension": "vulnerable_group", "value": "roma", "min_share": 0.01},
            {"dimension": "vulnerable_group", "value": "housing_exclusion", "max_share": 0.5}]}, role=Role.ADMIN)

    def _tax_number(self) -> str:
        base = f"{next(self._tax):09d}"
        return base + vkn.calc_check_digit(base)

    # -- people and their participations ----------------------------------------------------------

    def _people(self) -> None:
        rng = self.rng
        # Every sex at least four times, then mostly women and men.
        sexes = [sex for sex in SEXES for _ in range(4)]
        sexes += rng.choices(SEXES, weights=(50, 40, 5, 5), k=self.size - len(sexes))
        rng.shuffle(sexes)
        plans = ["complete", "drop_job", "drop_other", "open", "reentry_open", "reentry_exit", "two_projects"]
        for index, sex in enumerate(sexes):
            plan = plans[index] if index < len(plans) else rng.choices(
                plans, weights=(30, 12, 10, 12, 6, 8, 10))[0]
            self._person(index, sex, plan)
        # Registered, never enrolled: the funnel's first stage only.
        for index in range(2):
            self._register(f"Kayıtlı {index}", rng.choice(SEXES), date(2000, 5, 5), enrolled=False)

    def _register(self, name: str, sex: str, birth: date, *, enrolled: bool = True) -> Person:
        rng = self.rng
        number = rng.random()
        groups = ([] if number < 0.4 else rng.sample(GROUPS, 1) if number < 0.85 else rng.sample(GROUPS, 2))
        person = Person(id="", sex=sex, birth_date=birth, labour_status=rng.choice(LABOUR),
                        education_level=rng.choice(EDUCATION), settlement_type=rng.choice(("urban", "urban", "rural")),
                        groups=sorted(groups), citizenship=rng.choice(CITIZENSHIPS), enrolled=enrolled)
        body = factories.trainee_body(
            given_name=name, sex=sex, birth_date=birth.isoformat(), labour_status=person.labour_status,
            education_level=person.education_level, settlement_type=person.settlement_type,
            vulnerable_groups=person.groups)
        if person.citizenship is not None:
            body["citizenship"] = person.citizenship
        person.id = self.post("/trainees", body)["id"]
        self.people[person.id] = person
        return person

    def _person(self, index: int, sex: str, plan: str) -> None:
        rng = self.rng
        # Exits spread over the last two years (eight quarters and more); an entry 20-200 days before.
        exited_on = self.today - timedelta(days=rng.randint(1, 700))
        enrolled_on = max(exited_on - timedelta(days=rng.randint(20, 200)), self.today - timedelta(days=760))
        person = self._register(f"Kişi {index}", sex, birth_for_age(rng.choice(AGES), enrolled_on, rng))
        project, other = rng.sample(self.projects, 2)
        first = self._enrol(person, project, enrolled_on)
        self.count(plan)
        if plan == "open":
            return
        how, reason = (("drop_out", "found_job") if plan == "drop_job"
                       else ("drop_out", rng.choice(DROP_OUT_REASONS[1:])) if plan == "drop_other"
                       else rng.choices((("complete", None), ("drop_out", "found_job"), ("drop_out", "health")),
                                        weights=(70, 15, 15))[0])
        self._exit(first, how, reason, exited_on)
        if plan in ("reentry_open", "reentry_exit") and exited_on < self.today - timedelta(days=10):
            again = self._enrol(person, project, self.day(exited_on + timedelta(days=1),
                                                          self.today - timedelta(days=5)))
            self.count("reentry")
            if plan == "reentry_exit":
                self._exit(again, *rng.choice((("complete", None), ("drop_out", "found_job"),
                                               ("drop_out", "lost_contact"))),
                           self.day(again.enrolled_on, self.today - timedelta(days=1)))
        if plan == "two_projects":
            second = self._enrol(person, other, self.day(enrolled_on, self.today - timedelta(days=2)))
            if rng.random() < 0.6:
                self._exit(second, "complete", None, self.day(second.enrolled_on, self.today - timedelta(days=1)))

    def _enrol(self, person: Person, project: str, enrolled_on: date) -> Stay:
        body = {"trainee_id": person.id, "project_id": project, "enrolled_on": enrolled_on.isoformat()}
        labour = person.labour_status
        if self.rng.random() < 0.3:  # the status given at enrolment, not the person's registered one
            labour = body["labour_status_at_entry"] = self.rng.choice(LABOUR)
            self.count("labour_status_given")
        created = self.post("/enrolments", body)
        stay = Stay(created["id"], person.id, project, enrolled_on, at_entry={
            "labour_status": labour, "education_level": person.education_level,
            "settlement_type": person.settlement_type, "vulnerable_groups": sorted(person.groups),
            "citizenship": person.citizenship, "age": age_on(person.birth_date, enrolled_on)})
        self.stays[stay.id] = stay
        return stay

    def _exit(self, stay: Stay, how: str, reason: str | None, exited_on: date) -> None:
        exited_on = max(exited_on, stay.enrolled_on)
        if how == "complete":
            self.post(f"/enrolments/{stay.id}/complete", {"exited_on": exited_on.isoformat(),
                                                          "qualification_gained": self.rng.random() < 0.7}, status=200)
        else:
            self.post(f"/enrolments/{stay.id}/drop-out", {"exited_on": exited_on.isoformat(), "reason": reason},
                      status=200)
            self.count(f"drop_out_{reason}")
        stay.exited_on, stay.how, stay.reason = exited_on, how, reason

    # -- jobs ------------------------------------------------------------------------------------

    def _jobs(self) -> None:
        """Job starts around each exit: within the 28 days (3-26 days after it), on the exit day, just after
        the window, during the course (some ended before the exit), before the entry; long jobs that span
        the second and fourth quarters after the exit, some with a change of employer between them."""
        rng = self.rng
        kinds = ("within_28", "exit_day", "after_28", "during", "during_ended", "before", "long", "switch")
        first_kinds = list(kinds)  # each kind at least once, then at random
        for stay in list(self.stays.values()):
            if stay.exited_on is None:
                if rng.random() < 0.3:
                    self._job(stay.trainee_id, self.day(stay.enrolled_on, self.today), "open_course")
                continue
            chosen = [first_kinds.pop()] if first_kinds and stay.exited_on > stay.enrolled_on else []
            chosen += rng.choices(kinds, weights=(30, 5, 12, 12, 8, 5, 18, 10),
                                  k=rng.choices((0, 1, 2), weights=(35, 45, 20))[0])
            for kind in chosen:
                exit_day = stay.exited_on
                if kind == "within_28":
                    self._job(stay.trainee_id, exit_day + timedelta(days=rng.randint(3, 26)), kind)
                elif kind == "exit_day":
                    self._job(stay.trainee_id, exit_day + timedelta(days=28 * rng.randint(0, 1)), kind)
                elif kind == "after_28":
                    self._job(stay.trainee_id, exit_day + timedelta(days=rng.randint(29, 80)), kind)
                elif kind == "during":
                    self._job(stay.trainee_id, self.day(stay.enrolled_on, exit_day), kind)
                elif kind == "during_ended":
                    started = self.day(stay.enrolled_on, exit_day - timedelta(days=1))
                    self._job(stay.trainee_id, started, kind,
                              ended_on=self.day(started, exit_day - timedelta(days=1)))
                elif kind == "before":
                    self._job(stay.trainee_id, stay.enrolled_on - timedelta(days=rng.randint(5, 90)), kind)
                elif kind == "long":
                    started = exit_day + timedelta(days=rng.randint(0, 120))
                    ended = started + timedelta(days=rng.randint(200, 500)) if rng.random() < 0.5 else None
                    self._job(stay.trainee_id, started, kind, ended_on=ended)
                else:  # one employer for a while, then another (or the same again)
                    started = exit_day + timedelta(days=rng.randint(0, 60))
                    first_end = started + timedelta(days=rng.randint(120, 250))
                    employer = self._job(stay.trainee_id, started, kind, ended_on=first_end)
                    self._job(stay.trainee_id, first_end + timedelta(days=rng.randint(1, 30)), kind,
                              employer=employer if rng.random() < 0.3 else None)

    def _job(self, trainee_id: str, started_on: date, kind: str, *, ended_on: date | None = None,
             employer: str | None = None) -> str | None:
        rng = self.rng
        if started_on > self.today:
            return None
        currency = rng.choices(tuple(WAGES), weights=(70, 20, 10))[0]
        low, high = WAGES[currency]
        employer = employer or rng.choice(self.employers)
        hours = rng.choice((15, 20, 30, 40, 40, 45))
        created = self.post("/placements", {
            "trainee_id": trainee_id, "employer_id": employer, "started_on": started_on.isoformat(),
            "wage_monthly": str(Decimal(rng.randint(low, high) * 50)), "currency": currency, "hours_per_week": hours,
            "contract_type": rng.choice(CONTRACTS), "formal": rng.random() < 0.6})
        self.count(f"job_{kind}")
        if hours < 30:
            self.count("part_time")
        if currency != "TRY":
            self.count(f"currency_{currency}")
        if ended_on is not None and ended_on <= self.today:
            self.post(f"/placements/{created['id']}/end", {"ended_on": ended_on.isoformat(), "reason": "resigned"},
                      status=200)
        return employer

    # -- later edits of people and corrections of closed participations ------------------------------

    def _edits_and_corrections(self) -> None:
        rng = self.rng
        enrolled = [p for p in self.people.values() if p.enrolled]
        for person in rng.sample(enrolled, 10):
            # Every value changes, so that each reaches the open participations (an unchanged one need not).
            groups = person.groups
            while groups == person.groups:
                groups = sorted(rng.sample(GROUPS, rng.choice((0, 1, 2))))
            change = {"education_level": rng.choice([e for e in EDUCATION if e != person.education_level]),
                      "settlement_type": "rural" if person.settlement_type == "urban" else "urban",
                      "vulnerable_groups": groups,
                      "labour_status": rng.choice([s for s in LABOUR if s != person.labour_status]),
                      "citizenship": rng.choice([c for c in CITIZENSHIPS if c not in (None, person.citizenship)])}
            self.patch(f"/trainees/{person.id}", change)
            self.count("person_edited")
            person.education_level, person.settlement_type = change["education_level"], change["settlement_type"]
            person.groups, person.labour_status = change["vulnerable_groups"], change["labour_status"]
            person.citizenship = change["citizenship"]
            for stay in self.stays.values():  # open participations follow the person; closed ones keep theirs
                if stay.trainee_id == person.id and stay.exited_on is None:
                    stay.at_entry.update({"labour_status": person.labour_status,
                                          "education_level": person.education_level,
                                          "settlement_type": person.settlement_type,
                                          "vulnerable_groups": person.groups, "citizenship": person.citizenship})
                    self.count("open_stay_followed_edit")
        closed = [stay for stay in self.stays.values() if stay.exited_on is not None]
        for stay in rng.sample(closed, 8):
            options = [{"labour_status": "long_term_unemployed", "citizenship": "SY"},
                       {"vulnerable_groups": sorted({*stay.at_entry["vulnerable_groups"], "housing_exclusion"})},
                       {"age": stay.at_entry["age"] + 1, "education_level": "tertiary"},
                       {"labour_status": "employed", "settlement_type": "rural"}]
            # A correction that changes nothing is refused (design 14 A): each changes something.
            correction = rng.choice([option for option in options
                                     if any(stay.at_entry[name] != value for name, value in option.items())])
            self.post(f"/enrolments/{stay.id}/correct-entry", {**correction, "reason": CORRECTION_REASON}, status=200)
            stay.at_entry.update(correction)
            self.count("entry_correction")

    # -- referrals (the funnel) --------------------------------------------------------------------

    def _referrals(self) -> None:
        rng = self.rng
        enrolled = [p for p in self.people.values() if p.enrolled]
        for person in rng.sample(enrolled, 22):
            vacancy = rng.choice(self.vacancies)
            referral = self.post(f"/vacancies/{vacancy['id']}/referrals", {"trainee_id": person.id})
            path = rng.choice(("referred", "withdrawn", "interviewing", "interview_rejected", "interview_hired",
                               "hired_directly"))
            self.count(f"referral_{path}")
            if path == "withdrawn":
                self.post(f"/referrals/{referral['id']}/withdraw", {}, status=200)
            if path.startswith("interview"):
                self.post(f"/referrals/{referral['id']}/interview", {}, status=200)
            if path == "interview_rejected":
                self.post(f"/referrals/{referral['id']}/reject", {}, status=200)
            if path.endswith("hired") or path == "hired_directly":
                started = self.today - timedelta(days=rng.randint(0, 200))
                self.post(f"/referrals/{referral['id']}/hire", {
                    "started_on": started.isoformat(), "wage_monthly": "31000.00", "currency": "TRY",
                    "hours_per_week": rng.choice((20, 40)), "contract_type": "permanent",
                    "formal": rng.random() < 0.8}, status=200)

    # -- follow-ups ------------------------------------------------------------------------------

    def _follow_ups(self) -> None:
        """What the caseworkers did with the checkpoints the consumer did not resolve from a placement:
        recorded in the window, recorded late (after the window, observed inside it), unreachable,
        or nothing (missing: overdue once the window has passed)."""
        rng = self.rng
        for item in self.listed("/follow-ups"):
            due_on = date.fromisoformat(item["due_on"])
            if item["status"] in ("recorded", "unreachable") or due_on > self.today:
                continue
            window_end = due_on + timedelta(days=WINDOW_DAYS[item["checkpoint"]])
            action = rng.choices(("record", "unreachable", "leave"), weights=(60, 15, 25))[0]
            self.count(f"follow_up_{action}")
            if action == "leave":
                continue
            # The day the status refers to lies in the window (required once it has closed).
            observed_on = self.day(due_on, min(window_end, self.today))
            if action == "unreachable":
                self.post(f"/follow-ups/{item['id']}",
                          {"status": "unreachable", "observed_on": observed_on.isoformat()}, status=200)
                continue
            employment = rng.choices(EMPLOYMENT, weights=(35, 10, 25, 10, 10, 10))[0]
            body = {"status": "recorded", "employment_status": employment, "observed_on": observed_on.isoformat()}
            if employment in ("employed", "self_employed") and rng.random() < 0.6:
                currency = rng.choice(("TRY", "TRY", "EUR"))
                low, high = WAGES[currency]
                body.update(wage_monthly=str(Decimal(rng.randint(low, high) * 50)), currency=currency)
            self.count("follow_up_late" if self.today > window_end else "follow_up_in_window")
            self.post(f"/follow-ups/{item['id']}", body, status=200)
