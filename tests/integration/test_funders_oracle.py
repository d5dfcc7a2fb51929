"""The funders' figures (issue 14) against an independent oracle over the records.

tests/funders_programme.py builds a programme through the HTTP API with every awkward case;
once the outbox is drained, this module reads the RECORDS (trainees, enrolments, placements,
follow_ups, referrals, employers: never the metric_* read model, never service.metrics) and
computes, with its own plain Python and the definitions of /tmp/design14.md section B, every
figure of the ESF+, WIOA and ILO packs, the outcomes' `checkpoints` and the funnel; the API
must agree on every figure, totals and by sex, without suppression (admin) and with it
(manager: a count of 1..k-1 is never shown, a table whose total is below k shows no cell,
a share target's `met` and `share` hide with its count).

Readings of the design where it is silent (kept here, said in the report):
- a participant is (person, project); first = earliest enrolled_on, final = latest enrolled_on; the
  checkpoints' "employed upon leaving" of a participation counts jobs from its participant's first
  entry (design B: "[enrolled_on (first entry), exited_on + 28]");
- "employed in a quarter" (WIOA) looks at every placement and every follow-up of the person
  (not only those of the project): the observation is about the person;
- retention: employed in Q2 by a placement, Q4 over; kept when a placement of one of the Q2
  employers overlaps Q4;
- improved labour-market situation: employed at entry, month_6 recorded employed or
  self-employed, and a formal placement started after the first entry active on the month_6
  observed_on;
- funnel stages after `enrolled` count people enrolled in the period (referrals and
  follow-ups of any time); `interviewing` = a referral interviewing, hired or rejected
  (the generator rejects only after an interview); `hired` = a referral hired.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from statistics import mean, median

import pytest
from sqlalchemy import select

from service.db.models import Employer, Enrolment, FollowUp, Placement, Referral, Trainee
from service.domain.roles import Role
from tests.funders_programme import API, FundersProgramme, Programme, ok

SEXES = ("female", "male", "non_binary", "undisclosed")
EMPLOYED = ("employed", "self_employed")
#: The 27 member states (ISO 3166-1 alpha-2; Greece is GR), written out again.
EU = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())
#: The programme's organisation is in Türkiye (tests/funders_programme.py): its own citizens are no third-country
#: nationals (service.domain.people.is_third_country_national).
HOME = "TR"
CHECKPOINT_DAYS = {"upon_leaving": ("exit", 0, 28), "month_6": ("month_6", 182, 91),
                   "month_12": ("month_12", 365, 91)}
UPON_LEAVING_DAYS = 28

ESF_OUTPUTS = ("participants", "unemployed", "long_term_unemployed", "inactive", "employed", "below_18",
               "aged_18_29", "aged_55_plus", "isced_0_2", "isced_3_4", "isced_5_8", "with_disabilities",
               "third_country_nationals", "foreign_background", "minorities_incl_roma",
               "homeless_or_housing_exclusion", "rural_areas")
ESF_RESULTS = ("job_searching_upon_leaving", "in_education_or_training_upon_leaving", "qualification_upon_leaving",
               "in_employment_upon_leaving", "in_employment_6m_after_leaving",
               "improved_labour_market_situation_6m")
FUNNEL = ("registered", "enrolled", "completed", "dropped_out", "referred", "interviewing", "hired",
          "employed_6m", "employed_12m")

SEEDS = [14, 2027]


# -- the records ------------------------------------------------------------------------------------

@dataclass
class Records:
    today: date
    trainees: dict[uuid.UUID, Trainee]
    enrolments: list[Enrolment]
    placements: dict[uuid.UUID, list[Placement]]
    follow_ups: dict[tuple[uuid.UUID, str], FollowUp]
    follow_ups_of: dict[uuid.UUID, list[FollowUp]]
    referrals: dict[uuid.UUID, list[Referral]]
    employers: dict[uuid.UUID, Employer]


def read_records(pathways, organisation_id: str, today: date) -> Records:
    org = uuid.UUID(organisation_id)
    with pathways.session_factory() as session:
        def rows(model):
            return list(session.scalars(select(model).where(model.organisation_id == org)))

        trainees = {t.id: t for t in rows(Trainee)}
        enrolments = rows(Enrolment)
        placements, follow_ups_of, referrals = defaultdict(list), defaultdict(list), defaultdict(list)
        for placement in rows(Placement):
            placements[placement.trainee_id].append(placement)
        follow_ups = {}
        for follow_up in rows(FollowUp):
            follow_ups[(follow_up.enrolment_id, follow_up.checkpoint)] = follow_up
            follow_ups_of[follow_up.trainee_id].append(follow_up)
        for referral in rows(Referral):
            referrals[referral.trainee_id].append(referral)
        employers = {e.id: e for e in rows(Employer)}
        session.expunge_all()
    return Records(today, trainees, enrolments, placements, follow_ups, follow_ups_of, referrals, employers)


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None
    project_id: str | None = None

    def holds(self, day: date | None) -> bool:
        return day is not None and (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def query(self) -> dict:
        query = {}
        if self.start:
            query["period_start"] = self.start.isoformat()
        if self.end:
            query["period_end"] = self.end.isoformat()
        if self.project_id:
            query["project_id"] = self.project_id
        return query


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


def quarter_after(day: date, n: int) -> tuple[date, date]:
    """First and last day of the n-th calendar quarter after the one holding `day`."""
    year, index = quarter_of(day)
    index += n
    year, index = year + index // 4, index % 4
    first = date(year, 3 * index + 1, 1)
    following = date(year + (index == 3), 1 if index == 3 else 3 * index + 4, 1)
    return first, following - timedelta(days=1)


def anniversary(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def overlaps(placement: Placement, first: date, last: date) -> bool:
    return placement.started_on <= last and (placement.ended_on is None or placement.ended_on >= first)


def ratio(top, bottom):
    return None if not bottom else top / bottom


# -- the oracle -------------------------------------------------------------------------------------

@dataclass
class Participant:
    trainee: Trainee
    project_id: uuid.UUID
    first: Enrolment
    final: Enrolment

    @property
    def sex(self) -> str:
        return self.trainee.sex

    @property
    def leaver(self) -> bool:
        return self.final.status != "enrolled"


@dataclass
class SexTable:
    """A count per sex and in total."""

    values: dict[str, int] = field(default_factory=lambda: {sex: 0 for sex in (*SEXES, "total")})

    def add(self, sex: str) -> None:
        self.values[sex] += 1
        self.values["total"] += 1


class Oracle:
    def __init__(self, records: Records):
        self.r = records
        stays: dict[tuple, list[Enrolment]] = defaultdict(list)
        for enrolment in records.enrolments:
            stays[(enrolment.trainee_id, enrolment.project_id)].append(enrolment)
        self.participants = []
        for (trainee_id, project_id), group in stays.items():
            group.sort(key=lambda e: (e.enrolled_on, e.created_at))
            self.participants.append(Participant(records.trainees[trainee_id], project_id, group[0], group[-1]))
        #: Each enrolment's participant's first entry: "upon leaving" counts jobs from it on (design B).
        self.entered_on = {e.id: p.first.enrolled_on for p in self.participants
                           for e in stays[(p.trainee.id, p.project_id)]}

    # -- shared rules --------------------------------------------------------------------------

    def upon_leaving(self, entered_on: date, final: Enrolment) -> dict:
        """Design B "upon leaving", for a leaver whose stay began on `entered_on`."""
        limit = final.exited_on + timedelta(days=UPON_LEAVING_DAYS)
        exit_check = self.r.follow_ups.get((final.id, "exit"))
        observed = (exit_check is not None and exit_check.status == "recorded" and exit_check.observed_on is not None
                    and exit_check.observed_on <= limit)
        status = exit_check.employment_status if observed else None
        jobs = [p for p in self.r.placements[final.trainee_id] if entered_on <= p.started_on <= limit
                and (p.ended_on is None or p.ended_on >= final.exited_on)]
        employed = (status in EMPLOYED or bool(jobs)
                    or (final.status == "dropped_out" and final.exit_reason == "found_job"))
        return {"employed": employed, "formal": employed and any(p.formal for p in jobs),
                "in_education": not employed and status == "in_education",
                "job_searching": not employed and status == "unemployed",
                "recorded": exit_check is not None and exit_check.status == "recorded"}

    def scoped_participants(self, period: Period, basis: str) -> list[Participant]:
        found = []
        for p in self.participants:
            if period.project_id and str(p.project_id) != period.project_id:
                continue
            if basis == "entry" and period.holds(p.first.enrolled_on):
                found.append(p)
            elif basis == "exit" and p.leaver and period.holds(p.final.exited_on):
                found.append(p)
        return found

    # -- ESF+ --------------------------------------------------------------------------------------

    def output_codes(self, p: Participant) -> set[str]:
        e = p.first
        labour, age, groups = e.labour_status_at_entry, e.age_at_entry, set(e.vulnerable_groups_at_entry or ())
        facts = {
            "participants": True,
            "unemployed": labour in ("unemployed", "long_term_unemployed"),
            "long_term_unemployed": labour == "long_term_unemployed",
            "inactive": labour in ("inactive", "in_education"),
            "employed": labour == "employed",
            "below_18": age < 18, "aged_18_29": 18 <= age <= 29, "aged_55_plus": age >= 55,
            "isced_0_2": e.education_level_at_entry in ("primary_or_less", "lower_secondary"),
            "isced_3_4": e.education_level_at_entry == "upper_secondary",
            "isced_5_8": e.education_level_at_entry == "tertiary",
            "with_disabilities": "disability" in groups,
            "third_country_nationals": e.citizenship_at_entry not in (None, HOME, *EU),
            "foreign_background": bool({"migrant", "refugee"} & groups),
            "minorities_incl_roma": "roma" in groups,
            "homeless_or_housing_exclusion": "housing_exclusion" in groups,
            "rural_areas": e.settlement_type_at_entry == "rural",
        }
        return {code for code, holds in facts.items() if holds}

    def result_codes(self, p: Participant) -> set[str]:
        if not p.leaver:
            return set()
        leaving = self.upon_leaving(p.first.enrolled_on, p.final)
        month_6 = self.r.follow_ups.get((p.final.id, "month_6"))
        employed_6m = month_6 is not None and month_6.status == "recorded" and month_6.employment_status in EMPLOYED
        improved = False
        if employed_6m and p.first.labour_status_at_entry == "employed":
            day = month_6.observed_on or month_6.due_on
            improved = any(j.formal and j.started_on > p.first.enrolled_on and overlaps(j, day, day)
                           for j in self.r.placements[p.trainee.id])
        facts = {"job_searching_upon_leaving": leaving["job_searching"],
                 "in_education_or_training_upon_leaving": leaving["in_education"],
                 "qualification_upon_leaving": p.final.qualification_gained is True,
                 "in_employment_upon_leaving": leaving["employed"],
                 "in_employment_6m_after_leaving": employed_6m,
                 "improved_labour_market_situation_6m": improved}
        return {code for code, holds in facts.items() if holds}

    def esf_plus(self, period: Period, outputs: str = "entry", results: str = "exit") -> dict[str, dict]:
        table = {code: SexTable() for code in (*ESF_OUTPUTS, *ESF_RESULTS)}
        for p in self.scoped_participants(period, outputs):
            for code in self.output_codes(p):
                table[code].add(p.sex)
        for p in self.scoped_participants(period, results):
            for code in self.result_codes(p):
                table[code].add(p.sex)
        return {code: counts.values for code, counts in table.items()}

    def formal_upon_leaving(self, period: Period) -> dict:
        table = SexTable()
        for p in self.scoped_participants(period, "exit"):
            if self.upon_leaving(p.first.enrolled_on, p.final)["formal"]:
                table.add(p.sex)
        return table.values

    # -- outcomes' checkpoints (participations) --------------------------------------------------

    def checkpoints(self, period: Period, sex: str | None = None) -> dict[str, dict]:
        exited = [e for e in self.r.enrolments if e.status != "enrolled" and period.holds(e.exited_on)
                  and (period.project_id is None or str(e.project_id) == period.project_id)
                  and (sex is None or self.r.trainees[e.trainee_id].sex == sex)]
        today, answer = self.r.today, {}
        for name, (checkpoint, offset, window) in CHECKPOINT_DAYS.items():
            counts = Counter()
            for e in exited:
                due_on = e.exited_on + timedelta(days=offset)
                if due_on > today:
                    continue
                check = self.r.follow_ups.get((e.id, checkpoint))
                status = check.status if check is not None else "due"
                counts["exiters_due"] += 1
                counts["recorded"] += status == "recorded"
                counts["unreachable"] += status == "unreachable"
                counts["overdue"] += status == "due" and today > due_on + timedelta(days=window)
                if name == "upon_leaving":
                    employed = self.upon_leaving(self.entered_on[e.id], e)["employed"]
                    counts["recorded_or_employed"] += status == "recorded" or employed
                else:
                    employed = status == "recorded" and check.employment_status in EMPLOYED
                    counts["recorded_or_employed"] += status == "recorded"
                counts["employed"] += employed
            answer[name] = {key: counts[key] for key in ("exiters_due", "employed", "recorded", "unreachable",
                                                          "overdue")}
            answer[name].update(employment_rate=ratio(counts["employed"], counts["exiters_due"]),
                                employment_rate_recorded=ratio(counts["employed"], counts["recorded_or_employed"]),
                                coverage=ratio(counts["recorded"], counts["exiters_due"]))
        return answer

    def outcome_counts(self, period: Period) -> dict[str, int]:
        """Outcomes' counts of exited participations on the exit basis (participations, not participants)."""
        exited = [e for e in self.r.enrolments if e.status != "enrolled" and period.holds(e.exited_on)
                  and (period.project_id is None or str(e.project_id) == period.project_id)]
        return {"completed": sum(e.status == "completed" for e in exited),
                "dropped_out": sum(e.status == "dropped_out" for e in exited),
                "formal_upon_leaving": sum(self.upon_leaving(self.entered_on[e.id], e)["formal"] for e in exited)}

    # -- WIOA (participants, exit basis) -----------------------------------------------------------

    def employed_in(self, trainee_id, first: date, last: date) -> bool:
        return (any(overlaps(p, first, last) for p in self.r.placements[trainee_id])
                or any(f.status == "recorded" and f.employment_status in EMPLOYED and f.observed_on is not None
                       and first <= f.observed_on <= last for f in self.r.follow_ups_of[trainee_id]))

    def q2_wage(self, trainee_id, first: date, last: date) -> tuple[Decimal, str] | None:
        jobs = [p for p in self.r.placements[trainee_id] if overlaps(p, first, last)]
        if jobs:
            job = max(jobs, key=lambda p: (p.started_on, p.created_at))
            return job.wage_monthly, job.currency
        recorded = [f for f in self.r.follow_ups_of[trainee_id]
                    if f.status == "recorded" and f.employment_status in EMPLOYED and f.wage_monthly is not None
                    and f.observed_on is not None and first <= f.observed_on <= last]
        if recorded:
            latest = max(recorded, key=lambda f: f.observed_on)
            return latest.wage_monthly, latest.currency
        return None

    def wioa(self, period: Period) -> dict:
        today = self.r.today
        tables = {name: {"numerator": SexTable(), "denominator": SexTable()}
                  for name in ("employment_rate_q2", "employment_rate_q4", "credential_attainment",
                               "retention_with_same_employer")}
        wages: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
        left_out = SexTable()
        for p in self.scoped_participants(period, "exit"):
            exited_on, tid, sex = p.final.exited_on, p.trainee.id, p.sex
            q2, q4 = quarter_after(exited_on, 2), quarter_after(exited_on, 4)
            for name, (first, last) in (("employment_rate_q2", q2), ("employment_rate_q4", q4)):
                if last < today:
                    tables[name]["denominator"].add(sex)
                    if self.employed_in(tid, first, last):
                        tables[name]["numerator"].add(sex)
            if q2[1] < today and self.employed_in(tid, *q2):
                found = self.q2_wage(tid, *q2)
                if found is None:
                    left_out.add(sex)
                else:
                    wages[found[1]][sex].append(found[0])
                    wages[found[1]]["total"].append(found[0])
            if anniversary(exited_on) < today:
                tables["credential_attainment"]["denominator"].add(sex)
                if p.final.qualification_gained is True:
                    tables["credential_attainment"]["numerator"].add(sex)
            q2_employers = {j.employer_id for j in self.r.placements[tid] if overlaps(j, *q2)}
            if q2[1] < today and q4[1] < today and q2_employers:
                tables["retention_with_same_employer"]["denominator"].add(sex)
                if any(j.employer_id in q2_employers and overlaps(j, *q4) for j in self.r.placements[tid]):
                    tables["retention_with_same_employer"]["numerator"].add(sex)
        answer = {}
        for name, parts in tables.items():
            top, bottom = parts["numerator"].values, parts["denominator"].values
            answer[name] = {"numerator": top, "denominator": bottom,
                            "rate": {key: ratio(top[key], bottom[key]) for key in bottom}}
        answer["median_earnings_q2"] = {
            "by_currency": {currency: {key: Decimal(median(values)) if values else None
                                       for key, values in ((k, per.get(k, [])) for k in (*SEXES, "total"))}
                            for currency, per in wages.items()},
            "count": {currency: {key: len(per.get(key, [])) for key in (*SEXES, "total")}
                      for currency, per in wages.items()},
            "left_out": left_out.values}
        return answer

    # -- ILO (placements started in the period) ----------------------------------------------------

    def ilo(self, period: Period) -> dict:
        started = [p for jobs in self.r.placements.values() for p in jobs if period.holds(p.started_on)]
        sexes = {key: [p for p in started if key == "total" or self.r.trainees[p.trainee_id].sex == key]
                 for key in (*SEXES, "total")}
        answer: dict = {"placements": {k: len(v) for k, v in sexes.items()},
                        "formal": {k: sum(p.formal for p in v) for k, v in sexes.items()},
                        "formal_share": {k: ratio(sum(p.formal for p in v), len(v)) for k, v in sexes.items()},
                        "contract_types": {k: dict(Counter(p.contract_type for p in v)) for k, v in sexes.items()},
                        # hours are answered to two places
                        "mean_hours_per_week": {k: round(float(mean(p.hours_per_week for p in v)), 2) if v
                                                else None for k, v in sexes.items()},
                        "median_hours_per_week": {k: round(float(median(p.hours_per_week for p in v)), 2) if v
                                                  else None for k, v in sexes.items()}}
        hourly: dict[str, dict] = {}
        for currency in sorted({p.currency for p in started}):
            per = {k: [Fraction(p.wage_monthly) / (Fraction(p.hours_per_week) * Fraction(52, 12))
                       for p in v if p.currency == currency] for k, v in sexes.items()}
            medians = {k: median(v) if v else None for k, v in per.items()}
            male, female = medians["male"], medians["female"]
            hourly[currency] = {"median": medians, "count": {k: len(v) for k, v in per.items()},
                                "gender_pay_gap": None if male is None or female is None or not male
                                else (male - female) / male}
        answer["hourly_wage"] = hourly
        return answer

    # -- funnel (people, entry basis) --------------------------------------------------------------

    def funnel(self, period: Period) -> dict:
        stages = {name: SexTable() for name in FUNNEL}
        reasons: dict[str, SexTable] = defaultdict(SexTable)
        in_project = {e.trainee_id for e in self.r.enrolments if str(e.project_id) == period.project_id}
        for trainee in self.r.trainees.values():
            if period.holds(trainee.created_at.date()) and (period.project_id is None or trainee.id in in_project):
                stages["registered"].add(trainee.sex)
        in_scope: dict[uuid.UUID, list[Enrolment]] = defaultdict(list)
        for e in self.r.enrolments:
            if period.holds(e.enrolled_on) and (period.project_id is None or str(e.project_id) == period.project_id):
                in_scope[e.trainee_id].append(e)
        for trainee_id, stays in in_scope.items():
            sex = self.r.trainees[trainee_id].sex
            referrals = self.r.referrals[trainee_id]
            stages["enrolled"].add(sex)
            if any(e.status == "completed" for e in stays):
                stages["completed"].add(sex)
            if any(e.status == "dropped_out" for e in stays):
                stages["dropped_out"].add(sex)
            for reason in {e.exit_reason for e in stays if e.status == "dropped_out"}:
                reasons[reason].add(sex)
            if referrals:
                stages["referred"].add(sex)
            if any(r.status in ("interviewing", "hired", "rejected") for r in referrals):
                stages["interviewing"].add(sex)
            if any(r.status == "hired" for r in referrals):
                stages["hired"].add(sex)
            for stage, checkpoint in (("employed_6m", "month_6"), ("employed_12m", "month_12")):
                if any((f := self.r.follow_ups.get((e.id, checkpoint))) is not None and f.status == "recorded"
                       and f.employment_status in EMPLOYED for e in stays):
                    stages[stage].add(sex)
        enrolled = stages["enrolled"].values
        return {"stages": {name: table.values for name, table in stages.items()},
                "shares": {name: {k: ratio(table.values[k], enrolled[k]) for k in table.values}
                           for name, table in stages.items()},
                "dropped_out_by_reason": {reason: table.values for reason, table in reasons.items()}}


# -- comparing --------------------------------------------------------------------------------------

class Diff:
    """Every difference between the API and the oracle, reported together."""

    def __init__(self):
        self.found: list[str] = []

    def same(self, path: str, actual, expected) -> None:
        if isinstance(expected, (float, Fraction)) and not isinstance(expected, bool):
            equal = (isinstance(actual, (int, float)) and not isinstance(actual, bool)
                     and actual == pytest.approx(float(expected), abs=1e-4))
        elif isinstance(expected, Decimal):
            equal = actual is not None and Decimal(str(actual)) == pytest.approx(expected, abs=Decimal("0.01"))
        else:
            equal = actual == expected
        if not equal:
            self.found.append(f"{path}: API {actual!r}, oracle {expected!r}")

    def present(self, path: str, container, key):
        if not isinstance(container, dict) or key not in container:
            self.found.append(f"{path}: missing in the API's answer")
            return None
        return container[key]

    def check(self, label: str) -> None:
        assert not self.found, f"{label}: {len(self.found)} difference(s):\n  " + "\n  ".join(self.found)


def rows_by_indicator(answer: dict) -> dict[str, dict]:
    return {row["indicator"]: row for row in answer.get("indicators", [])}


def get(client, programme: Programme, path: str, role: str = Role.ADMIN, diff: Diff | None = None, **query) -> dict:
    """The answer; with `diff`, an answer other than 200 is one more difference (and {}), not the end."""
    if role == Role.ADMIN:
        query.setdefault("suppress", "false")
    response = client.get(API + path, query_string=query, headers=programme.headers[role])
    if diff is not None and response.status_code != 200:
        diff.found.append(f"GET {path} {query}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return {}
    return ok(response)


def compare_esf(diff: Diff, answer: dict, expected: dict[str, dict], label: str) -> None:
    rows = rows_by_indicator(answer)
    diff.same(f"{label} indicator names", sorted(set(expected) - set(rows)), [])
    for code, want in expected.items():
        row = rows.get(code)
        if row is None:
            continue
        for key, value in want.items():
            diff.same(f"{label} {code}.{key}", row.get(key), value)
    categories = [rows.get(code, {}).get("total") for code in ("unemployed", "inactive", "employed")]
    if None not in categories:
        diff.same(f"{label} unemployed+inactive+employed", sum(categories), rows.get("participants", {}).get("total"))


def compare_checkpoints(diff: Diff, checkpoints, expected: dict, label: str) -> None:
    for name, want in expected.items():
        have = diff.present(f"{label} checkpoints.{name}", checkpoints, name)
        if have is None:
            continue
        for key, value in want.items():
            diff.same(f"{label} checkpoints.{name}.{key}", have.get(key), value)


# -- the tests --------------------------------------------------------------------------------------

@pytest.fixture
def client(app, drain):
    return app.test_client()


def generated(client, pathways, drain, seed: int) -> tuple[Programme, Oracle]:
    programme = FundersProgramme(client, pathways, drain, seed).build()
    assert drain() == 0
    counts = programme.counts
    # The generator made what the definitions distinguish.
    for case in ("drop_out_found_job", "reentry", "entry_correction", "job_within_28", "job_after_28",
                 "job_during_ended", "part_time", "currency_EUR", "follow_up_late", "follow_up_leave",
                 "follow_up_unreachable", "referral_interview_hired", "person_edited"):
        assert counts.get(case), (case, counts)
    oracle = Oracle(read_records(pathways, programme.organisation_id, programme.today))
    assert {p.sex for p in oracle.participants} == set(SEXES)
    ages = {p.first.age_at_entry for p in oracle.participants}
    assert {17, 18, 29, 30, 54, 55} <= ages | {a - 1 for a in ages}, ages
    citizenships = {p.first.citizenship_at_entry for p in oracle.participants}
    assert citizenships & EU and citizenships - EU - {None}
    exit_quarters = {quarter_of(p.final.exited_on) for p in oracle.participants if p.leaver}
    assert len(exit_quarters) >= 7, exit_quarters
    return programme, oracle


@pytest.mark.parametrize("seed", SEEDS)
def test_records_keep_the_participation_at_entry(client, pathways, drain, seed):
    """What the enrolments hold at entry is what was given at entry, followed by the person's edits while
    open, and by the explicit corrections only once closed."""
    programme, oracle = generated(client, pathways, drain, seed)
    stored = {str(e.id): {"labour_status": e.labour_status_at_entry, "education_level": e.education_level_at_entry,
                          "settlement_type": e.settlement_type_at_entry,
                          "vulnerable_groups": sorted(e.vulnerable_groups_at_entry or ()),
                          "citizenship": e.citizenship_at_entry, "age": e.age_at_entry}
              for e in oracle.r.enrolments}
    expected = programme.expected_at_entry()
    differences = {key: (stored.get(key), want) for key, want in expected.items() if stored.get(key) != want}
    assert not differences, list(differences.items())[:5]


def periods(programme: Programme) -> dict[str, Period]:
    today = programme.today
    year = date(today.year, 1, 1)
    return {"all": Period(), "this_year": Period(year, today), "last_year": Period(date(today.year - 1, 1, 1),
                                                                                 year - timedelta(days=1)),
            "project": Period(project_id=programme.projects[0])}


@pytest.mark.parametrize("seed", SEEDS)
def test_packs_and_funnel_equal_the_oracle_without_suppression(client, pathways, drain, seed):
    programme, oracle = generated(client, pathways, drain, seed)
    diff = Diff()
    for name, period in periods(programme).items():
        label = f"[{name}]"
        # ESF+: outputs on entry, results on exit by default, and each basis when asked for.
        answer = get(client, programme, diff=diff, path="/metrics/indicators", framework="esf_plus", **period.query())
        compare_esf(diff, answer, oracle.esf_plus(period), f"{label} esf_plus")
        diff.same(f"{label} esf_plus period_basis", answer.get("period_basis"), {"outputs": "entry", "results": "exit"})
        diff.same(f"{label} esf_plus pending_events after the drain", answer.get("pending_events"), 0)
        for basis in ("entry", "exit"):
            answer = get(client, programme, diff=diff, path="/metrics/indicators", framework="esf_plus",
                         period_basis=basis, **period.query())
            compare_esf(diff, answer, oracle.esf_plus(period, basis, basis), f"{label} esf_plus basis={basis}")
        # Outcomes' checkpoints: exit basis by default; totals and by sex.
        answer = get(client, programme, diff=diff, path="/metrics/outcomes", by="sex", **period.query())
        diff.same(f"{label} outcomes period_basis", answer.get("period_basis"), "exit")
        expected = oracle.checkpoints(period)
        compare_checkpoints(diff, answer.get("checkpoints"), expected, f"{label} outcomes")
        diff.same(f"{label} outcomes employment_rate_6m", answer.get("employment_rate_6m"),
                  expected["month_6"]["employment_rate"])
        for name, value in oracle.outcome_counts(period).items():
            diff.same(f"{label} outcomes {name}", answer.get(name), value)
        for cell in answer.get("breakdown", []):
            compare_checkpoints(diff, cell.get("checkpoints"), oracle.checkpoints(period, cell["sex"]),
                                f"{label} outcomes sex={cell['sex']}")
        # WIOA, ILO and the funnel.
        answer = get(client, programme, diff=diff, path="/metrics/indicators", framework="wioa", **period.query())
        compare_wioa(diff, answer, oracle.wioa(period), f"{label} wioa")
        if period.project_id is None:  # placements belong to no project
            answer = get(client, programme, diff=diff, path="/metrics/indicators", framework="ilo", **period.query())
            compare_ilo(diff, answer, oracle.ilo(period), f"{label} ilo")
        answer = get(client, programme, diff=diff, path="/metrics/funnel", **period.query())
        compare_funnel(diff, answer, oracle.funnel(period), f"{label} funnel")
    diff.check(f"seed {seed}")


# -- pack shapes ----------------------------------------------------------------------------------------

def rows_by_key(answer: dict) -> dict[tuple[str, str | None], dict]:
    """The rows of a WIOA or ILO answer by (indicator, currency)."""
    return {(row["indicator"], row.get("currency")): row for row in answer.get("indicators", [])}


def compare_row(diff: Diff, label: str, rows: dict, key: tuple, want: dict) -> None:
    row = diff.present(f"{label} {key[0]}{'[' + key[1] + ']' if key[1] else ''}", rows, key)
    if row is not None:
        for column, value in want.items():
            diff.same(f"{label} {key[0]}{'[' + key[1] + ']' if key[1] else ''}.{column}", row.get(column), value)


#: WIOA's rows: (denominator, numerator, rate) of each rate.
WIOA_RATES = {"employment_rate_q2": ("exiters_q2_ended", "employed_q2"),
              "employment_rate_q4": ("exiters_q4_ended", "employed_q4"),
              "credential_attainment": ("exiters_year_ended", "credential_attained"),
              "retention_with_same_employer": ("employed_q2_by_placement", "same_employer_q4")}


def compare_wioa(diff: Diff, answer: dict, expected: dict, label: str) -> None:
    rows = rows_by_key(answer)
    for name, (denominator, numerator) in WIOA_RATES.items():
        compare_row(diff, label, rows, (denominator, None), expected[name]["denominator"])
        compare_row(diff, label, rows, (numerator, None), expected[name]["numerator"])
        compare_row(diff, label, rows, (name, None), expected[name]["rate"])
    earnings = expected["median_earnings_q2"]
    for currency, medians in earnings["by_currency"].items():
        compare_row(diff, label, rows, ("earners_q2", currency), earnings["count"][currency])
        compare_row(diff, label, rows, ("median_earnings_q2", currency), medians)
    compare_row(diff, label, rows, ("missing_wage", None), earnings["left_out"])
    extra = sorted(str(key) for key in rows if key[0] in ("earners_q2", "median_earnings_q2")
                   and key[1] not in earnings["by_currency"])
    diff.same(f"{label} currencies the oracle has no earnings in", extra, [])


def compare_ilo(diff: Diff, answer: dict, expected: dict, label: str) -> None:
    rows = rows_by_key(answer)
    for name in ("placements", "formal", "formal_share", "mean_hours_per_week", "median_hours_per_week"):
        compare_row(diff, label, rows, (name, None), expected[name])
    for contract in ("permanent", "fixed_term", "apprenticeship", "seasonal"):
        compare_row(diff, label, rows, (f"contract_{contract}", None),
                    {key: expected["contract_types"][key].get(contract, 0) for key in (*SEXES, "total")})
    gaps = {(gap["currency"], gap["pair"]): gap["gap"] for gap in answer.get("gender_pay_gap", [])}
    for currency, hourly in expected["hourly_wage"].items():
        compare_row(diff, label, rows, ("paid_placements", currency), hourly["count"])
        compare_row(diff, label, rows, ("median_hourly_wage", currency),
                    {key: None if value is None else Decimal(value.numerator) / Decimal(value.denominator)
                     for key, value in hourly["median"].items()})
        diff.same(f"{label} gender_pay_gap[{currency}].female_male", gaps.get((currency, "female_male")),
                  hourly["gender_pay_gap"])


def compare_funnel(diff: Diff, answer: dict, expected: dict, label: str) -> None:
    rows = {(row["stage"], row.get("exit_reason")): row for row in answer.get("stages", [])}
    wanted = {(name, None): (counts, expected["shares"][name]) for name, counts in expected["stages"].items()}
    enrolled = expected["stages"]["enrolled"]
    for reason, counts in expected["dropped_out_by_reason"].items():
        wanted[("dropped_out", reason)] = (counts, {key: ratio(counts[key], enrolled[key]) for key in counts})
    for key, (counts, shares) in wanted.items():
        path = f"{label} {key[0]}{'[' + key[1] + ']' if key[1] else ''}"
        row = diff.present(path, rows, key)
        if row is None:
            continue
        for column, value in counts.items():
            diff.same(f"{path}.{column}", row.get(column), value)
        for column, value in shares.items():
            diff.same(f"{path}.share_of_enrolled.{column}", (row.get("share_of_enrolled") or {}).get(column), value)
    for key, row in rows.items():
        if key[1] is not None and key not in wanted:
            diff.same(f"{label} dropped_out[{key[1]}].total", row.get("total"), 0)


# -- suppression (manager, suppress on) --------------------------------------------------------------

class Suppressed:
    """A suppressed answer against the exact figures: totals exact; a count of 1..k-1 never shown; a table
    whose total is below k shows no cell; a hidden cell never stands alone; what is shown is exact."""

    def __init__(self, diff: Diff, k: int):
        self.diff, self.k = diff, k
        self.hidden_seen = 0

    def table(self, path: str, have: dict, want: dict[str, int]) -> None:
        diff, k = self.diff, self.k
        diff.same(f"{path}.total", have.get("total"), want["total"])
        hidden = []
        for sex in SEXES:
            shown, value = have.get(sex), want[sex]
            if shown is None:
                hidden.append(sex)
                self.hidden_seen += 1
            elif 0 < want["total"] < k:
                diff.found.append(f"{path}.{sex}: {shown!r} shown beside a total of {want['total']} (< {k})")
            elif 0 < value < k:
                diff.found.append(f"{path}.{sex}: {shown!r} shown, below min_cell_size {k}")
            else:
                diff.same(f"{path}.{sex}", shown, value)
        if hidden and want["total"] >= k and len(hidden) < 2:
            diff.found.append(f"{path}: only {hidden} hidden, derivable from the total")


#: The counts each checkpoint rate rests on: hidden with either of them.
RATE_PARTS = {"employment_rate": ("employed", "exiters_due"), "employment_rate_recorded": ("employed", "recorded"),
              "coverage": ("recorded", "exiters_due")}


def reach_share_counts(oracle: Oracle, period: Period, target: dict) -> int:
    """People reached in the period whose participation at entry falls in the share target's category."""
    values = target["value"] if isinstance(target["value"], list) else [target["value"]]
    people = set()
    for e in oracle.r.enrolments:
        if not period.holds(e.enrolled_on):
            continue
        trainee = oracle.r.trainees[e.trainee_id]
        if target["dimension"] == "sex":
            found = trainee.sex in values
        else:
            found = bool(set(values) & set(e.vulnerable_groups_at_entry or ()))
        if found:
            people.add(e.trainee_id)
    return len(people)


@pytest.mark.parametrize("seed", SEEDS)
def test_packs_and_funnel_suppressed_for_a_manager(client, pathways, drain, seed):
    programme, oracle = generated(client, pathways, drain, seed)
    diff, k = Diff(), programme.min_cell_size
    check = Suppressed(diff, k)
    today = programme.today
    # Whole programme, a quarter, a single week: ever smaller tables.
    windows = {"all": Period(), "quarter": Period(today - timedelta(days=91), today),
               "week": Period(today - timedelta(days=7), today)}
    for name, period in windows.items():
        label = f"[{name}, manager]"
        answer = get(client, programme, diff=diff, path="/metrics/indicators", role=Role.MANAGER, framework="esf_plus",
                     **period.query())
        diff.same(f"{label} (suppression, min_cell_size)", (answer.get("suppression"), answer.get("min_cell_size")),
                  (True, k))
        rows = rows_by_indicator(answer)
        for code, want in oracle.esf_plus(period).items():
            if code in rows:
                check.table(f"{label} esf_plus {code}", rows[code], want)
        funnel = get(client, programme, diff=diff, path="/metrics/funnel", role=Role.MANAGER, **period.query())
        stages = {row["stage"]: row for row in funnel.get("stages", []) if row.get("exit_reason") is None}
        for stage, want in oracle.funnel(period)["stages"].items():
            if stage in stages:
                check.table(f"{label} funnel {stage}", stages[stage], want)
        outcomes = get(client, programme, diff=diff, path="/metrics/outcomes", role=Role.MANAGER, by="sex",
                       **period.query())
        cells = {cell["sex"]: cell.get("checkpoints") or {} for cell in outcomes.get("breakdown", [])}
        totals = outcomes.get("checkpoints") or {}
        for sex in SEXES:
            want = oracle.checkpoints(period, sex)
            for name, figures in want.items():
                shown = cells.get(sex, {}).get(name, {})
                for rate, parts in RATE_PARTS.items():
                    if name == "upon_leaving" and rate == "employment_rate_recorded":
                        parts = ("employed",)  # over those recorded or employed: a count not answered
                    if any(shown.get(part) is None for part in parts) and shown.get(rate) is not None:
                        diff.found.append(f"{label} outcomes sex={sex} {name}.{rate}: shown beside a hidden count")
        for name in CHECKPOINT_DAYS:
            for figure in ("exiters_due", "employed", "recorded", "unreachable", "overdue"):
                have = {sex: cells.get(sex, {}).get(name, {}).get(figure) for sex in SEXES}
                have["total"] = totals.get(name, {}).get(figure)
                want = {sex: oracle.checkpoints(period, sex)[name][figure] for sex in SEXES}
                want["total"] = oracle.checkpoints(period)[name][figure]
                check.table(f"{label} outcomes checkpoints.{name}.{figure}", have, want)
        wioa = rows_by_key(get(client, programme, diff=diff, path="/metrics/indicators", role=Role.MANAGER,
                               framework="wioa", **period.query()))
        expected = oracle.wioa(period)
        for name, (denominator, numerator) in WIOA_RATES.items():
            for row_name, part in ((denominator, "denominator"), (numerator, "numerator")):
                if (row_name, None) in wioa:
                    check.table(f"{label} wioa {row_name}", wioa[(row_name, None)], expected[name][part])
            if (name, None) in wioa and (numerator, None) in wioa:
                for sex in SEXES:
                    if wioa[(numerator, None)].get(sex) is None and wioa[(name, None)].get(sex) is not None:
                        diff.found.append(f"{label} wioa {name}.{sex}: shown beside its hidden numerator")
        ilo = rows_by_key(get(client, programme, diff=diff, path="/metrics/indicators", role=Role.MANAGER,
                              framework="ilo", **period.query()))
        expected = oracle.ilo(period)
        for name in ("placements", "formal"):
            if (name, None) in ilo:
                check.table(f"{label} ilo {name}", ilo[(name, None)], expected[name])
        reach = get(client, programme, diff=diff, path="/metrics/reach", role=Role.MANAGER, **period.query())
        for index, target in enumerate(reach.get("share_targets", [])):
            count = reach_share_counts(oracle, period, target)
            path = f"{label} reach share_targets[{index}] {target['dimension']}={target['value']}"
            if target["reached"] is None:
                diff.same(f"{path} (share, met) beside a hidden count", (target["share"], target["met"]),
                          (None, None))
            elif 0 < count < k:
                diff.found.append(f"{path}: count {target['reached']} shown, below {k} (oracle {count})")
        by_sex = get(client, programme, diff=diff, path="/metrics/reach", role=Role.MANAGER, by="sex", **period.query())
        if 0 < by_sex.get("reached", 0) < k:
            diff.same(f"{label} reach by sex beside a total of {by_sex['reached']}",
                      [cell["reached"] for cell in by_sex["breakdown"]], [None] * len(by_sex["breakdown"]))
    assert check.hidden_seen >= 3, "the suppressed answers had hardly any small cell to hide"
    diff.check(f"seed {seed}, suppressed")


# -- pathways metrics verify ---------------------------------------------------------------------------

def test_verify_finds_the_read_model_equal_and_counts_the_entry_corrections(committing_pathways, monkeypatch):
    """On records that really commit (the command reads through its own connection): 0 differences, and as
    many entry corrections as the generator made."""
    from click.testing import CliRunner

    from service import metrics_cli as cli_module
    from service.app import create_app
    from service.cli import main as pathways_cli
    from tests.conftest import draining

    drain = draining(committing_pathways)
    client = create_app(pathways=committing_pathways).test_client()
    programme = FundersProgramme(client, committing_pathways, drain, 7, people=30).build()
    assert drain() == 0 and programme.corrections > 0
    built = []
    original = cli_module.build
    monkeypatch.setattr(cli_module, "build", lambda *a, **k: built.append(original(*a, **k)) or built[-1])
    env = {"DATABASE_URL": committing_pathways.config.database_url,
           "PATHWAYS_PII_HASH_KEY": "fAo9nZrSbjMhZ3WbKN8VKOp2H2X6XWqNyxUVgZjoN9Q",
           "PATHWAYS_PII_ENCRYPTION_KEY": "1tEzj3Tao5ukhnDT42sdlUogKwlGu75PsxpgvEFHfgU"}
    try:
        result = CliRunner().invoke(pathways_cli, ["metrics", "verify", "--org-slug", programme.slug], env=env)
    finally:
        for pathways in built:
            pathways.dispose()
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.exit_code == 0, result.output
    assert json.loads(lines[0]) == {"organisation": programme.slug, "trainees_checked": len(programme.people),
                                    "differences": 0, "entry_corrections": programme.corrections}, result.output
    assert f"{programme.corrections} entry corrections recorded in the audit" in result.stdout
