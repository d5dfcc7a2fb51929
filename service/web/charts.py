"""The dashboard's charts as geometry: plain data that the Jinja macros (templates/dashboard/_charts.html)
draw as inline SVG. No JavaScript, no network, no colour needed to read them.

Why here and not in the templates: scaling, ticks and where a hidden figure goes are arithmetic that unit
tests can hold (tests/unit/test_charts.py); the templates only write elements and labels (escaped by Jinja).

Rules every chart keeps:
- a value of None is a hidden figure (small-cell suppression): it is NEVER drawn (no bar, no point, no
  length that would tell it); the template writes the organisation's marker in its place, as the tables
  beside the chart do. NOTHING (not a number) is a figure with no one to count (a rate of nobody): not
  drawn either, and written as a dash;
- every shape carries its series index, so that the template fills it with a pattern (solid, hatched)
  as well as a colour: a chart reads in greyscale and in print;
- an empty chart (nothing to draw) says so (`empty`), and the template then shows the table only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

#: A figure with no one to count (a rate whose denominator is 0): not drawn, written as a dash.
NOTHING = math.nan

#: Drawing units (the SVG's viewBox; it scales to the page's width).
WIDTH = 640
#: Each row's label is written above its bars, across the chart's width: long labels in any language fit.
LABEL_ROOM = 18
LABEL_WIDTH = 8
VALUE_ROOM = 80
BAR_HEIGHT = 16
BAR_GAP = 3
ROW_GAP = 12
TOP = 8
BOTTOM = 28


@dataclass(frozen=True)
class Tick:
    """A gridline at `x` (or `y`) with its value."""

    at: float
    value: float


@dataclass(frozen=True)
class Bar:
    series: int
    value: float | None
    x: float
    y: float
    width: float
    height: float

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def nothing(self) -> bool:
        return self.value is not None and math.isnan(self.value)

    @property
    def drawn(self) -> bool:
        return not self.hidden and not self.nothing

    @property
    def end(self) -> float:
        """Where the bar's value label starts: past the bar's end, on the side it grows to."""
        return self.x + self.width + 4 if (self.value or 0) >= 0 else self.x - 4

    @property
    def text_y(self) -> float:
        return self.y + self.height * 0.75


@dataclass(frozen=True)
class BarRow:
    label: str
    y: float
    height: float
    bars: tuple[Bar, ...]

    @property
    def label_y(self) -> float:
        return self.y - 6


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    plot_left: float
    plot_right: float
    zero: float
    rows: tuple[BarRow, ...]
    ticks: tuple[Tick, ...]
    series: int

    @property
    def empty(self) -> bool:
        return not any(bar.drawn for row in self.rows for bar in row.bars)

    @property
    def axis_y(self) -> float:
        return self.height - BOTTOM


def nice_ceiling(value: float) -> float:
    """The smallest round number (1, 2, 2.5, 5 times a power of ten) at or above `value`; 1 for 0 or less."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-12:
            return step * power
    return 10 * power  # pragma: no cover - the loop ends at 10


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    step = (high - low) / count
    return [low + step * i for i in range(count + 1)]


def whole_scale(value: float) -> tuple[float, float]:
    """(top, step) of a scale of people: whole steps of 1, 2 or 5 times a power of ten, about four of them,
    the top the first step at or above `value`."""
    rough = max(value, 1) / 4
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(s * power for s in (1, 2, 5, 10) if rough <= s * power)
    return step * max(math.ceil(value / step), 1), step


def bars(rows: Sequence[tuple[str, Sequence[float | None]]], *, maximum: float | None = None,
         symmetric: bool = False, whole: bool = False, width: float = WIDTH,
         label_width: float = LABEL_WIDTH) -> BarChart:
    """Horizontal grouped bars: one row per (label, values), one bar per series; None is never drawn.

    The scale runs from 0 (or from the most negative value, for gaps) to `maximum` (else a round number at
    or above the largest value); `symmetric` centres zero (differences between women and men); `whole` (counts
    of people) puts the ticks on whole numbers."""
    series = max((len(values) for _label, values in rows), default=0)
    shown = [value for _label, values in rows for value in values if value is not None and not math.isnan(value)]
    high = max([0.0, *shown])
    low = min([0.0, *shown])
    if symmetric:
        extent = nice_ceiling(max(abs(high), abs(low)) if shown else 0)
        low, high = -extent, extent
    else:
        high = maximum if maximum is not None else nice_ceiling(high)
        low = -nice_ceiling(-low) if low < 0 else 0.0
    tick_values = _ticks(low, high)
    if whole and not symmetric and low == 0 and maximum is None:
        high, step = whole_scale(max(shown, default=0))
        tick_values = [step * i for i in range(int(round(high / step)) + 1)]
    left, right = label_width, width - VALUE_ROOM

    def x_of(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    zero = x_of(0.0)
    row_height = series * BAR_HEIGHT + max(series - 1, 0) * BAR_GAP
    drawn, y = [], float(TOP + LABEL_ROOM)
    for label, values in rows:
        row_bars = []
        for index, value in enumerate(values):
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            if value is None or math.isnan(value):
                row_bars.append(Bar(index, value, zero, bar_y, 0.0, BAR_HEIGHT))
                continue
            clipped = min(max(value, low), high)
            start, end = sorted((zero, x_of(clipped)))
            row_bars.append(Bar(index, value, start, bar_y, end - start, BAR_HEIGHT))
        drawn.append(BarRow(label, y, row_height, tuple(row_bars)))
        y += row_height + ROW_GAP + LABEL_ROOM
    height = y - ROW_GAP - LABEL_ROOM + BOTTOM if rows else TOP + BOTTOM
    return BarChart(width, height, left, right, zero, tuple(drawn),
                    tuple(Tick(x_of(value), value) for value in tick_values), series)


@dataclass(frozen=True)
class Milestone:
    percent: int
    x: float
    reached_on: date | None

    @property
    def reached(self) -> bool:
        return self.reached_on is not None


@dataclass(frozen=True)
class Progress:
    width: float
    height: float
    left: float
    right: float
    filled: float
    share: float | None
    milestones: tuple[Milestone, ...]

    @property
    def empty(self) -> bool:
        return self.share is None


PROGRESS_HEIGHT = 72


def progress(reached: int | None, target: int | None, milestones: Sequence[tuple[int, date | None]],
             width: float = WIDTH) -> Progress:
    """A bar from 0 to the target, filled up to `reached` (capped at the target), with a tick at each
    milestone (25, 50, 75, 100 %) and whether it was reached. No target or no count: nothing filled."""
    left, right = 10.0, width - 10.0
    share = None if not target or reached is None else reached / target
    filled = 0.0 if share is None else min(share, 1.0) * (right - left)
    ticks = tuple(Milestone(percent, left + percent / 100 * (right - left), when) for percent, when in milestones)
    return Progress(width, PROGRESS_HEIGHT, left, right, filled, share, ticks)


@dataclass(frozen=True)
class Point:
    when: date
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    points: tuple[Point, ...]
    target_y: float | None
    y_ticks: tuple[Tick, ...]

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def path(self) -> str:
        """The SVG polyline's `points` attribute."""
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


LINE_HEIGHT = 240


def line(points: Sequence[tuple[date, int | None]], target: int | None = None, width: float = WIDTH,
         height: float = LINE_HEIGHT) -> LineChart:
    """A cumulative count over time, with the target as a horizontal line. Points without a value (hidden)
    are left out; time runs from the first point to the last, the values from 0 to the larger of the
    largest value and the target."""
    left, right, top, bottom = 64.0, width - 16.0, 16.0, height - 32.0
    known = sorted((when, value) for when, value in points if value is not None)
    high, step = whole_scale(max([value for _when, value in known] + [target or 0, 0]))

    def y_of(value: float) -> float:
        return bottom - value / high * (bottom - top)

    drawn: list[Point] = []
    if known:
        first, last = known[0][0].toordinal(), known[-1][0].toordinal()
        span = max(last - first, 1)
        drawn = [Point(when, value, left + (when.toordinal() - first) / span * (right - left), y_of(value))
                 for when, value in known]
    target_y = y_of(target) if target else None
    return LineChart(width, height, left, right, top, bottom, tuple(drawn), target_y,
                     tuple(Tick(y_of(step * i), step * i) for i in range(int(round(high / step)) + 1)))
