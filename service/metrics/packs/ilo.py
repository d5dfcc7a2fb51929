"""ILO decent-work indicators of the jobs found (ILO, "Decent Work Indicators: Guidelines for producers
and users of statistical and legal framework indicators", 2nd ed., 2013), over the placements
started in the period (of the organisation, or of a project's participants), each split by sex.

- formal share: placements registered with social security, over all placements (the informal
  share is its complement: the ILO's informal employment rate);
- placements by contract type (permanent, fixed-term, apprenticeship, seasonal);
- hours per week: mean and median;
- median hourly wage = monthly wage / (hours per week x 52 / 12), per currency, never mixed;
- the gender pay gap on hourly earnings, (male median - female median) / male median, per currency
  (the ILO's definition), and the same for every other pair of sexes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from fractions import Fraction

from sqlalchemy.orm import Session

from service.domain import metrics as catalogue
from service.domain import vacancies
from service.metrics.packs import figures as f
from service.metrics.packs import records
from service.metrics.reports import Request
from service.translations import N_

FRAMEWORK = catalogue.ILO
#: The period is that of the job's start.
PERIOD_BASIS = "placement_start"
WEEKS_PER_MONTH = Fraction(52, 12)

CONTRACT_INDICATORS = {contract: f"contract_{contract}" for contract in vacancies.CONTRACT_TYPES}

#: Each indicator's export label (a gettext msgid), in the answer's order.
LABELS = {
    "placements": N_("Placements started"),
    "formal": N_("Formal placements (registered with social security)"),
    "informal": N_("Informal placements"),
    "formal_share": N_("Formal employment share"),
    "informal_share": N_("Informal employment share"),
    "contract_permanent": N_("Permanent contracts"),
    "contract_fixed_term": N_("Fixed-term contracts"),
    "contract_apprenticeship": N_("Apprenticeships"),
    "contract_seasonal": N_("Seasonal contracts"),
    "mean_hours_per_week": N_("Mean hours per week"),
    "median_hours_per_week": N_("Median hours per week"),
    "paid_placements": N_("Placements paid in this currency"),
    "median_hourly_wage": N_("Median hourly wage"),
}
assert set(CONTRACT_INDICATORS.values()) <= set(LABELS), "every contract type needs its label"


def hourly(job: records.Job) -> Fraction:
    """The monthly wage per hour worked: hours a week times 52 weeks over 12 months."""
    return Fraction(job.wage_monthly) / (job.hours_per_week * WEEKS_PER_MONTH)


def pack(session: Session, request: Request) -> dict:
    threshold = request.threshold
    started = records.jobs_started(session, request.scope)

    placements = f.count("placements", Counter(s.sex for s in started), threshold, f.PLACEMENTS)
    formality = Counter(("formal" if s.job.formal else "informal", s.sex) for s in started)
    formal, informal = f.categories({"formal": "formal", "informal": "informal"}, formality, placements,
                                    threshold, f.PLACEMENTS)
    contracts = f.categories(CONTRACT_INDICATORS, Counter((s.job.contract_type, s.sex) for s in started),
                             placements, threshold, f.PLACEMENTS)
    hours: dict[str, list[Fraction]] = defaultdict(list)
    wages: dict[str, dict[str, list[Fraction]]] = defaultdict(lambda: defaultdict(list))
    for s in started:
        hours[s.sex].append(Fraction(s.job.hours_per_week))
        wages[s.job.currency][s.sex].append(hourly(s.job))

    found = [placements, formal, informal, f.share("formal_share", formal, placements),
             f.share("informal_share", informal, placements), *contracts,
             f.mean("mean_hours_per_week", f.HOURS, hours, placements, threshold),
             f.middle("median_hours_per_week", f.HOURS, hours, placements, threshold)]
    pay_gaps = []
    currencies = sorted(wages)
    # Placements by currency add up to all placements: one table, so none is had by subtraction.
    paid_by = f.categories({c: "paid_placements" for c in currencies},
                           Counter({(c, s): len(v) for c in currencies for s, v in wages[c].items()}),
                           placements, threshold, f.PLACEMENTS)
    for currency, paid in zip(currencies, paid_by):
        paid.currency = currency
        median = f.middle("median_hourly_wage", f.MONEY, wages[currency], paid, threshold, currency)
        found += [paid, median]
        pay_gaps += f.pay_gaps(median)
    return {
        "framework": FRAMEWORK,
        "period_basis": PERIOD_BASIS,
        "placements": placements.values[f.TOTAL],
        "indicators": [figure.row() for figure in found],
        "gender_pay_gap": pay_gaps,
        "gaps": f.gaps(found),
    }
