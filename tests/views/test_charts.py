"""Bar charts: bars scale to the largest value; values hide when they would overlap."""

from sponsorship.services.reports.trends import Point, last_months
from sponsorship.views.charts import HEIGHT, bar_chart


def test_bars_scale_to_the_largest_value():
    chart = bar_chart("t", [Point("a", 10), Point("b", 5), Point("c", 0)])
    tallest, half, empty = chart.bars
    assert tallest.height == 2 * half.height and empty.height == 0
    assert tallest.y + tallest.height == chart.baseline == HEIGHT - 40
    assert chart.show_values and not chart.is_empty


def test_wide_values_are_left_to_the_tooltips():
    chart = bar_chart("t", [Point(f"{i}", 100_000) for i in range(12)], lambda v: f"{v:,}")
    assert not chart.show_values


def test_an_empty_chart():
    assert bar_chart("t", []).is_empty
    assert bar_chart("t", [Point("a", 0)]).is_empty


def test_last_months_end_with_the_current_one():
    from datetime import date

    months = last_months(date(2026, 3, 15))
    assert len(months) == 12
    assert months[0].start == date(2025, 4, 1) and months[-1].end == date(2026, 3, 31)
