"""Figures split by sex, suppressed as every table of Pathways is: the building blocks of the packs.

A `Figure` is one indicator with a value for each sex and the total, kept exact (integers and
fractions) until it is written out, so that a gap is taken between exact values and not between
rounded ones. Suppression (design B, SPEC sections 5 and 7):

- a count of 1 to min_cell_size - 1 is null, with the further cells `suppression.suppress` picks
  so that none can be derived from the total and the cells shown; the total is exact;
- a table whose total is below min_cell_size shows no cell at all (no zeros beside a total of 1);
- a figure resting on a hidden count (a rate, a mean, a median, a gap) is null; a mean or median
  of fewer than min_cell_size values is null too, even as a total: it would be a person's value.

A rate and its numerator are one table (yes / no by sex, whose margins are the denominator), so
the part that is not counted cannot be had by subtracting either; counts by category (formal or
not, contract types) are one table with their sum. Differences between the denominators of two
different indicators are not protected (e.g. exiters whose Q2 has ended against those whose Q4
has): README says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from itertools import combinations
from statistics import median

from service.domain import people
from service.metrics import suppression

SEXES: tuple[str, ...] = tuple(people.SEXES)
TOTAL = "total"
COLUMNS = (*SEXES, TOTAL)
#: Every pair of sexes shown, in the order of SEXES: `female_male`, `female_non_binary`, ...
PAIRS = tuple(combinations(SEXES, 2))

PEOPLE, PLACEMENTS, RATE, MONEY, HOURS = "people", "placements", "rate", "money", "hours"
RATE_PLACES = 4
HOURS_PLACES = 2
CENT = Decimal("0.01")

Value = int | Fraction | None


@dataclass
class Figure:
    indicator: str
    unit: str
    values: dict[str, Value]
    suppressed: bool = False
    currency: str | None = None
    #: The counts a rate or median rests on (for the gaps' and the answer's sake, never shown).
    basis: dict[str, int] = field(default_factory=dict)

    def row(self) -> dict:
        return {"indicator": self.indicator, "currency": self.currency, "unit": self.unit,
                **{column: written(self.unit, self.values.get(column)) for column in COLUMNS},
                "suppressed": self.suppressed}


def written(unit: str, value: Value):
    """A value as the JSON answer carries it: counts as integers, rates and hours as rounded
    numbers, money as a decimal string of cents."""
    if value is None:
        return None
    if unit in (PEOPLE, PLACEMENTS):
        return int(value)
    if unit == MONEY:
        return str(_decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN))
    return round(float(value), RATE_PLACES if unit == RATE else HOURS_PLACES)


def _decimal(value: int | Fraction) -> Decimal:
    value = Fraction(value)
    return Decimal(value.numerator) / Decimal(value.denominator)


# -- suppression ---------------------------------------------------------------------------------

def hidden_cells(cells: Mapping[tuple, int], dimensions: Sequence[Sequence[object]],
                 threshold: int) -> frozenset[tuple]:
    """The cells of a complete grid to show as null (`suppression.suppress`: small cells, every cell of
    a small table or slice, and the further cells that keep them from being derived)."""
    return suppression.suppress(cells, dimensions, threshold)


def by_sex(sexes: Iterable[str]) -> Counter[str]:
    """How many of each sex (one sex per person or placement)."""
    return Counter(sexes)


def count(indicator: str, counts: Counter[str], threshold: int, unit: str = PEOPLE,
          also_hidden: Iterable[str] = ()) -> Figure:
    """A count by sex: one row of a table whose total is exact."""
    hidden = {key[0] for key in hidden_cells({(s,): counts[s] for s in SEXES}, [SEXES], threshold)}
    hidden |= set(also_hidden)
    values: dict[str, Value] = {s: None if s in hidden else counts[s] for s in SEXES}
    values[TOTAL] = sum(counts[s] for s in SEXES)
    return Figure(indicator, unit, values, suppressed=bool(hidden))


def share(indicator: str, part: Figure, whole: Figure) -> Figure:
    """part / whole per sex and in total; null when either count is hidden or the whole is 0."""
    values: dict[str, Value] = {}
    for column in COLUMNS:
        top, bottom = part.values[column], whole.values[column]
        values[column] = None if top is None or not bottom else Fraction(top, bottom)
    return Figure(indicator, RATE, values, suppressed=part.suppressed or whole.suppressed,
                  currency=part.currency)


def rate(names: tuple[str, str, str], whole: Counter[str], part: Counter[str], threshold: int,
         unit: str = PEOPLE) -> list[Figure]:
    """(denominator, numerator, rate) by sex. The numerator is suppressed in the table of those
    counted and those not (by sex), so neither can be derived; and wherever the denominator is."""
    denominator = count(names[0], whole, threshold, unit)
    grid = {(counted, s): part[s] if counted else whole[s] - part[s] for counted in (True, False) for s in SEXES}
    hidden = hidden_cells(grid, [(True, False), SEXES], threshold)
    part_hidden = {s for s in SEXES if (True, s) in hidden or denominator.values[s] is None}
    numerator = count(names[1], part, 0, unit, also_hidden=part_hidden)
    return [denominator, numerator, share(names[2], numerator, denominator)]


def categories(names: Mapping[str, str], counts: Counter[tuple[str, str]], whole: Figure, threshold: int,
               unit: str) -> list[Figure]:
    """A count for each category by sex (`counts[(category, sex)]`), suppressed as one table whose
    margins are `whole` (the categories add up to it): no category can be had by subtraction."""
    keys = list(names)
    grid = {(category, s): counts[(category, s)] for category in keys for s in SEXES}
    hidden = hidden_cells(grid, [keys, SEXES], threshold)
    found = []
    for category, indicator in names.items():
        part = Counter({s: counts[(category, s)] for s in SEXES})
        hide = {s for s in SEXES if (category, s) in hidden or whole.values[s] is None}
        found.append(count(indicator, part, 0, unit, also_hidden=hide))
    return found


def middle(indicator: str, unit: str, values: Mapping[str, Sequence[Fraction]], among: Figure, threshold: int,
           currency: str | None = None) -> Figure:
    """The median of each sex's values: null where `among` (their count) is hidden or fewer than
    threshold values; the total's median likewise needs threshold values."""
    return _statistic(indicator, unit, values, among, threshold, median, currency)


def mean(indicator: str, unit: str, values: Mapping[str, Sequence[Fraction]], among: Figure,
         threshold: int) -> Figure:
    return _statistic(indicator, unit, values, among, threshold, lambda found: Fraction(sum(found), len(found)))


def _statistic(indicator, unit, values, among, threshold, statistic, currency=None) -> Figure:
    everyone = [value for s in SEXES for value in values.get(s, ())]
    columns = {**{s: list(values.get(s, ())) for s in SEXES}, TOTAL: everyone}
    found: dict[str, Value] = {}
    suppressed = False
    for column, own in columns.items():
        shown = own and among.values[column] is not None and not suppression.small(len(own), threshold)
        found[column] = Fraction(statistic(own)) if shown else None
        suppressed |= bool(own) and not shown
    return Figure(indicator, unit, found, suppressed=suppressed, currency=currency,
                  basis={column: len(own) for column, own in columns.items()})


# -- gaps ----------------------------------------------------------------------------------------

def gaps(figures: Iterable[Figure]) -> list[dict]:
    """For each rate, median and mean, every pair of sexes (`pairs.female_male`, as the outcomes' gaps):
    first minus second and first / second (null when either is null, the ratio also when the second is 0)."""
    found = []
    for figure in figures:
        if figure.unit in (PEOPLE, PLACEMENTS):
            continue
        pairs = {}
        for first, second in PAIRS:
            a, b = figure.values[first], figure.values[second]
            pairs[f"{first}_{second}"] = {
                "difference": written(figure.unit, Fraction(a) - Fraction(b)) if a is not None and b is not None
                else None,
                "ratio": written(RATE, Fraction(a, b)) if a is not None and b else None}
        found.append({"indicator": figure.indicator, "currency": figure.currency, "pairs": pairs})
    return found


def pay_gaps(figure: Figure) -> list[dict]:
    """The gender pay gap of every pair: (second - first) / second, the share by which the first earns
    less than the second; `female_male` is the ILO's (male - female) / male."""
    found = []
    for first, second in PAIRS:
        a, b = figure.values[first], figure.values[second]
        found.append({"currency": figure.currency, "pair": f"{first}_{second}",
                      "gap": written(RATE, (Fraction(b) - a) / b) if a is not None and b else None})
    return found
