"""The categorical facts of one trainee that every metric is computed from (design 14, section B).

Derived from the records (trainee, enrolments, placements, follow-ups) by one pure
function, used alike by the metrics consumer, by `pathways metrics rebuild` and by
`pathways metrics verify`; so the read model and its recomputation cannot drift by
construction, only by a missed event.

What a fact never is: anything that depends on today. Today moves without an event, so a
stored "due" or "overdue" would be stale tomorrow and `verify` would disagree with itself;
the reports compare the stored dates with today when they answer.

Units: a participation is one enrolment; a participant is one person in one project (ESF+:
once per operation). Each participation row carries its participant's first entry date
(`entered_on`) and final exit date (`left_on`), and says whether it is the participant's
first participation (`first_entry`: its characteristics at entry are the participant's) and
the final one (`final`: its exit and results are the participant's).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from service.domain import enrolments as enrolment_rules
from service.domain import follow_ups as follow_up_rules
from service.domain import groups
from service.domain import metrics as catalogue
from service.domain import people

#: What the derivation reads of each kind of record (the projection selects just these columns; its
#: `trainee_id` groups a trainee's records). A new fact read from a new column names it here.
#: `cohort_occupation`, `vacancy_occupation` and `employer_sector` are read through the record's cohort,
#: vacancy and employer (service.metrics.projection.JOINED): none of the three can change once written.
READS: dict[str, tuple[str, ...]] = {
    "trainees": ("id", "organisation_id", "sex", "district"),
    "enrolments": ("id", "organisation_id", "trainee_id", "project_id", "cohort_id", "enrolled_on", "status",
                   "exited_on", "exit_reason", "qualification_gained", "labour_status_at_entry",
                   "education_level_at_entry", "settlement_type_at_entry", "vulnerable_groups_at_entry",
                   "indicator_groups_at_entry", "citizenship_at_entry", "age_at_entry", "cohort_occupation"),
    "placements": ("id", "trainee_id", "started_on", "ended_on", "wage_monthly", "currency", "formal",
                   "vacancy_occupation", "employer_sector"),
    "follow_ups": ("trainee_id", "enrolment_id", "checkpoint", "due_on", "status", "employment_status",
                   "observed_on"),
}

#: SPEC section 5: a placement counts when it starts by `exited_on` + this many days.
PLACEMENT_WINDOW = timedelta(days=90)
#: ESF+ guidance: "upon leaving" is within four weeks of leaving (the exit checkpoint's window).
UPON_LEAVING = timedelta(days=follow_up_rules.WINDOW_DAYS["exit"])
EXIT, MONTH_6, MONTH_12 = "exit", "month_6", "month_12"
FOUND_JOB = "found_job"


@dataclass(frozen=True)
class Participant:
    """What is the person's, not the participation's: sex and district (as they are now)."""

    trainee_id: uuid.UUID
    organisation_id: uuid.UUID
    sex: str
    district: str | None


@dataclass(frozen=True)
class Participation:
    enrolment_id: uuid.UUID
    organisation_id: uuid.UUID
    trainee_id: uuid.UUID
    project_id: uuid.UUID
    cohort_id: uuid.UUID | None
    # characteristics at entry (the enrolment's *_at_entry columns)
    age_at_entry: int | None
    age_band: str | None
    labour_status: str
    employment_category: str
    education_level: str
    settlement_type: str
    citizenship: str | None
    third_country: bool
    vulnerable_groups: frozenset[str]
    # the ESF+ categories those groups fed at entry (the enrolment's indicator_groups_at_entry: a later change
    # of the organisation's vocabulary does not reach them)
    fed_minorities: bool
    fed_disability: bool
    fed_foreign_background: bool
    fed_housing_exclusion: bool
    # the participation and its participant
    enrolled_on: date
    entered_on: date
    first_entry: bool
    final: bool
    left_on: date | None
    status: str
    exited_on: date | None
    exit_reason: str | None
    qualification_gained: bool | None
    # SPEC 5: completers' first job within 90 days of the exit
    placed_on: date | None
    placed_wage: Decimal | None
    placed_currency: str | None
    # the job the occupation and sector dimensions describe: its ISCO-08 code (the vacancy's, else the
    # cohort's) and its employer's NACE section
    job_occupation: str | None
    job_sector: str | None
    # upon leaving (28 days) and the checkpoints, as recorded: no due date is stored (it is exited_on + days)
    exit_status: str | None
    leaving_status: str | None
    leaving_formal: bool
    month_6_status: str | None
    month_6_employment: str | None
    month_12_status: str | None
    month_12_employment: str | None
    # the participant's results, those of the final exit (the same on each of its rows; the indicators count
    # them on the first row, beside the characteristics at the first entry)
    result_leaving: str | None
    result_qualification: bool
    result_employed_6m: bool
    #: ESF+ improved labour-market situation: employed at the first entry, and at month 6 in a new formal job.
    improved_6m: bool


def participant(trainee) -> Participant:
    return Participant(trainee.id, trainee.organisation_id, trainee.sex, trainee.district)


def participations(enrolments, placements, follow_ups,
                   home_country: str | None = None) -> tuple[Participation, ...]:
    """Every participation of one trainee, in enrolment id order; `placements` and `follow_ups` are the
    trainee's. Needs all of the trainee's enrolments: a participant's first and final ones are among them."""
    by_project: dict[uuid.UUID, list] = {}
    for enrolment in enrolments:
        by_project.setdefault(enrolment.project_id, []).append(enrolment)
    found = []
    for project_enrolments in by_project.values():
        ordered = sorted(project_enrolments, key=lambda e: (e.enrolled_on, e.id))
        first, final = ordered[0], ordered[-1]
        left_on = final.exited_on if final.status != enrolment_rules.ENROLLED else None
        rows = [participation(enrolment, placements, follow_ups, entered_on=first.enrolled_on,
                              first_entry=enrolment is first, final=enrolment is final, left_on=left_on,
                              home_country=home_country)
                for enrolment in ordered]
        last = rows[-1]
        employed_6m = last.month_6_status == follow_up_rules.RECORDED and last.month_6_employment in catalogue.EMPLOYED
        results = {"result_leaving": last.leaving_status, "result_qualification": bool(last.qualification_gained),
                   "result_employed_6m": employed_6m,
                   "improved_6m": (catalogue.ENTRY_CATEGORIES[first.labour_status_at_entry] == "employed"
                                   and _new_formal_job(first.enrolled_on, placements, _answered(
                                       final, follow_ups).get(MONTH_6)))}
        found.extend(replace(row, **results) for row in rows)
    return tuple(sorted(found, key=lambda p: p.enrolment_id))


def _answered(enrolment, follow_ups) -> dict:
    """The enrolment's answered checkpoints by name: an open one says nothing yet (whether it is due depends
    on today)."""
    return {f.checkpoint: f for f in follow_ups if f.enrolment_id == enrolment.id and f.status != follow_up_rules.DUE}


def participation(enrolment, placements, follow_ups, *, entered_on: date, first_entry: bool, final: bool,
                  left_on: date | None, home_country: str | None = None) -> Participation:
    """One enrolment's facts; the participant's results are filled in by `participations`."""
    placed = _first_placement(enrolment, placements)
    job = _job(enrolment, placements)
    checkpoints = _answered(enrolment, follow_ups)
    exit_check, month_6, month_12 = (checkpoints.get(name) for name in (EXIT, MONTH_6, MONTH_12))
    leaving, formal = _upon_leaving(enrolment, entered_on, placements, exit_check)
    labour_status = enrolment.labour_status_at_entry
    citizenship = enrolment.citizenship_at_entry
    fed = frozenset(enrolment.indicator_groups_at_entry or ())
    return Participation(
        enrolment.id, enrolment.organisation_id, enrolment.trainee_id, enrolment.project_id, enrolment.cohort_id,
        enrolment.age_at_entry, band(enrolment.age_at_entry), labour_status,
        catalogue.ENTRY_CATEGORIES[labour_status], enrolment.education_level_at_entry,
        enrolment.settlement_type_at_entry, citizenship,
        people.is_third_country_national(citizenship, home_country),
        frozenset(enrolment.vulnerable_groups_at_entry or ()),
        *(category in fed for category in groups.INDICATOR_GROUPS),
        enrolment.enrolled_on, entered_on, first_entry, final, left_on, enrolment.status, enrolment.exited_on,
        enrolment.exit_reason, enrolment.qualification_gained,
        placed.started_on if placed else None, placed.wage_monthly if placed else None,
        placed.currency if placed else None,
        (job.vacancy_occupation or enrolment.cohort_occupation) if job else None,
        job.employer_sector[:1] if job and job.employer_sector else None,
        exit_check.status if exit_check else None, leaving, formal,
        month_6.status if month_6 else None, month_6.employment_status if month_6 else None,
        month_12.status if month_12 else None, month_12.employment_status if month_12 else None,
        None, False, False, False)


def band(age: int | None) -> str | None:
    """The age band (SPEC section 2) of an age, or None below the youngest band."""
    if age is None:
        return None
    for label, low, high in people.AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return None


def _first_placement(enrolment, placements):
    """Completers only: the earliest job started between enrolment and 90 days after exit."""
    if enrolment.status != enrolment_rules.COMPLETED or enrolment.exited_on is None:
        return None
    last_day = enrolment.exited_on + PLACEMENT_WINDOW
    window = [p for p in placements if enrolment.enrolled_on <= p.started_on <= last_day]
    return min(window, key=lambda p: (p.started_on, p.id), default=None)


def _job(enrolment, placements):
    """The job of the participation (for its occupation and sector): the earliest placement started between
    its enrolment and 90 days after its exit (or since its enrolment while it is open), completers or not."""
    last_day = None if enrolment.exited_on is None else enrolment.exited_on + PLACEMENT_WINDOW
    window = [p for p in placements
              if enrolment.enrolled_on <= p.started_on and (last_day is None or p.started_on <= last_day)]
    return min(window, key=lambda p: (p.started_on, p.id), default=None)


def _upon_leaving(enrolment, entered_on: date, placements, exit_check) -> tuple[str | None, bool]:
    """(leaving_status, formal) of an exited participation: employed, in_education, job_searching or other
    as known within 28 days of the exit (None: nothing known); formal when a formal job counts."""
    if enrolment.status == enrolment_rules.ENROLLED or enrolment.exited_on is None:
        return None, False
    exited_on = enrolment.exited_on
    last_day = exited_on + UPON_LEAVING
    jobs = [p for p in placements if entered_on <= p.started_on <= last_day
            and (p.ended_on is None or p.ended_on >= exited_on)]
    observed = None
    if exit_check is not None and exit_check.status == follow_up_rules.RECORDED:
        observed_on = exit_check.observed_on or exited_on
        if observed_on <= last_day:
            observed = exit_check.employment_status
    employed = (bool(jobs) or observed in catalogue.EMPLOYED
                or (enrolment.status == enrolment_rules.DROPPED_OUT and enrolment.exit_reason == FOUND_JOB))
    if employed:
        return catalogue.LEAVING_EMPLOYED, any(p.formal for p in jobs)
    if observed == "in_education":
        return catalogue.LEAVING_EDUCATION, False
    if observed == "unemployed":
        return catalogue.LEAVING_SEARCHING, False
    return (None if observed in (None, "unknown") else catalogue.LEAVING_OTHER), False


def _new_formal_job(entered_on: date, placements, month_6) -> bool:
    """Recorded employed at month_6 in a formal placement started after the first entry and held on the day
    observed (ESF+ improved labour market situation)."""
    if month_6 is None or month_6.status != follow_up_rules.RECORDED or month_6.employment_status not in (
            catalogue.EMPLOYED):
        return False
    observed_on = month_6.observed_on or month_6.due_on
    return any(p.formal and entered_on < p.started_on <= observed_on
               and (p.ended_on is None or p.ended_on >= observed_on) for p in placements)
