"""The WIOA primary indicators of performance (US Department of Labor, TEGL 10-16, Change 1 and 2),
over the participants who left in the period (exit basis), each split by sex.

- employment rate in the 2nd and 4th quarter after the exit quarter: employed at any time in that
  quarter (a placement overlapping it, or a follow-up recorded employed or self-employed observed
  in it), over every exiter whose quarter has ended by today;
- median earnings in the 2nd quarter after exit: the monthly wage of the job held in that quarter
  (the placement overlapping it that started last, else the wage recorded at a follow-up observed
  in it), per currency, never mixed; the exiters employed without a known wage (`missing_wage`), and
  those paid in another currency, are counted beside the medians;
- credential attainment within a year after exit: a qualification gained, over every exiter whose
  year after exit has ended (every participant here is in training);
- retention with the same employer in the 2nd and 4th quarter (the "effectiveness in serving
  employers" approach): of those employed in Q2 by a placement, whose Q4 has ended, the share with
  a placement of the same employer overlapping Q4.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from fractions import Fraction

from sqlalchemy.orm import Session

from service.domain import metrics as catalogue
from service.metrics.packs import figures as f
from service.metrics.packs import records
from service.metrics.packs.quarters import Quarter, after_exit, year_after_exit_ended
from service.metrics.reports import Request
from service.translations import N_

FRAMEWORK = catalogue.WIOA
#: The category of those employed without a known wage, beside the currencies (ISO 4217: three capitals).
NO_WAGE = "none"

#: Each indicator's export label (a gettext msgid), in the answer's order.
LABELS = {
    "exiters_q2_ended": N_("Exiters whose 2nd quarter after exit has ended"),
    "employed_q2": N_("Employed in the 2nd quarter after exit"),
    "employment_rate_q2": N_("Employment rate, 2nd quarter after exit"),
    "exiters_q4_ended": N_("Exiters whose 4th quarter after exit has ended"),
    "employed_q4": N_("Employed in the 4th quarter after exit"),
    "employment_rate_q4": N_("Employment rate, 4th quarter after exit"),
    "earners_q2": N_("Exiters with a known wage in the 2nd quarter after exit"),
    "median_earnings_q2": N_("Median monthly earnings, 2nd quarter after exit"),
    "missing_wage": N_("Employed in the 2nd quarter after exit, wage not known"),
    "exiters_year_ended": N_("Exiters whose year after exit has ended"),
    "credential_attained": N_("Exiters who gained a credential"),
    "credential_attainment": N_("Credential attainment rate"),
    "employed_q2_by_placement": N_("Employed by a placement in the 2nd quarter after exit, 4th quarter ended"),
    "same_employer_q4": N_("With the same employer in the 4th quarter after exit"),
    "retention_with_same_employer": N_("Retention with the same employer, 2nd and 4th quarter after exit"),
}


def pack(session: Session, request: Request) -> dict:
    scope, threshold, today = request.scope, request.threshold, request.day
    basis = request.basis or records.EXIT
    leavers = [p for p in records.participants(session, scope, basis) if p.exited_on is not None]
    jobs = records.jobs(session, scope)
    seen = records.observations(session, scope)

    counts: dict[str, Counter[str]] = defaultdict(Counter)
    wages: dict[str, dict[str, list[Fraction]]] = defaultdict(lambda: defaultdict(list))
    missing_wage: Counter[str] = Counter()
    for person in leavers:
        exited_on, sex = person.exited_on, person.sex
        assert exited_on is not None
        own_jobs, own_seen = jobs.get(person.trainee_id, ()), seen.get(person.trainee_id, ())
        q2, q4 = after_exit(exited_on, 2), after_exit(exited_on, 4)
        in_q2 = [job for job in own_jobs if q2.overlaps(job.started_on, job.ended_on)]
        seen_q2 = [o for o in own_seen if q2.holds(o.observed_on)]
        if q2.ended_by(today):
            counts["exiters_q2_ended"][sex] += 1
            if in_q2 or seen_q2:
                counts["employed_q2"][sex] += 1
                wage = _wage(in_q2, seen_q2)
                if wage is None:
                    missing_wage[sex] += 1
                else:
                    wages[wage[1]][sex].append(Fraction(wage[0]))
        if q4.ended_by(today):
            counts["exiters_q4_ended"][sex] += 1
            if _employed(q4, own_jobs, own_seen):
                counts["employed_q4"][sex] += 1
            if in_q2:
                counts["employed_q2_by_placement"][sex] += 1
                employers = {job.employer_id for job in in_q2}
                if any(job.employer_id in employers and q4.overlaps(job.started_on, job.ended_on)
                       for job in own_jobs):
                    counts["same_employer_q4"][sex] += 1
        if year_after_exit_ended(exited_on, today):
            counts["exiters_year_ended"][sex] += 1
            if person.qualification_gained:
                counts["credential_attained"][sex] += 1

    found = [
        *f.rate(("exiters_q2_ended", "employed_q2", "employment_rate_q2"),
                counts["exiters_q2_ended"], counts["employed_q2"], threshold),
        *f.rate(("exiters_q4_ended", "employed_q4", "employment_rate_q4"),
                counts["exiters_q4_ended"], counts["employed_q4"], threshold),
    ]
    # Those employed in Q2 by the currency of their wage, or none known: one table whose margins are
    # `employed_q2`, so that no part of it is had by subtraction.
    currencies = sorted(wages)
    by_wage = Counter({(c, s): len(v) for c in currencies for s, v in wages[c].items()})
    by_wage.update({(NO_WAGE, s): n for s, n in missing_wage.items()})
    parts = f.categories({**{c: "earners_q2" for c in currencies}, NO_WAGE: "missing_wage"}, by_wage,
                         found[1], threshold, f.PEOPLE)
    for currency, earners in zip(currencies, parts):
        earners.currency = currency
        found += [earners, f.middle("median_earnings_q2", f.MONEY, wages[currency], earners, threshold, currency)]
    found.append(parts[-1])
    found += [
        *f.rate(("exiters_year_ended", "credential_attained", "credential_attainment"),
                counts["exiters_year_ended"], counts["credential_attained"], threshold),
        *f.rate(("employed_q2_by_placement", "same_employer_q4", "retention_with_same_employer"),
                counts["employed_q2_by_placement"], counts["same_employer_q4"], threshold),
    ]
    with_wage = {currency: sum(len(v) for v in by.values()) for currency, by in wages.items()}
    return {
        "framework": FRAMEWORK,
        "period_basis": basis,
        "reference_date": today.isoformat(),
        "exiters": len(leavers),
        "indicators": [figure.row() for figure in found],
        "earnings_left_out": {
            "missing_wage": missing_wage.total(),
            "other_currency": {currency: sum(with_wage.values()) - n for currency, n in sorted(with_wage.items())},
        },
        "gaps": f.gaps(found),
    }


def _employed(quarter: Quarter, jobs, seen) -> bool:
    return (any(quarter.overlaps(job.started_on, job.ended_on) for job in jobs)
            or any(quarter.holds(o.observed_on) for o in seen))


def _wage(jobs_in_quarter, seen_in_quarter):
    """(monthly wage, currency) in the quarter: the job started last (they come in start order), else
    the wage last recorded at a follow-up observed in it; None when neither has one."""
    if jobs_in_quarter:
        job = jobs_in_quarter[-1]
        return job.wage_monthly, job.currency
    with_wage = [o for o in seen_in_quarter if o.wage_monthly is not None and o.currency]
    return (with_wage[-1].wage_monthly, with_wage[-1].currency) if with_wage else None
