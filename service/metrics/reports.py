"""Reach, outcomes and the ESF+ indicators as SPEC section 5 defines them, suppression applied.

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

from sqlalchemy import ColumnElement, and_, true
from sqlalchemy.orm import Session

from service.db.models import MetricEnrolment as E
from service.db.models import MetricParticipant as P
from service.metrics import aggregates as agg
from service.metrics.aggregates import Scope
from service.metrics.suppression import suppress
from service.domain import enrolments as enrolment_rules

RATE_PLACES = 4
CENT = Decimal("0.01")

#: Each rate and the two counts it is made of (numerator, denominator).
RATES = {
    "completion_rate": ("completed", "exited"),
    "placement_rate": ("placed_within_90d", "completed"),
    "employment_rate_6m": ("employed_at_6m", "month_6_recorded"),
}
GAP_RATES = tuple(RATES)
SEXES = ("female", "male", "other")


@dataclass(frozen=True)
class Request:
    scope: Scope
    by: tuple[str, ...] = ()
    suppress: bool = True
    min_cell_size: int = 5

    @property
    def threshold(self) -> int:
        return self.min_cell_size if self.suppress else 0


# -- reach -------------------------------------------------------------------------------------

def reach(session: Session, request: Request, target: int | None, share_targets: Sequence[dict]) -> dict:
    scope = request.scope
    conditions = {f"t{i}": agg.person_if(_category(t)) for i, t in enumerate(share_targets)}
    totals = agg.aggregate(session, scope, (), {"reached": agg.REACHED, **conditions}).get((), {})
    reached = totals.get("reached", 0)
    report = {"reached": reached, "target": target,
              "progress": _ratio(reached, target) if target else None,
              "share_targets": [_share(t, totals.get(f"t{i}", 0), reached, _hidden_values(session, request, t))
                                for i, t in enumerate(share_targets)]}
    if request.by:
        report["breakdown"] = _breakdown(session, request, {"reached": agg.REACHED}, ("reached",))
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
    return frozenset(key[0] for key, cell in _cells(session, request, {"reached": agg.REACHED}, (dimension,))
                     if cell["hidden"])


def _share(target: dict, count: int, reached: int, hidden_values: frozenset) -> dict:
    values = target["value"] if isinstance(target["value"], list) else [target["value"]]
    hidden = any(value in hidden_values for value in values)
    share = _ratio(count, reached) if reached else None
    met = None if share is None else (
        (target.get("min_share") is None or share >= target["min_share"])
        and (target.get("max_share") is None or share <= target["max_share"]))
    return {"dimension": target["dimension"], "value": target["value"],
            "min_share": target.get("min_share"), "max_share": target.get("max_share"),
            "reached": None if hidden else count, "share": None if hidden else share,
            "met": met, "suppressed": hidden}


# -- outcomes ----------------------------------------------------------------------------------

def outcomes(session: Session, request: Request) -> dict:
    scope = request.scope
    counts = _with_exited(agg.aggregate(session, scope, (), agg.OUTCOME_COUNTS).get((), {}))
    all_wages = agg.wages(session, scope, ()).get((), {})
    currency = _main_currency(all_wages)
    wages = all_wages.get(currency, Counter())
    report = {**_outcome_figures(counts, wages, request.threshold), "wage_currency": currency,
              "gaps": _gaps(session, request, currency)}
    if request.by:
        cell_wages = agg.wages(session, scope, request.by)
        report["breakdown"] = [
            {**cell, **_outcome_figures(_with_exited(cell), cell_wages.get(key, {}).get(currency, Counter()),
                                        request.threshold, cell["hidden"]), "suppressed": bool(cell["hidden"])}
            for key, cell in _cells(session, request, agg.OUTCOME_COUNTS, request.by)]
        for cell in report["breakdown"]:
            cell.pop("hidden")
            cell.pop("exited", None)
    return report


def _outcome_figures(counts: Mapping, wages: Counter[Decimal], threshold: int, hidden=frozenset()) -> dict:
    shown = {name: (None if name in hidden else counts.get(name, 0)) for name in agg.OUTCOME_COUNTS}
    # Shown next to `completed`, an exit count would give away a hidden `dropped_out`.
    shown["exited"] = None if {"completed", "dropped_out"} & set(hidden) else counts.get("exited", 0)
    figures = {name: shown[name] for name in agg.OUTCOME_COUNTS}
    for rate, (numerator, denominator) in RATES.items():
        top, bottom = shown[numerator], shown[denominator]
        figures[rate] = None if top is None or not bottom else _ratio(top, bottom)
    enough = shown["placed_within_90d"] is not None and wages.total() >= max(threshold, 1)
    figures["median_wage"] = _money(_median(wages)) if enough else None
    return figures


def _with_exited(counts: Mapping) -> dict:
    completed, dropped = counts.get("completed"), counts.get("dropped_out")
    exited = None if completed is None or dropped is None else completed + dropped
    return {**counts, "exited": exited}


def _gaps(session: Session, request: Request, currency: str | None) -> dict:
    """Female minus male and female / male, for each rate and the median wage."""
    by_sex = {key[0]: cell for key, cell in _cells(session, request, agg.OUTCOME_COUNTS, ("sex",))}
    sex_wages = agg.wages(session, request.scope, ("sex",))
    figures = {sex: _outcome_figures(_with_exited(by_sex[sex]), sex_wages.get((sex,), {}).get(currency, Counter()),
                                     request.threshold, by_sex[sex]["hidden"]) for sex in ("female", "male")}
    gaps = {}
    for name in (*GAP_RATES, "median_wage"):
        female, male = figures["female"][name], figures["male"][name]
        if name == "median_wage":
            exact = {sex: None if value is None else Fraction(Decimal(value)) for sex, value in
                     (("female", female), ("male", male))}
        else:  # from the counts: the rounded rates would put their rounding into the gap
            exact = {sex: None if figures[sex][name] is None else Fraction(by_sex[sex][RATES[name][0]],
                                                                            _with_exited(by_sex[sex])[RATES[name][1]])
                     for sex in ("female", "male")}
        difference = None if female is None or male is None else (
            _money(Decimal(female) - Decimal(male)) if name == "median_wage"
            else round(float(exact["female"] - exact["male"]), RATE_PLACES))
        ratio = None if female is None or not male else round(float(exact["female"] / exact["male"]), RATE_PLACES)
        gaps[name] = {"female": female, "male": male, "difference": difference, "ratio": ratio}
    return gaps


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

EXITED = E.status != enrolment_rules.ENROLLED
AT_EXIT = and_(EXITED, E.exit_status == agg.RECORDED)
INDICATORS: dict[str, ColumnElement[bool]] = {
    "participants": true(),
    "unemployed": P.labour_status.in_(("unemployed", "long_term_unemployed")),
    "long_term_unemployed": P.labour_status == "long_term_unemployed",
    "inactive": P.labour_status == "inactive",
    "employed": P.labour_status == "employed",
    "under_30": E.age_band.in_(("15-17", "18-24", "25-29")),
    "aged_55_plus": E.age_band == "55+",
    "isced_0_2": P.education_level.in_(("primary_or_less", "lower_secondary")),
    "isced_3_4": P.education_level == "upper_secondary",
    "isced_5_8": P.education_level == "tertiary",
    "with_disabilities": agg.in_group(("disability",)),
    "foreign_background": agg.in_group(("migrant", "refugee")),
    "minorities_incl_roma": agg.in_group(("roma",)),
    "rural_areas": P.settlement_type == "rural",
    "in_employment_upon_leaving": and_(AT_EXIT, E.exit_employment.in_(agg.EMPLOYED)),
    "in_education_upon_leaving": and_(AT_EXIT, E.exit_employment == "in_education"),
    "qualification_upon_leaving": and_(E.status == enrolment_rules.COMPLETED, E.qualification_gained.is_(True)),
    "in_employment_6m_after_leaving": and_(E.month_6_status == agg.RECORDED,
                                           E.month_6_employment.in_(agg.EMPLOYED)),
}
INDICATOR_COUNTS = {code: agg.count_if(condition) for code, condition in INDICATORS.items()}


def indicators(session: Session, request: Request) -> dict:
    """Each ESF+ common indicator split by sex; with `by=`, the same table for every cell."""
    totals = agg.aggregate(session, request.scope, (), INDICATOR_COUNTS).get((), {})
    by_sex = dict(_cells(session, request, INDICATOR_COUNTS, ("sex",)))
    report = {"framework": "esf_plus", "indicators": [
        _indicator_row(code, {sex: by_sex[(sex,)] for sex in SEXES}, totals.get(code, 0)) for code in INDICATORS]}
    if request.by:
        split_by = request.by if "sex" in request.by else (*request.by, "sex")
        split = dict(_cells(session, request, INDICATOR_COUNTS, split_by))
        report["breakdown"] = []
        for key, cell in _cells(session, request, INDICATOR_COUNTS, request.by):
            sexes = {sex: _sex_part(split, request.by, key, sex) for sex in SEXES}
            rows = [_indicator_row(code, sexes, None if code in cell["hidden"] else cell[code])
                    for code in INDICATORS]
            dims = {name: cell[name] for name in request.by}
            report["breakdown"].append({**dims, "indicators": rows,
                                        "suppressed": any(row["suppressed"] for row in rows)})
    return report


def _sex_part(split: Mapping[tuple, dict], by: Sequence[str], key: tuple, sex: str) -> dict:
    """The (cell, sex) counts; when `by` has sex already, the other sexes of a cell are zero."""
    if "sex" not in by:
        return split[(*key, sex)]
    return split[key] if key[by.index("sex")] == sex else {code: 0 for code in INDICATORS} | {"hidden": set()}


def _indicator_row(code: str, sexes: Mapping[str, dict], total: int | None) -> dict:
    values = {sex: None if code in cell["hidden"] else cell[code] for sex, cell in sexes.items()}
    return {"indicator": code, **values, "total": total,
            "suppressed": total is None or any(value is None for value in values.values())}


# -- breakdown cells and suppression -----------------------------------------------------------

def _breakdown(session: Session, request: Request, measures: Mapping[str, ColumnElement],
               shown: Sequence[str]) -> list[dict]:
    cells = []
    for _key, cell in _cells(session, request, measures, request.by):
        hidden = cell.pop("hidden")
        cells.append({**cell, **{m: None for m in shown if m in hidden}, "suppressed": bool(hidden)})
    return cells


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


def _dimension_value(name: str, value):
    return str(value) if isinstance(value, uuid.UUID) else value


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, RATE_PLACES)


def _money(value) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN))
