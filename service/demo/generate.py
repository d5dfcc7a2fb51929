"""Invented trainees and the enrolment history of each, planned without a database.

The same seed gives the same people and histories; `today` only decides how far each
history has got (an exit after today has not happened yet, so the enrolment is open).
The cohorts hold about 450 places: beyond them people wait, registered but not enrolled.

What issue 14 added (sexes beyond female and male, citizenship, housing exclusion, people who
come back to the project they dropped out of) is drawn from a stream of its own, so that the
people drawn before it stay who they were.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum.tr import tckimlik

from service.demo import data
from service.domain.enrolments import COMPLETED, DROPPED_OUT, ENROLLED
from service.domain.people import EDUCATION_LEVELS, MINIMUM_ENROLMENT_AGE, age_on

#: People register up to two weeks before their course starts.
EARLY_ENROLMENT_DAYS = 14
SECOND_COURSE_SHARE = 0.2
QUALIFICATION_SHARE = 0.85
#: Outside the women-only project: a few say they are non-binary, some do not say.
NON_BINARY_SHARE, UNDISCLOSED_SHARE = 0.015, 0.04
#: Citizenship: refugees in İzmir are mostly Syrians under temporary protection; other migrants
#: come from the neighbourhood; a few people's citizenship was not asked.
REFUGEE_CITIZENSHIPS = {"SY": 80, "AF": 12, "IQ": 8}
MIGRANT_CITIZENSHIPS = {"AZ": 30, "AF": 20, "IR": 20, "UA": 15, "DE": 10, "BG": 5}
UNKNOWN_CITIZENSHIP_SHARE = 0.04
#: Homeless or affected by housing exclusion (ESF+), more often among refugees and Roma.
HOUSING_EXCLUSION_SHARE = {"refugee": 0.15, "roma": 0.08, None: 0.015}
#: Who drops out for these reasons comes back to the project's next intake this often.
REENTRY_REASONS = ("family_care", "health", "lost_contact", "other")
REENTRY_SHARE = 0.35
_ASCII = str.maketrans("İıŞşĞğÇçÖöÜü", "IiSsGgCcOoUu")


@dataclass(frozen=True)
class PlannedEnrolment:
    project: str
    cohort: str
    enrolled_on: date
    status: str
    exited_on: date | None = None
    qualification_gained: bool = False
    reason: str | None = None


@dataclass
class PlannedTrainee:
    body: dict  # a POST /trainees body
    enrolments: list[PlannedEnrolment] = field(default_factory=list)
    #: The whole planned history, as if every exit were past (`enrolments` is it as of today);
    #: the employer side plans from it, so that what happened by a day never depends on `today`.
    history: list[PlannedEnrolment] = field(default_factory=list)


@dataclass
class _Cohort:
    project: str
    name: str
    occupation: str
    starts_on: date
    ends_on: date
    capacity: int
    district: str
    taken: int = 0


def plan(count: int, seed: int, today: date) -> list[PlannedTrainee]:
    rng = random.Random(seed)
    cohorts = {code: [_Cohort(code, c["name"], c["occupation"], date.fromisoformat(c["starts_on"]),
                              date.fromisoformat(c["ends_on"]), c["capacity"], c["district"])
                      for c in bodies]
               for code, bodies in data.COHORTS.items()}
    used_ids: set[str] = set()
    more = random.Random(f"participation:{seed}")
    return [_person(rng, more, cohorts, used_ids, today) for _ in range(count)]


def _person(rng: random.Random, more: random.Random, cohorts: dict[str, list[_Cohort]], used_ids: set[str],
            today: date) -> PlannedTrainee:
    code = rng.choices(list(data.PROFILES), weights=[p["weight"] for p in data.PROFILES.values()])[0]
    profile = data.PROFILES[code]
    cohort = _free_cohort(rng, cohorts[code])
    # Without a free place the person waits for the next intake, registered but not enrolled.
    reference = _enrolment_date(rng, cohort) if cohort else _project_start(code)
    female = rng.random() < profile["female"]
    low, high = rng.choices(list(profile["ages"]), weights=list(profile["ages"].values()))[0]
    age = rng.randint(low, high)
    birth_date = _years_before(reference, age) - timedelta(days=rng.randint(0, 364))
    rural = rng.random() < profile["rural"]
    roma = rng.random() < profile["roma"]
    education = _education(rng, age, roma=roma, rural=rural, occupation=cohort.occupation if cohort else None)
    labour_status = _labour_status(rng, age, female=female)
    given = rng.choice(data.FEMALE_NAMES if female else data.MALE_NAMES)
    family = rng.choice(data.FAMILY_NAMES)
    person = PlannedTrainee(body={
        "given_name": given,
        "family_name": family,
        "national_id": _national_id(rng, used_ids),
        "sex": "female" if female else "male",
        "birth_date": birth_date.isoformat(),
        "phone": _phone(rng) if rng.random() < 0.9 else None,
        "email": f"{given}.{family}{rng.randint(1, 99)}@example.com".translate(_ASCII).lower()
        if rng.random() < 0.5 else None,
        "district": _district(rng, rural, cohort),
        "settlement_type": "rural" if rural else "urban",
        "education_level": education,
        "labour_status": labour_status,
        "vulnerable_groups": _vulnerable_groups(rng, age, female=female, roma=roma, labour_status=labour_status),
        "consent": True,
    })
    _participation_facts(more, person.body, women_only=data.PROFILES[code]["admits"].get("sex") == "female")
    if cohort is None:
        return person
    first = _history(rng, code, cohort, reference)
    person.enrolments.append(first)
    wants_another = rng.random() < SECOND_COURSE_SHARE
    if first.status == DROPPED_OUT and first.reason in REENTRY_REASONS and more.random() < REENTRY_SHARE:
        again = _next_intake(cohorts[code], person.body, birth_date, after=first.exited_on)
        if again:  # one participant in the project, twice enrolled
            person.enrolments.append(_history(more, code, again, _enrolment_date(more, again)))
            wants_another = False
    if wants_another:
        second_cohort = _second_cohort(rng, person.body, birth_date, after=first.exited_on, cohorts=cohorts,
                                       exclude=code)
        if second_cohort:
            person.enrolments.append(_history(rng, second_cohort.project, second_cohort,
                                              _enrolment_date(rng, second_cohort)))
    # Only now does `today` count, so the random draws (and the people) never depend on it.
    person.history = list(person.enrolments)
    person.enrolments = [_as_of(e, today) for e in person.history if e.enrolled_on <= today]
    return person


def _participation_facts(rng: random.Random, body: dict, *, women_only: bool) -> None:
    """Sex beyond female and male, citizenship and housing exclusion, drawn from their own stream."""
    if not women_only:
        draw = rng.random()
        if draw < NON_BINARY_SHARE:
            body["sex"] = "non_binary"
        elif draw < NON_BINARY_SHARE + UNDISCLOSED_SHARE:
            body["sex"] = "undisclosed"
    groups = body["vulnerable_groups"]
    if "refugee" in groups:
        body["citizenship"] = _weighted(rng, REFUGEE_CITIZENSHIPS)
    elif "migrant" in groups:
        body["citizenship"] = _weighted(rng, MIGRANT_CITIZENSHIPS)
    else:
        body["citizenship"] = None if rng.random() < UNKNOWN_CITIZENSHIP_SHARE else "TR"
    likely = next((group for group in ("refugee", "roma") if group in groups), None)
    if rng.random() < HOUSING_EXCLUSION_SHARE[likely]:
        body["vulnerable_groups"] = sorted({*groups, "housing_exclusion"})


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _next_intake(cohorts: list[_Cohort], body: dict, birth_date: date, *, after: date) -> _Cohort | None:
    """The project's first cohort that starts (early enrolment included) after `after` and takes this person."""
    code = cohorts[0].project
    candidates = [c for c in cohorts if c.starts_on - timedelta(days=EARLY_ENROLMENT_DAYS) > after
                  and c.taken < c.capacity and _meets_entry(body["education_level"], c.occupation)
                  and _admits(data.PROFILES[code]["admits"], body, birth_date, c)]
    if not candidates:
        return None
    cohort = min(candidates, key=lambda c: (c.starts_on, c.name))
    cohort.taken += 1
    return cohort


def _free_cohort(rng: random.Random, cohorts: list[_Cohort]) -> _Cohort | None:
    free = [c for c in cohorts if c.taken < c.capacity]
    if not free:
        return None
    cohort = rng.choice(free)
    cohort.taken += 1  # counted even if it lies after `today`, to keep the draws independent of it
    return cohort


def _project_start(code: str) -> date:
    return next(date.fromisoformat(p["starts_on"]) for p in data.PROJECTS if p["code"] == code)


def _enrolment_date(rng: random.Random, cohort: _Cohort) -> date:
    early = cohort.starts_on - timedelta(days=rng.randint(0, EARLY_ENROLMENT_DAYS))
    return max(early, _project_start(cohort.project))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _history(rng: random.Random, code: str, cohort: _Cohort, enrolled_on: date) -> PlannedEnrolment:
    """The whole planned course, completed or dropped out, as if every exit were past."""
    if rng.random() < data.PROFILES[code]["completion"]:
        return PlannedEnrolment(code, cohort.name, enrolled_on, COMPLETED, exited_on=cohort.ends_on,
                                qualification_gained=rng.random() < QUALIFICATION_SHARE)
    days = (cohort.ends_on - enrolled_on).days
    reason = rng.choices(list(data.DROP_OUT_REASONS), weights=list(data.DROP_OUT_REASONS.values()))[0]
    return PlannedEnrolment(code, cohort.name, enrolled_on, DROPPED_OUT,
                            exited_on=enrolled_on + timedelta(days=rng.randint(7, days - 7)), reason=reason)


def _as_of(enrolment: PlannedEnrolment, today: date) -> PlannedEnrolment:
    if enrolment.exited_on <= today:
        return enrolment
    return PlannedEnrolment(enrolment.project, enrolment.cohort, enrolment.enrolled_on, ENROLLED)


def _second_cohort(rng: random.Random, body: dict, birth_date: date, *, after: date,
                   cohorts: dict[str, list[_Cohort]], exclude: str) -> _Cohort | None:
    """A later course in another project that admits this person, if one has a place."""
    candidates = [
        c for code, project_cohorts in cohorts.items() if code != exclude for c in project_cohorts
        if c.starts_on > after and c.taken < c.capacity and _meets_entry(body["education_level"], c.occupation)
        and _admits(data.PROFILES[code]["admits"], body, birth_date, c)]
    if not candidates:
        return None
    cohort = rng.choice(candidates)
    cohort.taken += 1
    return cohort


def _admits(rule: dict, body: dict, birth_date: date, cohort: _Cohort) -> bool:
    # Whichever day of the early-enrolment window the person enrols on.
    youngest = age_on(birth_date, cohort.starts_on - timedelta(days=EARLY_ENROLMENT_DAYS))
    oldest = age_on(birth_date, cohort.starts_on)
    return (youngest >= MINIMUM_ENROLMENT_AGE and oldest <= rule.get("max_age", oldest)
            and body["sex"] == rule.get("sex", body["sex"])
            and body["settlement_type"] == rule.get("settlement_type", body["settlement_type"])
            and ("vulnerable_group" not in rule or rule["vulnerable_group"] in body["vulnerable_groups"]))


def _meets_entry(education: str, occupation: str | None) -> bool:
    """EDUCATION_LEVELS runs from the least schooling to the most."""
    floor = data.ENTRY_EDUCATION.get(occupation, EDUCATION_LEVELS[0])
    return EDUCATION_LEVELS.index(education) >= EDUCATION_LEVELS.index(floor)


def _education(rng: random.Random, age: int, *, roma: bool, rural: bool, occupation: str | None) -> str:
    if age <= 17:
        weights = (15, 75, 10, 0)  # still of school age: no degree yet
    elif roma:
        weights = (45, 35, 18, 2)
    elif rural:
        weights = (35, 30, 28, 7)
    else:
        weights = (12, 23, 45, 20)
    # A course with an entry requirement only takes people who meet it.
    weights = [w if _meets_entry(level, occupation) else 0 for level, w in zip(EDUCATION_LEVELS, weights)]
    return rng.choices(EDUCATION_LEVELS, weights=weights)[0]


def _labour_status(rng: random.Random, age: int, *, female: bool) -> str:
    if age <= 17:
        weights = {"in_education": 55, "inactive": 35, "unemployed": 10}
    else:
        weights = {"unemployed": 40, "long_term_unemployed": 20 if age >= 25 else 10,
                   "inactive": 30 if female else 15, "in_education": 12 if age <= 24 else 2, "employed": 8}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _vulnerable_groups(rng: random.Random, age: int, *, female: bool, roma: bool, labour_status: str) -> list[str]:
    groups = {"roma"} if roma else set()
    # Eurostat's NEET: aged 15-29, neither employed nor in education.
    if age <= 29 and labour_status in ("unemployed", "long_term_unemployed", "inactive"):
        groups.add("neet")
    for group, share in (("disability", 0.05), ("refugee", 0.03), ("migrant", 0.02),
                         ("single_parent", 0.12 if female and age >= 22 else 0.01)):
        if rng.random() < share:
            groups.add(group)
    return sorted(groups)


def _district(rng: random.Random, rural: bool, cohort: _Cohort | None) -> str:
    districts = data.RURAL_DISTRICTS if rural else data.URBAN_DISTRICTS
    # Most people take a course near home.
    if cohort and cohort.district in districts and rng.random() < 0.6:
        return cohort.district
    return rng.choice(districts)


def _phone(rng: random.Random) -> str:
    return f"+90 5{rng.randint(30, 59)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _national_id(rng: random.Random, used: set[str]) -> str:
    """A checksum-valid Turkish identity number, unique within the demo."""
    while True:
        base = f"{rng.randint(1, 9)}{rng.randrange(10 ** 8):08d}"
        if base not in used:
            used.add(base)
            return base + tckimlik.calc_check_digits(base)
