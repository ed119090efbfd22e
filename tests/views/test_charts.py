"""Bar charts: bars scale to the largest value; values hide when they would overlap."""

from datetime import date

import lxml.html

from sponsorship.extensions import db
from sponsorship.models.enums import PairingStatus, Role
from sponsorship.services.reports.trends import Point, last_months
from sponsorship.views.charts import HEIGHT, MAX_ROWS, ROW, bar_chart, hbar_chart
from tests.factories import make_child, make_donation, make_pairing, make_sponsor, make_village


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
    months = last_months(date(2026, 3, 15))
    assert len(months) == 12
    assert months[0].start == date(2025, 4, 1) and months[-1].end == date(2026, 3, 31)


def test_the_town_chart_has_a_row_per_town_with_its_full_name():
    towns = [Point(f"第{i}个很长名字的街道", 40 - i) for i in range(18)]
    chart = hbar_chart("t", towns)
    assert chart.horizontal and len(chart.bars) == 18 and chart.note == ""
    assert [bar.label for bar in chart.bars] == [p.label for p in towns]
    assert chart.height == 18 * ROW  # the drawing grows with the towns instead of squeezing them
    assert chart.bars[0].width > chart.bars[-1].width > 0


def test_a_county_with_more_towns_than_rows_says_which_it_shows():
    towns = [Point(f"镇{i}", 100 - i) for i in range(MAX_ROWS + 5)]
    chart = hbar_chart("t", towns, note=lambda shown, total: f"{shown}/{total}")
    assert len(chart.bars) == MAX_ROWS and chart.note == f"{MAX_ROWS}/{MAX_ROWS + 5}"


def test_the_dashboard_shows_every_town_and_the_money_values(client, auth):
    village = make_village("稔山镇", "新村村")
    for town in (
        "平海镇",
        "黄埠镇",
        "吉隆镇",
        "铁涌镇",
        "多祝镇",
        "白盆珠镇",
        "宝口镇",
        "高潭镇",
        "安墩镇",
        "梁化镇",
        "白花镇",
        "大岭街道",
        "平山街道",
    ):
        make_pairing(child=make_child(region=make_village(town)), status=PairingStatus.ACTIVE)
    make_pairing(child=make_child(region=village), status=PairingStatus.ACTIVE)
    make_donation(make_sponsor(region=village), 1_234_500_00)
    make_donation(make_sponsor(region=village), 123_000_00, received_on=date(2026, 9, 1))
    auth.as_role(Role.ADMIN)
    db.session.commit()
    page = lxml.html.fromstring(client.get("/dashboard").get_data(as_text=True))
    [towns] = [f for f in page.xpath("//figure") if "各镇" in f.xpath("string(figcaption)")]
    labels = towns.xpath(".//svg/text[@text-anchor='end']/text()")
    assert len(labels) == 14 and "白盆珠镇" in labels and "大岭街道" in labels
    [money] = [f for f in page.xpath("//figure") if "募捐" in f.xpath("string(figcaption)")]
    values = money.xpath(".//svg/text/text()")
    assert "123万" in values and "12.3万" in values
    words = " ".join(page.xpath("//dt/text()"))
    assert "以来招募（本半年）" in words
