"""The employer side of the demo, planned without a database: employers, vacancies,
referrals with their steps, hires, placements recorded directly, and ends of jobs.

The history is simulated from the seed over the programme's whole life, as if every day
were past, then cut at `today`: what lies after today has not happened yet (a referral
decided later is still open, a job that ends later goes on, a later vacancy is not posted).
So what happened by a day never depends on the day of loading, as with the trainees. Only
the few vacancies posted in the last weeks before `today` (to whoever looks for work then)
depend on it: they keep referrals in progress, whatever the day.

The plan follows the rules the service enforces: referrals only to open vacancies, no
more hires than positions, one thing at a time per person (a referral, or a job), jobs
started on or before today and ended after they started. A vacancy whose positions are
all taken is marked filled on the day of its last hire, as its employer would: the
outcomes consumer fills vacancies from `placement.started` events only once workers run,
counting the jobs still going on then, and some of the demo's jobs have ended by today.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.tr import vkn

from service.demo import data
from service.demo.generate import PlannedEnrolment, PlannedTrainee, Programme
from service.domain.enrolments import COMPLETED

#: Kinds of action, in the order the actions of one day happen.
POST, REFER, INTERVIEW, HIRE, FILL, PLACE, REJECT, WITHDRAW, END, CLOSE = (
    "post", "refer", "interview", "hire", "fill", "place", "reject", "withdraw", "end", "close")
KINDS = (POST, REFER, INTERVIEW, HIRE, FILL, PLACE, REJECT, WITHDRAW, END, CLOSE)
#: The steps an employer user takes on its own employer's records; the caseworker takes the rest.
EMPLOYER_STEPS = frozenset({POST, INTERVIEW, HIRE, FILL, REJECT, END, CLOSE})

#: Caseworkers refer people from two weeks before their course ends to a year after it.
REFER_BEFORE_EXIT_DAYS = 14
SEEKING_DAYS = 365
#: Vacancies posted a month per demo trainee (at least one a month).
POSTINGS_PER_TRAINEE = 1 / 120
#: Every job lasts longer than the hiring of its vacancy, so an early end never reopens it.
MIN_JOB_DAYS = 45
#: Completers who find a job on their own, and drop-outs who left for a job, whose job
#: the caseworker records directly (a placement without a referral).
SELF_FOUND_SHARE = 0.04
LEFT_FOR_JOB_SHARE = 0.4
#: Vacancies posted in the weeks before today; enrolled trainees this far into a course
#: may be referred to an apprenticeship.
RECENT_VACANCIES = 4
APPRENTICE_AFTER_DAYS = 56
FOREVER = date.max

#: contract type -> (share of jobs that end, range of days they last)
JOB_ENDS = {"permanent": (0.25, (MIN_JOB_DAYS, 420)), "fixed_term": (0.6, (150, 365)),
            "seasonal": (0.9, (60, 150)), "apprenticeship": (0.5, (90, 270))}


@dataclass(frozen=True)
class Action:
    """One write, on its day: `target` indexes the vacancies (post, fill, close), the referrals
    (refer, interview, hire, reject, withdraw) or the placements (place, end)."""

    on: date
    kind: str
    target: int
    body: dict | None = None


@dataclass(eq=False)  # compared by identity
class PlannedVacancy:
    employer: int  # index into `employers`
    body: dict  # a POST /vacancies body without employer_id
    posted_on: date
    close_on: date | None = None  # when it closes unfilled
    filled_on: date | None = None


@dataclass(eq=False)  # compared by identity
class PlannedReferral:
    vacancy: int
    trainee: int  # index into the planned trainees
    body: dict  # a POST /vacancies/{id}/referrals body without trainee_id
    referred_on: date
    interviewed_on: date | None = None
    decided_on: date | None = None
    outcome: str | None = None  # HIRE, REJECT or WITHDRAW
    placement: int | None = None


@dataclass(eq=False)  # compared by identity
class PlannedPlacement:
    trainee: int
    employer: int
    vacancy: int | None
    referral: int | None
    terms: dict  # work terms: the body of POST /referrals/{id}/hire, or of POST /placements less its ids
    ended_on: date | None = None
    end_reason: str | None = None

    @property
    def started_on(self) -> date:
        return date.fromisoformat(self.terms["started_on"])


@dataclass
class EmployerSide:
    employers: list[dict]  # POST /employers bodies
    vacancies: list[PlannedVacancy]
    referrals: list[PlannedReferral]
    placements: list[PlannedPlacement]
    actions: list[Action]  # in the order they happen, none after today
    employer_user: int  # the employer of the demo employer user: the one with the most referrals


@dataclass(frozen=True)
class _Course:
    occupation: str
    enrolled_on: date
    exited_on: date
    status: str
    reason: str | None


def plan(people: list[PlannedTrainee], seed: int, today: date, programme: Programme = data) -> EmployerSide:
    employers = employer_bodies(programme)
    world = _World(programme, random.Random(f"employers:{seed}"),
                   [[_course(programme, e) for e in person.history] for person in people])
    world.simulate()
    side = world.as_of(today)
    _add_recent_vacancies(random.Random(f"recent:{seed}:{today.isoformat()}"), world, side, today)
    side.actions = _actions(side, today)
    per_employer = [0] * len(employers)
    for referral in side.referrals:
        per_employer[side.vacancies[referral.vacancy].employer] += 1
    side.employers = employers
    side.employer_user = per_employer.index(max(per_employer))  # the first employer when nobody is referred
    return side


def employer_bodies(programme: Programme = data) -> list[dict]:
    """POST /employers bodies; each tax number is derived from the name, so it never changes (a programme's
    `tax_number` hook gives its country's; İzmir's is a checksum-valid VKN)."""
    tax_number = getattr(programme, "tax_number", _vkn)
    return [{"name": employer["name"], "tax_number": tax_number(random.Random(f"vkn:{employer['name']}"), employer),
             "sector": employer["sector"], "district": employer["district"]} for employer in programme.EMPLOYERS]


def _vkn(rng: random.Random, employer: dict) -> str:
    base = f"{rng.randint(1, 9)}{rng.randrange(10 ** 8):08d}"
    return base + vkn.calc_check_digit(base)


class _World:
    """The simulation: opportunities (postings, jobs found without a referral) in date order."""

    def __init__(self, programme: Programme, rng: random.Random, courses: list[list[_Course]],
                 free_from: list[date] | None = None):
        self.programme = programme
        self.rng = rng
        self.courses = courses  # each trainee's, in the order taken
        self.free_from = free_from or [date.min] * len(courses)  # when each is free for a referral or a job
        self.vacancies: list[PlannedVacancy] = []
        self.referrals: list[PlannedReferral] = []
        self.placements: list[PlannedPlacement] = []

    def simulate(self) -> None:
        rng = self.rng
        exits = [c.exited_on for courses in self.courses for c in courses]
        if not exits:
            return
        opportunities = []  # (day, order drawn, what, payload)
        per_month = max(1.0, len(self.courses) * POSTINGS_PER_TRAINEE)
        trials = max(4, math.ceil(2 * per_month))
        month = (min(exits) - timedelta(days=REFER_BEFORE_EXIT_DAYS)).replace(day=1)
        last = max(exits) + timedelta(days=SEEKING_DAYS)
        while month <= last:
            for _ in range(sum(rng.random() < per_month / trials for _ in range(trials))):
                opportunities.append((month + timedelta(days=rng.randint(0, 27)), len(opportunities), "post", None))
            month = (month + timedelta(days=32)).replace(day=1)
        for trainee, courses in enumerate(self.courses):
            for course in courses:
                if course.status == COMPLETED and rng.random() < SELF_FOUND_SHARE:
                    day = course.exited_on + timedelta(days=rng.randint(21, 200))
                    opportunities.append((day, len(opportunities), "self_found", (trainee, course)))
                elif course.reason == "found_job" and rng.random() < LEFT_FOR_JOB_SHARE:
                    day = course.exited_on + timedelta(days=rng.randint(0, 7))
                    opportunities.append((day, len(opportunities), "left_for_job", (trainee, course)))
        for day, _, what, payload in sorted(opportunities, key=lambda o: o[:2]):
            if what == "post":
                self._post(day)
            else:
                self._job_found(day, *payload, left_course=what == "left_for_job")

    # --- vacancies and their referrals ---

    def _post(self, posted_on: date) -> None:
        rng = self.rng
        referred_on = posted_on + timedelta(days=rng.randint(1, 7))
        pool = _seekers(self.courses, self.free_from, referred_on)
        if not pool:
            return
        occupation = _weighted_key(rng, {o: len(ts) for o, ts in pool.items()})
        vacancy = self._vacancy(occupation, posted_on, closes_on=posted_on + timedelta(days=rng.randint(35, 70)))
        positions = vacancy.body["positions"]
        chosen = rng.sample(pool[occupation], min(len(pool[occupation]), rng.randint(1, positions + 2)))
        decisions = []
        for trainee in chosen:
            referral = self._refer(vacancy, trainee, referred_on)
            step_on = referred_on
            if rng.random() < 0.7:
                step_on = referral.interviewed_on = referred_on + timedelta(days=rng.randint(3, 12))
                outcome = rng.choices((HIRE, REJECT, WITHDRAW), weights=(55, 33, 12))[0]
            else:  # hired on the papers, turned down on them, or the person lost interest
                outcome = rng.choices((HIRE, REJECT, WITHDRAW), weights=(20, 50, 30))[0]
            decisions.append((step_on + timedelta(days=rng.randint(3, 14)), referral, outcome))
        hired = 0
        for decided_on, referral, outcome in sorted(decisions, key=lambda d: d[0]):  # sort is stable
            if outcome == HIRE and hired == positions:
                outcome = REJECT  # the positions are taken
            referral.decided_on, referral.outcome = decided_on, outcome
            if outcome == HIRE:
                hired += 1
                self._hire(referral, decided_on)
                if hired == positions:
                    vacancy.filled_on = decided_on
            else:
                self.free_from[referral.trainee] = decided_on + timedelta(days=1)
        if vacancy.filled_on is None:
            vacancy.close_on = date.fromisoformat(vacancy.body["closes_on"])

    def _vacancy(self, occupation: str, posted_on: date, *, closes_on: date,
                 contract_type: str | None = None) -> PlannedVacancy:
        programme = self.programme
        rng, trade = self.rng, programme.OCCUPATIONS[occupation]
        employer = _employer_for(programme, rng, occupation)
        contract_type = contract_type or _weighted_key(rng, trade["contracts"])
        low, high = programme.APPRENTICE_WAGE if contract_type == "apprenticeship" else trade["wage"]
        title = rng.choice(trade["titles"])
        if contract_type == "apprenticeship":  # e.g. İŞKUR's on-the-job training programme
            title += programme.APPRENTICESHIP_TITLE
        vacancy = PlannedVacancy(employer=employer, posted_on=posted_on, body={
            "title": title,
            "occupation": occupation,
            "positions": rng.choices((1, 2, 3), weights=(55, 30, 15))[0],
            "wage_monthly": _amount(_round_to(rng.randint(low, high), 250)),
            "currency": programme.CURRENCY,
            "contract_type": contract_type,
            "district": programme.EMPLOYERS[employer]["district"],
            "closes_on": closes_on.isoformat(),
        })
        self.vacancies.append(vacancy)
        return vacancy

    def _refer(self, vacancy: PlannedVacancy, trainee: int, referred_on: date) -> PlannedReferral:
        referral = PlannedReferral(vacancy=self.vacancies.index(vacancy), trainee=trainee, referred_on=referred_on,
                                   body={"note": _weighted_key(self.rng, self.programme.REFERRAL_NOTES)})
        self.referrals.append(referral)
        self.free_from[trainee] = FOREVER  # until the referral is decided
        return referral

    def _hire(self, referral: PlannedReferral, started_on: date) -> None:
        rng = self.rng
        vacancy = self.vacancies[referral.vacancy]
        contract_type = vacancy.body["contract_type"]
        wage = int(float(vacancy.body["wage_monthly"]))
        if rng.random() < 0.2:
            wage += rng.choice(getattr(self.programme, "RAISES", (500, 1000, 1500)))  # negotiated up
        hours = 40 if contract_type == "apprenticeship" else self.programme.OCCUPATIONS[vacancy.body["occupation"]][
            "hours"]
        if contract_type != "seasonal" and rng.random() < 0.1:  # part time, paid pro rata
            wage, hours = _round_to(wage * 30 // hours, 250), 30
        formal = rng.random() < (0.65 if contract_type == "seasonal" else 0.92)
        referral.placement = self._place(referral.trainee, vacancy.employer, referral.vacancy, self.referrals.index(
            referral), _terms(self.programme, started_on, wage, hours, contract_type, formal))

    # --- jobs found without a referral ---

    def _job_found(self, day: date, trainee: int, course: _Course, *, left_course: bool) -> None:
        rng = self.rng
        if left_course:
            if self.free_from[trainee] > day or any(c.enrolled_on > day for c in self.courses[trainee]):
                return
            occupation = course.occupation
        else:
            occupation = _seeking(self.courses[trainee], self.free_from[trainee], day)
            if occupation is None:
                return
        programme = self.programme
        trade = programme.OCCUPATIONS[occupation]
        formal = rng.random() < 0.5
        if formal:
            contracts = {k: w for k, w in trade["contracts"].items() if k != "apprenticeship"}
            contract_type = _weighted_key(rng, contracts)
            wage, hours = _round_to(rng.randint(*trade["wage"]), 250), trade["hours"]
        else:  # cash in hand: no contract worth the name, low pay, long hours
            contract_type = "seasonal" if "seasonal" in trade["contracts"] else "fixed_term"
            wage, hours = _round_to(rng.randint(*programme.INFORMAL_WAGE), 500), rng.choice((45, 50, 55))
        self._place(trainee, _employer_for(programme, rng, occupation), None, None,
                    _terms(programme, day, wage, hours, contract_type, formal))

    def _place(self, trainee: int, employer: int, vacancy: int | None, referral: int | None,
               terms: dict) -> int:
        rng = self.rng
        placement = PlannedPlacement(trainee=trainee, employer=employer, vacancy=vacancy, referral=referral,
                                     terms=terms)
        share, (shortest, longest) = JOB_ENDS[terms["contract_type"]]
        self.free_from[trainee] = FOREVER
        if rng.random() < share:
            placement.ended_on = placement.started_on + timedelta(days=rng.randint(shortest, longest))
            placement.end_reason = _weighted_key(rng, self.programme.END_REASONS[terms["contract_type"]])
            self.free_from[trainee] = placement.ended_on + timedelta(days=1)
        self.placements.append(placement)
        return len(self.placements) - 1

    # --- the cut ---

    def as_of(self, today: date) -> EmployerSide:
        """What had happened by `today`: the records begun by then, their later steps left out."""
        vacancies = {i: v for i, v in enumerate(self.vacancies) if v.posted_on <= today}
        referrals = {i: r for i, r in enumerate(self.referrals) if r.referred_on <= today}
        placements = {i: p for i, p in enumerate(self.placements) if p.started_on <= today}
        v_index = {old: new for new, old in enumerate(vacancies)}
        r_index = {old: new for new, old in enumerate(referrals)}
        p_index = {old: new for new, old in enumerate(placements)}
        side = EmployerSide(employers=[], actions=[], employer_user=0, vacancies=[
            PlannedVacancy(v.employer, v.body, v.posted_on, _by(v.close_on, today), _by(v.filled_on, today))
            for v in vacancies.values()
        ], referrals=[], placements=[])
        for r in referrals.values():
            decided = r.decided_on is not None and r.decided_on <= today
            side.referrals.append(PlannedReferral(
                v_index[r.vacancy], r.trainee, r.body, r.referred_on, _by(r.interviewed_on, today),
                r.decided_on if decided else None, r.outcome if decided else None,
                p_index[r.placement] if decided and r.placement is not None else None))
        for p in placements.values():
            ended = p.ended_on is not None and p.ended_on <= today
            side.placements.append(PlannedPlacement(
                p.trainee, p.employer, None if p.vacancy is None else v_index[p.vacancy],
                None if p.referral is None else r_index[p.referral], p.terms,
                p.ended_on if ended else None, p.end_reason if ended else None))
        return side


def _add_recent_vacancies(rng: random.Random, world: _World, side: EmployerSide, today: date) -> None:
    """A few vacancies of the last weeks, with referrals not yet decided: the work in progress."""
    free_from = [date.min] * len(world.courses)  # as of today
    for referral in side.referrals:
        free_from[referral.trainee] = max(free_from[referral.trainee], FOREVER if referral.decided_on is None
                                          else referral.decided_on + timedelta(days=1))
    for placement in side.placements:
        free_from[placement.trainee] = max(free_from[placement.trainee], FOREVER if placement.ended_on is None
                                           else placement.ended_on + timedelta(days=1))
    recent = _World(world.programme, rng, world.courses, free_from)
    for number in range(RECENT_VACANCIES):
        posted_on = today - timedelta(days=rng.randint(5, 21))
        referred_on = posted_on + timedelta(days=rng.randint(1, 4))
        # The first asks for apprentices among people in a course, when a course is far enough on.
        pool = _apprentices(world.courses, free_from, referred_on) if number == 0 else {}
        contract_type = "apprenticeship" if pool else None
        pool = pool or _seekers(world.courses, free_from, referred_on)
        if not pool:
            continue
        occupation = _weighted_key(rng, {o: len(ts) for o, ts in pool.items()})
        vacancy = recent._vacancy(occupation, posted_on, closes_on=today + timedelta(days=rng.randint(10, 45)),
                                  contract_type=contract_type)
        wanted = rng.randint(1, vacancy.body["positions"] + 1)
        chosen = rng.sample(pool[occupation], min(len(pool[occupation]), wanted))
        for trainee in chosen:
            referral = recent._refer(vacancy, trainee, referred_on)
            interview_on = referred_on + timedelta(days=rng.randint(2, 6))
            if interview_on <= today and rng.random() < 0.4:
                referral.interviewed_on = interview_on
    offset = len(side.vacancies)
    side.vacancies.extend(recent.vacancies)
    for referral in recent.referrals:
        referral.vacancy += offset
        side.referrals.append(referral)


def _actions(side: EmployerSide, today: date) -> list[Action]:
    actions = []
    for i, v in enumerate(side.vacancies):
        actions.append(Action(v.posted_on, POST, i, v.body))
        if v.filled_on is not None:
            actions.append(Action(v.filled_on, FILL, i, {"status": "filled"}))
        if v.close_on is not None:
            actions.append(Action(v.close_on, CLOSE, i, {"status": "closed"}))
    for i, r in enumerate(side.referrals):
        actions.append(Action(r.referred_on, REFER, i, r.body))
        if r.interviewed_on is not None:
            actions.append(Action(r.interviewed_on, INTERVIEW, i))
        if r.outcome == HIRE:
            actions.append(Action(r.decided_on, HIRE, i, side.placements[r.placement].terms))
        elif r.outcome is not None:
            actions.append(Action(r.decided_on, r.outcome, i))
    for i, p in enumerate(side.placements):
        if p.referral is None:
            actions.append(Action(p.started_on, PLACE, i, p.terms))
        if p.ended_on is not None:
            actions.append(Action(p.ended_on, END, i, {"ended_on": p.ended_on.isoformat(), "reason": p.end_reason}))
    assert all(a.on <= today for a in actions)
    return sorted(actions, key=lambda a: (a.on, KINDS.index(a.kind)))  # stable: creation order within a kind


# --- who is looking for work ---

def _course(programme: Programme, enrolment: PlannedEnrolment) -> _Course:
    cohort = next(c for c in programme.COHORTS[enrolment.project] if c["name"] == enrolment.cohort)
    return _Course(cohort["occupation"], enrolment.enrolled_on, enrolment.exited_on, enrolment.status,
                   enrolment.reason)


def _seeking(courses: list[_Course], free_from: date, day: date) -> str | None:
    """The occupation someone looks for work in on `day`: a course completed (or about to
    be) within the year, nothing else going on, no further course ahead."""
    if not courses or free_from > day or any(c.enrolled_on > day for c in courses):
        return None
    latest = courses[-1]
    if latest.status != COMPLETED:
        return None
    if not latest.exited_on - timedelta(days=REFER_BEFORE_EXIT_DAYS) <= day <= latest.exited_on + timedelta(
            days=SEEKING_DAYS):
        return None
    return latest.occupation


def _seekers(courses: list[list[_Course]], free_from: list[date], day: date) -> dict[str, list[int]]:
    pool: dict[str, list[int]] = {}
    for trainee, own in enumerate(courses):
        occupation = _seeking(own, free_from[trainee], day)
        if occupation:
            pool.setdefault(occupation, []).append(trainee)
    return pool


def _apprentices(courses: list[list[_Course]], free_from: list[date], day: date) -> dict[str, list[int]]:
    """People well into a course they will complete, free to start an apprenticeship on `day`."""
    pool: dict[str, list[int]] = {}
    for trainee, own in enumerate(courses):
        if not own or free_from[trainee] > day or any(c.enrolled_on > day for c in own):
            continue
        latest = own[-1]
        if (latest.status == COMPLETED and latest.enrolled_on + timedelta(days=APPRENTICE_AFTER_DAYS) <= day
                < latest.exited_on - timedelta(days=REFER_BEFORE_EXIT_DAYS)):
            pool.setdefault(latest.occupation, []).append(trainee)
    return pool


# --- small helpers ---

def _employer_for(programme: Programme, rng: random.Random, occupation: str) -> int:
    weights = [e["hires"].get(occupation, 0) for e in programme.EMPLOYERS]
    return rng.choices(range(len(programme.EMPLOYERS)), weights=weights)[0]


def _weighted_key(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _terms(programme: Programme, started_on: date, wage: int, hours: int, contract_type: str, formal: bool) -> dict:
    return {"started_on": started_on.isoformat(), "wage_monthly": _amount(wage), "currency": programme.CURRENCY,
            "hours_per_week": hours, "contract_type": contract_type, "formal": formal}


def _round_to(value: int, step: int) -> int:
    return int(round(value / step)) * step


def _amount(value: int) -> str:
    return f"{value}.00"


def _by(day: date | None, today: date) -> date | None:
    return day if day is not None and day <= today else None
