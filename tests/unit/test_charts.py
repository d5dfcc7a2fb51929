"""The dashboard's chart geometry (service.web.charts): scaling, hidden figures never drawn, empty data."""

from __future__ import annotations

from datetime import date

import pytest

from service.web import charts


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (0.37, 0.5), (1, 1), (7, 10), (120, 200), (2400, 2500)])
def test_the_scale_ends_at_a_round_number(value, ceiling):
    assert charts.nice_ceiling(value) == pytest.approx(ceiling)


@pytest.mark.parametrize(("value", "top", "step"), [(0, 1, 1), (3, 3, 1), (10, 10, 5), (8, 8, 2), (1234, 1500, 500)])
def test_a_scale_of_people_has_whole_steps(value, top, step):
    assert charts.whole_scale(value) == (top, step)
    assert [t.value for t in charts.bars([("People", [value])], whole=True).ticks][-1] == top


def test_bars_are_as_long_as_their_values_on_one_scale():
    chart = charts.bars([("Completion", [0.5, 0.25]), ("Placement", [1.0, 0.0])], maximum=1.0)
    span = chart.plot_right - chart.plot_left
    completion, placement = chart.rows
    assert [bar.width for bar in completion.bars] == pytest.approx([span / 2, span / 4])
    assert [bar.width for bar in placement.bars] == pytest.approx([span, 0])
    assert all(bar.x == chart.zero == chart.plot_left for row in chart.rows for bar in row.bars)
    assert [bar.series for bar in completion.bars] == [0, 1]
    assert placement.y > completion.y + completion.height  # rows do not overlap
    assert [tick.value for tick in chart.ticks] == pytest.approx([0, 0.25, 0.5, 0.75, 1])


def test_a_hidden_figure_is_never_drawn_and_does_not_stretch_the_scale():
    chart = charts.bars([("Enrolled", [40, None]), ("Completed", [None, None])])
    enrolled, completed = chart.rows
    assert enrolled.bars[1].hidden and enrolled.bars[1].width == 0
    assert all(bar.hidden and bar.width == 0 for bar in completed.bars)
    assert chart.ticks[-1].value == 50  # from the shown 40 alone
    assert not chart.empty
    assert charts.bars([("Enrolled", [None, None])]).empty


def test_gaps_centre_zero_and_grow_both_ways():
    chart = charts.bars([("Completion", [0.1]), ("Placement", [-0.05]), ("Employment", [None])], symmetric=True)
    assert chart.zero == pytest.approx((chart.plot_left + chart.plot_right) / 2)
    up, down, hidden = (row.bars[0] for row in chart.rows)
    assert up.x == pytest.approx(chart.zero) and up.width > 0
    assert down.x + down.width == pytest.approx(chart.zero) and down.width == pytest.approx(up.width / 2)
    assert hidden.hidden and hidden.width == 0
    assert down.end < chart.zero < up.end


def test_no_rows_is_an_empty_chart():
    chart = charts.bars([])
    assert chart.empty and chart.rows == ()
    assert charts.line([]).empty and charts.line([], target=100).target_y is not None


def test_progress_fills_up_to_the_target_and_marks_the_milestones():
    bar = charts.progress(500, 1000, [(25, date(2026, 1, 5)), (50, date(2026, 3, 1)), (75, None), (100, None)])
    assert bar.share == pytest.approx(0.5)
    assert bar.filled == pytest.approx((bar.right - bar.left) / 2)
    assert [m.reached for m in bar.milestones] == [True, True, False, False]
    assert bar.milestones[-1].x == pytest.approx(bar.right)
    over = charts.progress(1500, 1000, [])
    assert over.share == pytest.approx(1.5) and over.filled == pytest.approx(over.right - over.left)
    assert charts.progress(10, None, []).empty and charts.progress(None, 100, []).filled == 0


def test_the_line_runs_over_time_and_shows_the_target():
    chart = charts.line([(date(2026, 1, 1), 0), (date(2026, 1, 11), 50), (date(2026, 1, 21), 100),
                         (date(2026, 1, 31), None)], target=200)
    first, middle, last = chart.points
    assert (first.x, last.x) == (chart.left, chart.right)  # the hidden last point is left out
    assert middle.x == pytest.approx((chart.left + chart.right) / 2)
    assert first.y == chart.bottom and chart.target_y == pytest.approx(chart.top)
    assert last.y == pytest.approx((chart.top + chart.bottom) / 2)
    assert chart.path.count(",") == 3
