"""Reach, outcomes and the ESF+ indicators as SPEC section 5 defines them, suppression applied.

Which figures each report holds, and how each is made of counts, is the metrics catalogue's
(service.domain.metrics); this module gives the reports their shape (share targets, gender
gaps, the indicators' split by sex) and computes sums, rates and the median from the counts.

Counts of reach are distinct people; counts of outcomes and indicators are participations
(enrolments), as ESF+ counts entries. Totals are exact; breakdown cells of 1 to
`min_cell_size` - 1 are null, with the further cells `suppression.suppress` picks so that
none can be derived; a rate or median is null when any count it rests on is.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from itertools import combinations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from service.domain import metrics as catalogue
from service.domain.metrics import MONEY, OUTCOMES, REACH, Count, MainCurrency, Median, Metric, Rate, Setting, Sum
from service.metrics import aggregates as agg
from service.metrics.aggregates import Scope
from service.metrics.suppression import suppress

RATE_PLACES = 4
CENT = Decimal("0.01")
SEXES = ("female", "male", "other")

#: Each report's counts as SQL measures, in catalogue order (the columns of its queries).
COUNTS: dict[str, dict[str, ColumnElement[int]]] = {report: agg.measures(report) for report in catalogue.REPORTS}
#: The outcomes' median and the currency it is taken in (one of each: `_outcome_figures`).
MEDIAN = next(m for m in catalogue.of_report(OUTCOMES) if isinstance(m.computed, Median))
CURRENCY = next(m for m in catalogue.of_report(OUTCOMES) if isinstance(m.computed, MainCurrency))


@dataclass(frozen=True)
class Request:
    scope: Scope
    by: tuple[str, ...] = ()
    suppress: bool = True
    min_cell_size: int = 5

    @property
    def threshold(self) -> int:
        return self.min_cell_size if self.suppress else 0


# -- figures from counts, as the catalogue defines them -------------------------------------------

def _shown(report: str, counts: Mapping, hidden=frozenset(), settings: Mapping | None = None) -> dict:
    """Every count, setting, sum and rate of the report: null where hidden or resting on a hidden count."""
    shown: dict[str, object] = {}

    def value(metric: Metric):
        if metric.name not in shown:
            computed = metric.computed
            if isinstance(computed, Count):
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
    scope = request.scope
    conditions = {f"t{i}": agg.person_if(_category(t)) for i, t in enumerate(share_targets)}
    totals = agg.aggregate(session, scope, (), {**COUNTS[REACH], **conditions}).get((), {})
    shown = _shown(REACH, totals, settings={"target": target})
    reached = shown["reached"]
    report = {**{m.name: shown[m.name] for m in catalogue.answered(REACH)},
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
    scope = request.scope
    counts = agg.aggregate(session, scope, (), COUNTS[OUTCOMES]).get((), {})
    all_amounts = agg.amounts(session, scope, (), MEDIAN.computed).get((), {})
    currency = _main_currency(all_amounts)
    amounts = all_amounts.get(currency, Counter())
    report = {**_outcome_figures(counts, amounts, request.threshold), CURRENCY.name: currency,
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
    """The figures of a cell (or of the whole scope): counts, rates, and the median of `amounts`."""
    shown = _shown(OUTCOMES, counts, hidden)
    enough = shown[MEDIAN.computed.among] is not None and amounts.total() >= max(threshold, 1)
    shown[MEDIAN.name] = _money(_median(amounts)) if enough else None
    return _pick(shown, _per_cell(OUTCOMES))


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

INDICATOR_COUNTS = COUNTS[catalogue.INDICATORS]


def indicators(session: Session, request: Request) -> dict:
    """Each ESF+ common indicator split by sex; with `by=`, the same table for every cell."""
    totals = agg.aggregate(session, request.scope, (), INDICATOR_COUNTS).get((), {})
    by_sex = dict(_cells(session, request, INDICATOR_COUNTS, ("sex",)))
    report = {"framework": "esf_plus", "indicators": [
        _indicator_row(code, {sex: by_sex[(sex,)] for sex in SEXES}, totals.get(code, 0))
        for code in INDICATOR_COUNTS]}
    if request.by:
        split_by = request.by if "sex" in request.by else (*request.by, "sex")
        split = dict(_cells(session, request, INDICATOR_COUNTS, split_by))
        report["breakdown"] = []
        for key, cell in _cells(session, request, INDICATOR_COUNTS, request.by):
            sexes = {sex: _sex_part(split, request.by, key, sex) for sex in SEXES}
            rows = [_indicator_row(code, sexes, None if code in cell["hidden"] else cell[code])
                    for code in INDICATOR_COUNTS]
            report["breakdown"].append({**_dimensions(cell, request.by), "indicators": rows,
                                        "suppressed": any(row["suppressed"] for row in rows)})
    return report


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
    found = agg.aggregate(session, request.scope, by, measures)
    values = [agg.dimension_values(session, request.scope, name) for name in by]
    grid = agg.grid(session, request.scope, by)
    hidden: dict[tuple, set[str]] = {key: set() for key in grid}
    if request.threshold > 1:
        for measure in measures:
            table = {key: found.get(key, {}).get(measure, 0) for key in grid}
            for key in suppress(table, values, request.threshold):
                hidden[key].add(measure)
    return [(key, {**{name: _dimension_value(name, value) for name, value in zip(by, key)},
                   **{m: found.get(key, {}).get(m, 0) for m in measures}, "hidden": hidden[key]})
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
