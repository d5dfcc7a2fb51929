"""Reach, outcomes and the ESF+ indicators as SPEC sections 5 and 7 define them, suppression applied.

Which figures each report holds, and how each is made of counts, is the metrics catalogue's
(service.domain.metrics); this module gives the reports their shape (share targets, gender
gaps, checkpoints, the indicators' split by sex) and computes sums, rates and the median from
the counts.

Counts of reach are distinct people; counts of outcomes are participations (enrolments); the
indicators count participants (one per person and project). The period basis says which date
puts a row in the period (design 14 B): entry for reach and the indicators' outputs, exit for
outcomes and the indicators' results, unless the request asks for one. Whether a checkpoint is
due depends on today, which moves without an event: the counts behind it are kept per exit date
and compared with today here, so nothing stored (nor any rollup) depends on the date.
Totals are exact; breakdown cells of 1 to
`min_cell_size` - 1 are null, with the further cells `suppression.suppress` picks so that
none can be derived; a rate or median is null when any count it rests on is.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from itertools import combinations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from service.db.models import MetricEnrolment
from service.domain import metrics as catalogue
from service.domain.enrolments import ENROLLED
from service.domain.follow_ups import RECORDED, UNREACHABLE
from service.domain.metrics import (
    ENTRY, EXIT, INDICATORS, MONEY, OUTCOMES, OUTPUT, REACH, RESULT, Count, Due, MainCurrency, Median, Metric,
    Overdue, Rate, Setting, Sum,
)
from service.metrics import aggregates as agg
from service.metrics import labels
from service.metrics.aggregates import Scope
from service.metrics.suppression import suppress
from service.translations import N_

RATE_PLACES = 4
CENT = Decimal("0.01")
SEXES = catalogue.SEXES

#: Each report's counts as SQL measures, in catalogue order (the columns of its queries).
COUNTS: dict[str, dict[str, ColumnElement[int]]] = {report: agg.measures(report) for report in catalogue.REPORTS}
#: The outcomes' median and the currency it is taken in (one of each: `_outcome_figures`).
MEDIAN = next(m for m in catalogue.of_report(OUTCOMES) if isinstance(m.computed, Median))
CURRENCY = next(m for m in catalogue.of_report(OUTCOMES) if isinstance(m.computed, MainCurrency))


@dataclass(frozen=True)
class Occupations:
    """The occupation sex-share table in effect for the organisation (service.services.occupation_shares):
    which of female and male find an ISCO-08 code non-traditional (below 25 % of its workers)."""

    country: str
    scope: str
    sources: tuple[tuple[str, int], ...]
    non_traditional_sexes: Callable[[str], frozenset[str]]


@dataclass(frozen=True)
class Request:
    scope: Scope
    by: tuple[str, ...] = ()
    suppress: bool = True
    min_cell_size: int = 5
    #: `period_basis` asked for (entry or exit); None: each figure's default.
    basis: str | None = None
    #: The day checkpoints are due by: the organisation's today (service.clock.today of its time zone).
    today: date | None = None
    #: The table that says which occupations are non-traditional for a sex (none: not counted).
    occupations: Occupations | None = None

    @property
    def threshold(self) -> int:
        return self.min_cell_size if self.suppress else 0

    @property
    def day(self) -> date:
        if self.today is None:
            raise ValueError("a report that counts checkpoints needs the organisation's today")
        return self.today


#: The date fact a period filters on: participations (reach, outcomes) by their own entry or exit,
#: participants (indicators) by their first entry into the project or their final exit from it.
_PARTICIPATION_DATE = {ENTRY: "enrolled_on", EXIT: "exited_on"}
_PARTICIPANT_DATE = {ENTRY: "entered_on", EXIT: "left_on"}


def _based(request: Request, basis: str, dates: Mapping[str, str]) -> Request:
    return replace(request, scope=replace(request.scope, dated_by=dates[basis]))


# -- figures from counts, as the catalogue defines them -------------------------------------------

def _shown(report: str, counts: Mapping, hidden=frozenset(), settings: Mapping | None = None) -> dict:
    """Every count, setting, sum and rate of the report: null where hidden or resting on a hidden count."""
    shown: dict[str, object] = {}

    def value(metric: Metric):
        if metric.name not in shown:
            computed = metric.computed
            if isinstance(computed, (Count, Due, Overdue)):
                found = None if metric.name in hidden else counts.get(metric.name, 0)
            elif isinstance(computed, Setting):
                found = (settings or {}).get(metric.name)
            elif isinstance(computed, Sum):
                # Shown next to `completed`, an exit count would give away a hidden `dropped_out`.
                parts = [value(catalogue.BY_NAME[name]) for name in computed.parts]
                found = None if None in parts else sum(parts)
            elif isinstance(computed, Rate):
                top = value(catalogue.BY_NAME[computed.numerator])
                bottom = value(catalogue.BY_NAME[computed.denominator])
                found = None if top is None or not bottom else _ratio(top, bottom)
            else:  # money: the median of values the counts do not hold (`_outcome_figures`)
                return None
            shown[metric.name] = found
        return shown[metric.name]

    for metric in catalogue.of_report(report):
        value(metric)
    return shown


def _exact(counts: Mapping, name: str) -> int:
    """A count or a sum of counts, from counts nothing is hidden of."""
    computed = catalogue.BY_NAME[name].computed
    if isinstance(computed, Sum):
        return sum(_exact(counts, part) for part in computed.parts)
    return counts[name]


def _per_cell(report: str) -> tuple[str, ...]:
    """The figures of each breakdown cell, in the answers' order."""
    return tuple(m.name for m in catalogue.answered(report) if catalogue.in_cells(m))


# -- reach -------------------------------------------------------------------------------------

def reach(session: Session, request: Request, target: int | None, share_targets: Sequence[dict]) -> dict:
    basis = request.basis or catalogue.DEFAULT_BASIS[REACH]
    request = _based(request, basis, _PARTICIPATION_DATE)
    scope = request.scope
    conditions = {f"t{i}": agg.person_if(_category(t)) for i, t in enumerate(share_targets)}
    totals = agg.aggregate(session, scope, (), {**COUNTS[REACH], **conditions}).get((), {})
    shown = _shown(REACH, totals, settings={"target": target})
    reached = shown["reached"]
    report = {"period_basis": basis, **{m.name: shown[m.name] for m in catalogue.answered(REACH)},
              "share_targets": [_share(t, totals.get(f"t{i}", 0), reached, _hidden_values(session, request, t))
                                for i, t in enumerate(share_targets)]}
    if request.by:
        report["breakdown"] = [
            {**_dimensions(cell, request.by), **_pick(_shown(REACH, cell, cell["hidden"]), _per_cell(REACH)),
             "suppressed": bool(cell["hidden"])}
            for _key, cell in _cells(session, request, COUNTS[REACH], request.by)]
    return report


def _category(target: dict) -> ColumnElement[bool]:
    values = target["value"] if isinstance(target["value"], list) else [target["value"]]
    if target["dimension"] == "vulnerable_group":
        return agg.in_group(values)
    return agg.DIMENSIONS[target["dimension"]].in_(values)


def _hidden_values(session: Session, request: Request, target: dict) -> frozenset:
    """The values of the target's dimension that `by=<dimension>` would hide: a share target's count
    is that breakdown's cell (or a sum of its cells), so it is hidden alike."""
    if request.threshold <= 1:
        return frozenset()
    dimension = target["dimension"]
    people = {"reached": COUNTS[REACH]["reached"]}
    return frozenset(key[0] for key, cell in _cells(session, request, people, (dimension,)) if cell["hidden"])


def _share(target: dict, count: int, reached: int, hidden_values: frozenset) -> dict:
    values = target["value"] if isinstance(target["value"], list) else [target["value"]]
    hidden = any(value in hidden_values for value in values)
    # Whether a bound is met tells where the hidden count lies (one person of a group makes a share
    # "met" that none would not): a hidden count hides everything derived from it.
    share = None if hidden or not reached else _ratio(count, reached)
    met = None if share is None else (
        (target.get("min_share") is None or share >= target["min_share"])
        and (target.get("max_share") is None or share <= target["max_share"]))
    return {"dimension": target["dimension"], "value": target["value"],
            "min_share": target.get("min_share"), "max_share": target.get("max_share"),
            "reached": None if hidden else count, "share": share, "met": met, "suppressed": hidden}


# -- outcomes ----------------------------------------------------------------------------------

def outcomes(session: Session, request: Request) -> dict:
    basis = request.basis or catalogue.DEFAULT_BASIS[OUTCOMES]
    request = _based(request, basis, _PARTICIPATION_DATE)
    scope = request.scope
    counts = _found(session, request, (), COUNTS[OUTCOMES]).get((), {})
    all_amounts = agg.amounts(session, scope, (), MEDIAN.computed).get((), {})
    currency = _main_currency(all_amounts)
    amounts = all_amounts.get(currency, Counter())
    report = {"period_basis": basis, **_outcome_figures(counts, amounts, request.threshold),
              CURRENCY.name: currency, **_wages(all_amounts, currency, request.threshold),
              "non_traditional": _non_traditional(session, request),
              "gaps": _gaps(session, request, currency)}
    if request.by:
        cell_amounts = agg.amounts(session, scope, request.by, MEDIAN.computed)
        report["breakdown"] = [
            {**_dimensions(cell, request.by),
             **_outcome_figures(cell, cell_amounts.get(key, {}).get(currency, Counter()), request.threshold,
                                cell["hidden"]), "suppressed": bool(cell["hidden"])}
            for key, cell in _cells(session, request, COUNTS[OUTCOMES], request.by)]
    return report


def _outcome_figures(counts: Mapping, amounts: Counter[Decimal], threshold: int, hidden=frozenset()) -> dict:
    """The figures of a cell (or of the whole scope): counts, rates, the checkpoints, and the median of
    `amounts`."""
    shown = _shown(OUTCOMES, counts, hidden)
    enough = shown[MEDIAN.computed.among] is not None and amounts.total() >= max(threshold, 1)
    shown[MEDIAN.name] = _money(_median(amounts)) if enough else None
    figures = _pick(shown, _per_cell(OUTCOMES))
    figures["checkpoints"] = {name: {metric.figure: shown[metric.name] for metric in _CHECKPOINT_FIGURES[name]}
                              for name, *_rest in catalogue.CHECKPOINTS}
    return figures


#: Each checkpoint's figures, in the order its answer lists them.
_CHECKPOINT_ORDER = ("exiters_due", "employed", "recorded", "unreachable", "overdue", "employment_rate",
                     "employment_rate_recorded", "coverage")
_CHECKPOINT_FIGURES = {name: sorted((m for m in catalogue.of_report(OUTCOMES) if m.checkpoint == name),
                                    key=lambda m: _CHECKPOINT_ORDER.index(m.figure))
                       for name, *_rest in catalogue.CHECKPOINTS}
#: The counts made from the exits per day and today, not by a query of their own.
_DUE_NAMES = tuple(m.name for m in catalogue.of_report(OUTCOMES) if isinstance(m.computed, (Due, Overdue)))


def _wages(by_currency: Mapping[str, Counter], main: str | None, threshold: int) -> dict:
    """The median starting wage in every currency (null below the threshold) and how many placements of
    placed_within_90d are paid in a currency other than `main` (left out of median_wage)."""
    return {"median_wages": {currency: _money(_median(values)) if values.total() >= max(threshold, 1) else None
                             for currency, values in sorted(by_currency.items())},
            "wages_left_out": {currency: values.total() for currency, values in sorted(by_currency.items())
                               if currency != main}}


# The outcomes' own keys, labelled in the exports (service.metrics.tables).
labels.register(columns={
    "median_wages": N_("Median wage per currency"),
    "wages_left_out": N_("Placements left out of the median wage (other currencies)"),
    "non_traditional": N_("Placed in occupations non-traditional for their sex"),
    "women_in_jobs_non_traditional_for_women": N_("Women in occupations non-traditional for women"),
    "men_in_jobs_non_traditional_for_men": N_("Men in occupations non-traditional for men"),
    "country": N_("Country"),
    "table": N_("Occupation sex-share table"),
    "sources": N_("Sources"),
})

#: Participations with a job, per sex and ISCO-08 code of the job (`_non_traditional`).
_JOB = MetricEnrolment.job_occupation
_JOBS = {"jobs": agg.count_if(_JOB.is_not(None))}
#: Which sex is counted in which occupations: women in jobs non-traditional for women, men in those for men.
_NON_TRADITIONAL = {"female": "women_in_jobs_non_traditional_for_women",
                    "male": "men_in_jobs_non_traditional_for_men"}


def _non_traditional(session: Session, request: Request) -> dict | None:
    """Participations of women whose job's occupation is non-traditional for women (below 25 % of its workers
    in the table in effect), and of men in occupations non-traditional for men; null without a table. A count
    of 1 to min_cell_size - 1 is hidden. Asked even without a table, so that it is one rollup of outcomes."""
    per_code = agg.aggregate(session, request.scope, ("sex",), _JOBS, keys_after=(_JOB,))
    table = request.occupations
    if table is None:
        return None
    counts = dict.fromkeys(_NON_TRADITIONAL, 0)
    for (sex, code), found in per_code.items():
        if code is not None and sex in counts and sex in table.non_traditional_sexes(code):
            counts[sex] += found["jobs"]
    return {**{name: None if 0 < counts[sex] < request.threshold else counts[sex]
               for sex, name in _NON_TRADITIONAL.items()},
            "country": table.country, "table": table.scope,
            "sources": "; ".join(f"{source} ({year})" for source, year in table.sources)}


#: Per exit date: the participations exited and those whose checkpoint is answered (recorded or unreachable),
#: from which `_checkpoint_counts` makes the due and overdue counts of a day.
_EXIT_DATE = MetricEnrolment.exited_on
_PER_EXIT_DATE = {
    "exited": agg.count_if(MetricEnrolment.status != ENROLLED),
    **{f"{name}_answered": agg.count_if(agg.column(f"{checkpoint}_status").in_((RECORDED, UNREACHABLE)))
       for name, checkpoint, _days, _window in catalogue.CHECKPOINTS},
}


def _found(session: Session, request: Request, by: Sequence[str],
           measures: Mapping[str, ColumnElement]) -> dict[tuple, dict[str, int]]:
    """{cell: {measure: value}}: the counts, and with the outcomes' counts the checkpoints' due and overdue."""
    found = agg.aggregate(session, request.scope, by, measures)
    if measures is not COUNTS[OUTCOMES]:
        return found
    per_day = agg.aggregate(session, request.scope, by, _PER_EXIT_DATE, keys_after=(_EXIT_DATE,))
    today = request.day
    for key, counts in per_day.items():
        *cell, exited_on = key
        if exited_on is None:
            continue
        into = found.setdefault(tuple(cell), {})
        for name, value in _checkpoint_counts(counts, exited_on, today).items():
            into[name] = into.get(name, 0) + value
    return found


def _checkpoint_counts(counts: Mapping[str, int], exited_on: date, today: date) -> dict[str, int]:
    """The due and overdue counts of the participations exited on one day, as of `today`."""
    found = {}
    for name, _checkpoint, days, window in catalogue.CHECKPOINTS:
        due_on = exited_on + timedelta(days=days)
        found[f"{name}_exiters_due"] = counts["exited"] if due_on <= today else 0
        window_passed = today > due_on + timedelta(days=window)
        found[f"{name}_overdue"] = counts["exited"] - counts[f"{name}_answered"] if window_passed else 0
    return found


def _gaps(session: Session, request: Request, currency: str | None) -> dict:
    """For each figure the catalogue marks as a gap: the female and male figures with their difference
    and ratio (as before), and `pairs`: for every pair of sexes, in the order of the sexes, first minus
    second and first / second (`female_male`, `female_non_binary`, ..., `non_binary_undisclosed`).

    A pair's gap is null when either figure is (hidden, or resting on a hidden count): a gap beside
    a shown figure would give the hidden one away.
    """
    by_sex = {key[0]: cell for key, cell in _cells(session, request, COUNTS[OUTCOMES], ("sex",))}
    sex_amounts = agg.amounts(session, request.scope, ("sex",), MEDIAN.computed)
    figures = {sex: _outcome_figures(cell, sex_amounts.get((sex,), {}).get(currency, Counter()),
                                     request.threshold, cell["hidden"]) for sex, cell in by_sex.items()}
    pairs = list(combinations(by_sex, 2))
    gaps = {}
    for metric in catalogue.of_report(OUTCOMES):
        if not metric.gap:
            continue
        shown = {sex: figures[sex][metric.name] for sex in by_sex}
        exact = {sex: _exact_figure(metric, shown[sex], by_sex[sex]) for sex in by_sex}
        gap = {first + "_" + second: _pair_gap(metric, exact[first], exact[second]) for first, second in pairs}
        female_male = gap.get("female_male", {"difference": None, "ratio": None})
        gaps[metric.name] = {"female": shown.get("female"), "male": shown.get("male"), **female_male, "pairs": gap}
    return gaps


def _exact_figure(metric: Metric, shown, counts: Mapping) -> Fraction | None:
    """A sex's figure, exact: money from its value, a rate from its counts (the rounded rates would put
    their rounding into the gap); None when the figure is not shown."""
    if shown is None:
        return None
    if metric.unit == MONEY:
        return Fraction(Decimal(shown))
    rate = metric.computed
    return Fraction(_exact(counts, rate.numerator), _exact(counts, rate.denominator))


def _pair_gap(metric: Metric, first: Fraction | None, second: Fraction | None) -> dict:
    """first - second and first / second; null when either is null, the ratio also when second is 0."""
    both = first is not None and second is not None
    difference = None if not both else (
        _money(_decimal(first - second)) if metric.unit == MONEY else round(float(first - second), RATE_PLACES))
    ratio = round(float(first / second), RATE_PLACES) if both and second else None
    return {"difference": difference, "ratio": ratio}


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _main_currency(wages_by_currency: Mapping[str, Counter]) -> str | None:
    """The currency most placements are paid in (ties: alphabetical); medians use only it."""
    if not wages_by_currency:
        return None
    counts = Counter({currency: values.total() for currency, values in wages_by_currency.items()})
    return min(counts, key=lambda currency: (-counts[currency], currency))


def _median(wages: Counter[Decimal]) -> Decimal:
    """The median of wages given as {wage: how many}: the middle one, or the mean of the middle two."""
    size = wages.total()
    middle = sorted({(size - 1) // 2, size // 2})
    found, seen = [], 0
    for wage in sorted(wages):
        seen += wages[wage]
        while len(found) < len(middle) and seen > middle[len(found)]:
            found.append(wage)
    return found[0] if len(found) == 1 else (found[0] + found[1]) / 2


# -- indicators --------------------------------------------------------------------------------

INDICATOR_COUNTS = COUNTS[INDICATORS]
#: The indicators' counts by kind: outputs filtered by the participant's entry, results by the final exit.
KIND_COUNTS = {kind: {m.name: INDICATOR_COUNTS[m.name] for m in catalogue.counted(INDICATORS) if m.kind == kind}
               for kind in (OUTPUT, RESULT)}


def indicators(session: Session, request: Request) -> dict:
    """Each ESF+ common indicator split by sex; with `by=`, the same table for every cell."""
    bases = {kind: request.basis or catalogue.DEFAULT_INDICATOR_BASIS[kind] for kind in (OUTPUT, RESULT)}
    requests = {kind: _based(request, basis, _PARTICIPANT_DATE) for kind, basis in bases.items()}

    def cells(by: Sequence[str]) -> list[tuple[tuple, dict]]:
        return _indicator_cells(session, requests, by)

    totals = _indicator_totals(session, requests)
    by_sex = dict(cells(("sex",)))
    report = {"framework": catalogue.ESF_PLUS,
              "period_basis": request.basis or {"outputs": bases[OUTPUT], "results": bases[RESULT]},
              "indicators": [_indicator_row(code, {sex: by_sex[(sex,)] for sex in SEXES}, totals.get(code, 0))
                             for code in INDICATOR_COUNTS]}
    if request.by:
        split_by = request.by if "sex" in request.by else (*request.by, "sex")
        split = dict(cells(split_by))
        report["breakdown"] = []
        for key, cell in cells(request.by):
            sexes = {sex: _sex_part(split, request.by, key, sex) for sex in SEXES}
            rows = [_indicator_row(code, sexes, None if code in cell["hidden"] else cell[code])
                    for code in INDICATOR_COUNTS]
            report["breakdown"].append({**_dimensions(cell, request.by), "indicators": rows,
                                        "suppressed": any(row["suppressed"] for row in rows)})
    return report


def _one_query(requests: Mapping[str, Request]) -> bool:
    """Whether one query over the outputs' rows gives the results too: the same scope, or no period (the
    results' exit basis then only asks for a final exit, which every result's own condition requires)."""
    output, result = requests[OUTPUT].scope, requests[RESULT].scope
    return output == result or (output.whole and result.whole)


def _indicator_totals(session: Session, requests: Mapping[str, Request]) -> dict[str, int]:
    if _one_query(requests):
        return agg.aggregate(session, requests[OUTPUT].scope, (), INDICATOR_COUNTS).get((), {})
    return {**agg.aggregate(session, requests[OUTPUT].scope, (), KIND_COUNTS[OUTPUT]).get((), {}),
            **agg.aggregate(session, requests[RESULT].scope, (), KIND_COUNTS[RESULT]).get((), {})}


def _indicator_cells(session: Session, requests: Mapping[str, Request],
                     by: Sequence[str]) -> list[tuple[tuple, dict]]:
    """`_cells` of the outputs and of the results, each on its own period basis, cell by cell together."""
    if _one_query(requests):
        return _cells(session, requests[OUTPUT], INDICATOR_COUNTS, by)
    merged = []
    for (key, outputs), (_key, results) in zip(_cells(session, requests[OUTPUT], KIND_COUNTS[OUTPUT], by),
                                               _cells(session, requests[RESULT], KIND_COUNTS[RESULT], by)):
        merged.append((key, {**outputs, **results, "hidden": outputs["hidden"] | results["hidden"]}))
    return merged


def _sex_part(split: Mapping[tuple, dict], by: Sequence[str], key: tuple, sex: str) -> dict:
    """The (cell, sex) counts; when `by` has sex already, the other sexes of a cell are zero."""
    if "sex" not in by:
        return split[(*key, sex)]
    return split[key] if key[by.index("sex")] == sex else {code: 0 for code in INDICATOR_COUNTS} | {"hidden": set()}


def _indicator_row(code: str, sexes: Mapping[str, dict], total: int | None) -> dict:
    values = {sex: None if code in cell["hidden"] else cell[code] for sex, cell in sexes.items()}
    return {"indicator": code, **values, "total": total,
            "suppressed": total is None or any(value is None for value in values.values())}


# -- breakdown cells and suppression -----------------------------------------------------------

def _cells(session: Session, request: Request, measures: Mapping[str, ColumnElement],
           by: Sequence[str]) -> list[tuple[tuple, dict]]:
    """Every cell of the `by` grid with its counts and the set of its measures to hide."""
    found = _found(session, request, by, measures)
    names = (*measures, *(_DUE_NAMES if measures is COUNTS[OUTCOMES] else ()))
    values = [agg.dimension_values(session, request.scope, name) for name in by]
    grid = agg.grid(session, request.scope, by)
    hidden: dict[tuple, set[str]] = {key: set() for key in grid}
    if request.threshold > 1:
        for measure in names:
            table = {key: found.get(key, {}).get(measure, 0) for key in grid}
            for key in suppress(table, values, request.threshold):
                hidden[key].add(measure)
    return [(key, {**{name: _dimension_value(name, value) for name, value in zip(by, key)},
                   **{m: found.get(key, {}).get(m, 0) for m in names}, "hidden": hidden[key]})
            for key in grid]


def _dimensions(cell: Mapping, by: Sequence[str]) -> dict:
    return {name: cell[name] for name in by}


def _pick(figures: Mapping, names: Sequence[str]) -> dict:
    return {name: figures[name] for name in names}


def _dimension_value(name: str, value):
    return str(value) if isinstance(value, uuid.UUID) else value


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, RATE_PLACES)


def _money(value) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN))
