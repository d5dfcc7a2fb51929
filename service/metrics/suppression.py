"""Small-cell suppression: which cells of a full count grid to publish as null.

Why: SPEC section 5 publishes exact totals, nulls every cell counting 1 to
min_cell_size - 1 (primary suppression), and must null enough further cells (secondary
suppression) that no nulled value can be derived by adding and subtracting what is shown.

What counts as shown, conservatively: the grand total, every cell not nulled, and every
marginal sum of the grid (over any non-empty subset of the dimensions, for each value of
the others), because queries with fewer ``by=`` dimensions publish them. A marginal made
of a single cell is that cell in a smaller query, nulled there the same way, so it is not
assumed known (the grand total always is). Every such marginal is a sum of lines (sums
along one dimension that has at least two values), so the lines, plus the grand total
when there is no such dimension, span exactly the same equations; those are what we use.

A nulled cell is derivable when its unit vector lies in the row space of these equations
restricted to the nulled cells; equivalently, when no null-space vector (a change to the
nulled cells that keeps every shown sum) moves it. We keep that null space up to date by
exact integer elimination as cells are nulled. While some nulled cell is derivable, we
null the cheapest box through the first one: one other value on each of its lines, so the
smallest non-zero counts, zeros only when nothing else will do. A box is the standard
complement because it always protects; choosing line by line, the cheapest single cell
each time, nulled about 1.7 times as much on random grids.

A small table is hidden whole (issue 14): when a table's total is 1 to min_cell_size - 1,
every cell of it is nulled, zeros too, since zeros beside a total of 1 tell who that one is
(the one Roma person is the one in "rural"). A table here is every sub-table of the grid:
the grid itself and every slice of it with some dimensions fixed (a line is the split by
one dimension of the people at one value of the others, such as one district's split by
sex in a breakdown). A total of 0 hides nothing: it tells of nobody. Those cells count as
primary; secondary suppression then protects them like any other.

Limits: the choice is greedy, so it protects but is not minimal; only exact derivation
is prevented, not narrow bounds from counts being non-negative (with a total of 3 and two
nulled cells, each lies in 0..3); a grid of one cell (every dimension has one value)
equals the exact total and cannot be protected, so that cell is returned alone.
"""

from collections.abc import Mapping, Sequence
from itertools import combinations, product
from math import gcd, prod


def suppress(cells: Mapping[tuple, int], dimensions: Sequence[Sequence[object]],
             min_cell_size: int) -> frozenset[tuple]:
    """Return the keys of the cells to publish as null (primary and secondary suppression)."""
    keys = list(product(*dimensions))
    counts = _counts(cells, keys, len(dimensions))
    primary = [cell for cell, count in enumerate(counts) if small(count, min_cell_size)]
    if not primary:  # a small table holds a small cell: without one, no table is small either
        return frozenset()
    primary = sorted(set(primary) | _in_small_tables(keys, counts, len(dimensions), min_cell_size))
    grid = _Grid([len(values) for values in dimensions], counts)
    nulled = _NullSpace(grid.equations_of)
    for cell in primary:
        nulled.add(cell)
        grid.null(cell)
    while derivable := nulled.derivable():
        complement = grid.cheapest(derivable[0])
        if not complement:
            break
        for cell in complement:
            nulled.add(cell)
            grid.null(cell)
    return frozenset(keys[cell] for cell in nulled.cells)


def small(count: int | None, min_cell_size: int) -> bool:
    """Whether a count (of a cell, or the total of a table or of a group a median is taken over) is
    hidden: 1 to min_cell_size - 1 people. Zero tells of nobody; a min_cell_size of 1 or less hides nothing."""
    return count is not None and 1 <= count < min_cell_size


def _in_small_tables(keys: list[tuple], counts: list[int], rank: int, min_cell_size: int) -> set[int]:
    """The cells of every sub-table (the grid, or a slice of it along some dimensions) whose total is small."""
    found: set[int] = set()
    if min_cell_size <= 1:
        return found
    for size in range(1, rank + 1):
        for summed in combinations(range(rank), size):
            kept = [axis for axis in range(rank) if axis not in summed]
            tables: dict[tuple, list[int]] = {}
            for cell, key in enumerate(keys):
                tables.setdefault(tuple(key[axis] for axis in kept), []).append(cell)
            for members in tables.values():
                if small(sum(counts[cell] for cell in members), min_cell_size):
                    found.update(members)
    return found


def _counts(cells: Mapping[tuple, int], keys: list[tuple], rank: int) -> list[int]:
    """The counts in row-major order of the grid; ValueError unless ``cells`` is that grid."""
    if any(not isinstance(key, tuple) or len(key) != rank for key in cells):
        raise ValueError(f"every cell key must be a tuple of {rank} values")
    missing = [key for key in keys if key not in cells]
    if missing or len(cells) != len(keys):
        raise ValueError(f"the grid is incomplete or has unknown keys (missing e.g. {missing[:3]})")
    counts = [cells[key] for key in keys]
    if any(isinstance(count, bool) or not isinstance(count, int) or count < 0 for count in counts):
        raise ValueError("counts must be non-negative integers")
    return counts


class _NullSpace:
    """Nulled cells and the null space of the equations restricted to them, grown a cell at a time.

    The columns of nulled cells (which equations each appears in) are kept in echelon form,
    each with the combination of cells it came from. A new column that reduces to zero
    gives a null-space vector; those vectors form a basis, so a nulled cell is protected
    exactly when some of them moves it.
    """

    def __init__(self, equations_of):
        self._equations_of = equations_of
        self._echelon: dict[tuple[int, int], tuple[dict, dict[int, int]]] = {}
        self.cells: set[int] = set()
        self._protected: set[int] = set()

    def add(self, cell: int) -> None:
        column = dict.fromkeys(self._equations_of(cell), 1)
        combination = {cell: 1}
        while column:
            pivot = min(column)
            if pivot not in self._echelon:
                self._echelon[pivot] = (column, combination)
                break
            column, combination = _eliminate(pivot, column, combination, *self._echelon[pivot])
        else:
            self._protected.update(combination)
        self.cells.add(cell)

    def derivable(self) -> list[int]:
        return sorted(self.cells - self._protected)


def _eliminate(pivot, column, combination, base_column, base_combination):
    """``column`` with its ``pivot`` entry cancelled by the echelon column there, kept integral."""
    scale, factor = base_column[pivot], column[pivot]
    column = _combine(column, scale, base_column, factor)
    combination = _combine(combination, scale, base_combination, factor)
    divisor = gcd(*column.values(), *combination.values())
    if divisor > 1:
        column = {key: value // divisor for key, value in column.items()}
        combination = {key: value // divisor for key, value in combination.items()}
    return column, combination


def _combine(vector: dict, scale: int, other: dict, factor: int) -> dict:
    """scale * vector - factor * other, without zero entries."""
    result = {key: scale * value for key, value in vector.items()}
    for key, value in other.items():
        entry = result.get(key, 0) - factor * value
        if entry:
            result[key] = entry
        else:
            result.pop(key, None)
    return result


class _Grid:
    """The grid's lines (its equations) and boxes (complements that always protect).

    A box through a cell takes one other value on each dimension that has two or more
    values; nulling its corners protects them all, since adding +1 and -1 alternately
    around the box keeps every line sum. The cheapest box nulls the fewest new zero cells
    (a zero only when no non-zero complement exists), then the smallest new counts, then
    the fewest new cells; a tie goes to the first box found, trying cheaper moves first.
    With no such dimension the only box is the cell itself: a one-cell grid, which the
    exact total exposes whatever we do.
    """

    def __init__(self, shape: list[int], counts: list[int]):
        self._strides = [prod(shape[axis + 1:]) for axis in range(len(shape))]
        self._shape = shape
        self._axes = [axis for axis, length in enumerate(shape) if length >= 2]
        corners = 2 ** len(self._axes)
        nonzero = [count * corners + 1 for count in counts]
        zero = corners * (max(nonzero) + 1)  # more than any box of non-zero cells costs
        self._weight = [weight if count else zero for weight, count in zip(nonzero, counts)]

    def null(self, cell: int) -> None:
        self._weight[cell] = 0

    def equations_of(self, cell: int) -> list[tuple[int, int]]:
        """The lines through ``cell`` (axis, first cell); the grand total if there are none."""
        return [(axis, cell - self._offset(cell, axis)) for axis in self._axes] or [(-1, 0)]

    def cheapest(self, cell: int) -> list[int]:
        """The not yet nulled corners of the cheapest box through ``cell``."""
        steps = [self._steps(cell, axis) for axis in self._axes]
        best_cost, best_corners = None, [cell]

        def extend(level: int, corners: list[int], cost: int) -> None:
            nonlocal best_cost, best_corners
            if best_cost is not None and cost >= best_cost:
                return
            if level == len(steps):
                best_cost, best_corners = cost, corners
                return
            for step in steps[level]:
                moved = [corner + step for corner in corners]
                extend(level + 1, corners + moved, cost + sum(self._weight[m] for m in moved))

        extend(0, [cell], 0)
        return [corner for corner in best_corners if self._weight[corner]]

    def _offset(self, cell: int, axis: int) -> int:
        return (cell // self._strides[axis]) % self._shape[axis] * self._strides[axis]

    def _steps(self, cell: int, axis: int) -> list[int]:
        """Moves to the other values on ``axis``, cheapest target first, so pruning bites early."""
        here, stride = self._offset(cell, axis), self._strides[axis]
        moves = [value * stride - here for value in range(self._shape[axis])
                 if value * stride != here]
        return sorted(moves, key=lambda move: (self._weight[cell + move], cell + move))
