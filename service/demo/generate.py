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
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import ModuleType

from stdnum.tr import tckimlik

from service.demo import data
from service.domain import countries, names
from service.domain.enrolments import COMPLETED, DROPPED_OUT, ENROLLED
from service.domain.people import EDUCATION_LEVELS, MINIMUM_ENROLMENT_AGE, age_on
from service.services import matching

#: A demo's reference data: service.demo.data (İzmir) or a module of service.demo.countries.
Programme = ModuleType

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
    #: Earlier people (by index) the service will offer as likely duplicates, confirmed as others.
    not_duplicate_of: list[int] = field(default_factory=list)
    #: The person (by index) this one is a duplicate registration of: merged into them once loaded.
    merge_into: int | None = None


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


def plan(count: int, seed: int, today: date, programme: Programme = data) -> list[PlannedTrainee]:
    """`programme`: the reference data of one demo (service.demo.data, İzmir, or a country's module in
    service.demo.countries), with the hooks of its people (`identity`, `phone`) where it has them."""
    rng = random.Random(seed)
    cohorts = {code: [_Cohort(code, c["name"], c["occupation"], date.fromisoformat(c["starts_on"]),
                              date.fromisoformat(c["ends_on"]), c["capacity"], c["district"])
                      for c in bodies]
               for code, bodies in programme.COHORTS.items()}
    used_ids: set[str] = set()
    more = random.Random(f"participation:{seed}")
    people = [_person(programme, rng, more, cohorts, used_ids, today, index) for index in range(count)]
    special = getattr(programme, "special_people", None)
    if special is not None:  # the namesake confirmed as someone else, the duplicate to merge
        people += special(random.Random(f"special:{seed}"), people, used_ids)
    _confirm_namesakes(people, programme)
    return people


def _person(programme: Programme, rng: random.Random, more: random.Random, cohorts: dict[str, list[_Cohort]],
            used_ids: set[str], today: date, index: int = 0) -> PlannedTrainee:
    code = rng.choices(list(programme.PROFILES), weights=[p["weight"] for p in programme.PROFILES.values()])[0]
    profile = programme.PROFILES[code]
    cohort = _free_cohort(rng, cohorts[code])
    # Without a free place the person waits for the next intake, registered but not enrolled.
    reference = _enrolment_date(programme, rng, cohort) if cohort else _project_start(programme, code)
    female = rng.random() < profile["female"]
    low, high = rng.choices(list(profile["ages"]), weights=list(profile["ages"].values()))[0]
    age = rng.randint(low, high)
    birth_date = _years_before(reference, age) - timedelta(days=rng.randint(0, 364))
    rural = rng.random() < profile["rural"]
    minority = rng.random() < profile["minority"]
    education = _education(programme, rng, age, minority=minority, rural=rural,
                           occupation=cohort.occupation if cohort else None)
    labour_status = _labour_status(rng, age, female=female)
    identity = getattr(programme, "identity", _turkish_identity)
    who = identity(rng, female=female, project=code, birth_date=birth_date, age=age, used=used_ids,
                   index=index)
    given, family = who.pop("given_name"), who.pop("family_name")
    groups = who.pop("vulnerable_groups", [])
    person = PlannedTrainee(body={
        "given_name": given,
        "family_name": family,
        **who,
        "sex": "female" if female else "male",
        "birth_date": birth_date.isoformat(),
        "phone": getattr(programme, "phone", _phone)(rng) if rng.random() < 0.9 else None,
        "email": f"{_ascii(given)}.{_ascii(family)}{rng.randint(1, 99)}@example.com"
        if rng.random() < 0.5 else None,
        "district": _district(programme, rng, rural, cohort),
        "settlement_type": "rural" if rural else "urban",
        "education_level": education,
        "labour_status": labour_status,
        "vulnerable_groups": sorted({*groups, *_vulnerable_groups(programme, rng, age, female=female,
                                                                  minority=minority, labour_status=labour_status)}),
        "consent": True,
    })
    _participation_facts(more, person.body, women_only=profile["admits"].get("sex") == "female")
    if cohort is None:
        return person
    first = _history(programme, rng, code, cohort, reference)
    person.enrolments.append(first)
    wants_another = rng.random() < SECOND_COURSE_SHARE
    if first.status == DROPPED_OUT and first.reason in REENTRY_REASONS and more.random() < REENTRY_SHARE:
        again = _next_intake(programme, cohorts[code], person.body, birth_date, after=first.exited_on)
        if again:  # one participant in the project, twice enrolled
            person.enrolments.append(_history(programme, more, code, again, _enrolment_date(programme, more, again)))
            wants_another = False
    if wants_another:
        second_cohort = _second_cohort(programme, rng, person.body, birth_date, after=first.exited_on,
                                       cohorts=cohorts, exclude=code)
        if second_cohort:
            person.enrolments.append(_history(programme, rng, second_cohort.project, second_cohort,
                                              _enrolment_date(programme, rng, second_cohort)))
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
    if "citizenship" in body:  # the programme's people said it with their documents
        pass
    elif "refugee" in groups:
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


def _next_intake(programme: Programme, cohorts: list[_Cohort], body: dict, birth_date: date, *,
                 after: date) -> _Cohort | None:
    """The project's first cohort that starts (early enrolment included) after `after` and takes this person."""
    code = cohorts[0].project
    candidates = [c for c in cohorts if c.starts_on - timedelta(days=EARLY_ENROLMENT_DAYS) > after
                  and c.taken < c.capacity
                  and _meets_entry(programme, body["education_level"], c.occupation)
                  and _admits(programme.PROFILES[code]["admits"], body, birth_date, c)]
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


def _project_start(programme: Programme, code: str) -> date:
    return next(date.fromisoformat(p["starts_on"]) for p in programme.PROJECTS if p["code"] == code)


def _enrolment_date(programme: Programme, rng: random.Random, cohort: _Cohort) -> date:
    early = cohort.starts_on - timedelta(days=rng.randint(0, EARLY_ENROLMENT_DAYS))
    return max(early, _project_start(programme, cohort.project))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _history(programme: Programme, rng: random.Random, code: str, cohort: _Cohort,
             enrolled_on: date) -> PlannedEnrolment:
    """The whole planned course, completed or dropped out, as if every exit were past."""
    if rng.random() < programme.PROFILES[code]["completion"]:
        return PlannedEnrolment(code, cohort.name, enrolled_on, COMPLETED, exited_on=cohort.ends_on,
                                qualification_gained=rng.random() < QUALIFICATION_SHARE)
    days = (cohort.ends_on - enrolled_on).days
    reason = rng.choices(list(programme.DROP_OUT_REASONS), weights=list(programme.DROP_OUT_REASONS.values()))[0]
    return PlannedEnrolment(code, cohort.name, enrolled_on, DROPPED_OUT,
                            exited_on=enrolled_on + timedelta(days=rng.randint(7, days - 7)), reason=reason)


def _as_of(enrolment: PlannedEnrolment, today: date) -> PlannedEnrolment:
    if enrolment.exited_on <= today:
        return enrolment
    return PlannedEnrolment(enrolment.project, enrolment.cohort, enrolment.enrolled_on, ENROLLED)


def _second_cohort(programme: Programme, rng: random.Random, body: dict, birth_date: date, *, after: date,
                   cohorts: dict[str, list[_Cohort]], exclude: str) -> _Cohort | None:
    """A later course in another project that admits this person, if one has a place."""
    candidates = [
        c for code, project_cohorts in cohorts.items() if code != exclude for c in project_cohorts
        if c.starts_on > after and c.taken < c.capacity
        and _meets_entry(programme, body["education_level"], c.occupation)
        and _admits(programme.PROFILES[code]["admits"], body, birth_date, c)]
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


def _meets_entry(programme: Programme, education: str, occupation: str | None) -> bool:
    """EDUCATION_LEVELS runs from the least schooling to the most."""
    floor = programme.ENTRY_EDUCATION.get(occupation, EDUCATION_LEVELS[0])
    return EDUCATION_LEVELS.index(education) >= EDUCATION_LEVELS.index(floor)


def _education(programme: Programme, rng: random.Random, age: int, *, minority: bool, rural: bool,
               occupation: str | None) -> str:
    if age <= 17:
        weights = (15, 75, 10, 0)  # still of school age: no degree yet
    elif minority:
        weights = (45, 35, 18, 2)
    elif rural:
        weights = (35, 30, 28, 7)
    else:
        weights = (12, 23, 45, 20)
    # A course with an entry requirement only takes people who meet it.
    weights = [w if _meets_entry(programme, level, occupation) else 0 for level, w in zip(EDUCATION_LEVELS, weights)]
    return rng.choices(EDUCATION_LEVELS, weights=weights)[0]


def _labour_status(rng: random.Random, age: int, *, female: bool) -> str:
    if age <= 17:
        weights = {"in_education": 55, "inactive": 35, "unemployed": 10}
    else:
        weights = {"unemployed": 40, "long_term_unemployed": 20 if age >= 25 else 10,
                   "inactive": 30 if female else 15, "in_education": 12 if age <= 24 else 2, "employed": 8}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _vulnerable_groups(programme: Programme, rng: random.Random, age: int, *, female: bool, minority: bool,
                       labour_status: str) -> list[str]:
    groups = {programme.MINORITY} if minority else set()
    # Eurostat's NEET: aged 15-29, neither employed nor in education.
    if age <= 29 and labour_status in ("unemployed", "long_term_unemployed", "inactive"):
        groups.add("neet")
    for group, share in (*programme.GROUP_SHARES, ("single_parent", 0.12 if female and age >= 22 else 0.01)):
        if rng.random() < share:
            groups.add(group)
    # Only the groups of the country's vocabulary (Guatemala's and Colombia's have no NEET or single parent).
    vocabulary = {group.key for group in countries.profile(programme.ORGANISATION["country"]).groups}
    return sorted(groups & vocabulary)


def _district(programme: Programme, rng: random.Random, rural: bool, cohort: _Cohort | None) -> str:
    districts = programme.RURAL_DISTRICTS if rural else programme.URBAN_DISTRICTS
    # Most people take a course near home.
    if cohort and cohort.district in districts and rng.random() < 0.6:
        return cohort.district
    return rng.choice(districts)


def _phone(rng: random.Random) -> str:
    return f"+90 5{rng.randint(30, 59)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _turkish_identity(rng: random.Random, *, female: bool, used: set[str], **_) -> dict:
    """İzmir's people: Turkish names and a T.C. identity number (the organisation's national id)."""
    return {"given_name": rng.choice(data.FEMALE_NAMES if female else data.MALE_NAMES),
            "family_name": rng.choice(data.FAMILY_NAMES), "national_id": _national_id(rng, used)}


def _ascii(name: str) -> str:
    """A name as an email address spells it: lower case, without accents, spaces or apostrophes."""
    text = unicodedata.normalize("NFKD", name.replace("ı", "i").replace("ß", "ss").replace("ø", "o"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def _confirm_namesakes(people: list[PlannedTrainee], programme: Programme) -> None:
    """Who the service will take for a likely duplicate of someone registered before (the same birth date
    and the same or a similar name, not both with a national id: service.services.matching) is someone
    else here: the caseworker confirms it (`not_duplicate_of`), as the API asks."""
    primary = countries.profile(programme.ORGANISATION["country"]).primary_person_id_scheme.name
    seen: dict[str, list[tuple[int, str, bool]]] = {}
    for index, person in enumerate(people):
        body = person.body
        normal = names.normalise(body["given_name"], body["family_name"])
        national = "national_id" in body or any(d["type"] == primary for d in body.get("documents", ()))
        earlier = seen.setdefault(body["birth_date"], [])
        person.not_duplicate_of = [other for other, other_normal, other_national in earlier
                                   if not (national and other_national)
                                   and matching.likeness(normal, other_normal) is not None]
        earlier.append((index, normal, national))


def _national_id(rng: random.Random, used: set[str]) -> str:
    """A checksum-valid Turkish identity number, unique within the demo."""
    while True:
        base = f"{rng.randint(1, 9)}{rng.randrange(10 ** 8):08d}"
        if base not in used:
            used.add(base)
            return base + tckimlik.calc_check_digits(base)
