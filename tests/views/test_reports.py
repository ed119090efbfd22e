"""The statistics page, its export and print page, and the dashboard, through the real views."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import lxml.html
from openpyxl import load_workbook

from sponsorship.models import AuditEvent, Sponsor
from sponsorship.models.enums import Role
from tests import factories as f
from tests import report_data
from tests.conftest import count
from tests.services.reports.test_statistics import PARAGRAPH
from tests.views.pages import figure

H1_ARGS = "start=2026-01-01&end=2026-06-30"


def _as_county_clerk(auth, data):
    return auth.as_role(Role.STAFF, scope=data.county)


def test_the_page_shows_the_programme_paragraph_and_figures(client, auth):
    data = report_data.build()
    _as_county_clerk(auth, data)
    page = client.get(f"/reports/statistics?{H1_ARGS}").get_data(as_text=True)
    assert PARAGRAPH.replace('"', "&#34;") in page
    assert "So far, 169 caring parents have been recruited, 118,180 yuan" in page
    assert "¥118,180.00" in page
    assert 'data-copy="paragraph-zh"' in page
    assert "style=" not in page and "<script>" not in page


def test_the_default_period_is_the_current_half_year(client, auth, frozen):
    data = report_data.build()
    frozen(report_data.local(2026, 6, 30, 12, 0))
    _as_county_clerk(auth, data)
    page = client.get("/reports/statistics").get_data(as_text=True)
    assert PARAGRAPH.replace('"', "&#34;") in page


def test_the_export_gives_the_same_numbers_as_numbers(client, auth):
    data = report_data.build()
    _as_county_clerk(auth, data)
    response = client.get(f"/reports/statistics.xlsx?{H1_ARGS}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    summary = {row[0].value: row[1] for row in book["汇总"].iter_rows()}
    assert summary["招募爱心父母（名）"].value == 169
    raised = summary["募捐资金（元）"]
    assert raised.value == 118180 and raised.number_format == "#,##0.00"
    assert summary["结对帮扶困境儿童（名）"].value == 309
    assert summary["其中：小学生（名）"].value == 218
    assert summary["其中：中学生（名）"].value == 77
    assert summary["其中：助养（名）"].value == 14
    assert summary["工作总结用语"].value == PARAGRAPH
    towns = list(book["按镇"].iter_rows(values_only=True))
    assert towns[0][:3] == ("镇（街道）", "招募爱心父母（名）", "募捐资金（元）")
    assert towns[-1][:3] == ("合计", 169, 118180)
    assert count(AuditEvent, AuditEvent.action == "report.exported") == 1


def test_a_town_clerk_sees_only_the_town_and_cannot_pick_another(client, auth):
    data = report_data.build()
    auth.as_role(Role.STAFF, scope=data.town_b)
    page = client.get(f"/reports/statistics?{H1_ARGS}").get_data(as_text=True)
    assert "招募&#34;爱心父母&#34;69名" in page
    other = client.get(f"/reports/statistics?{H1_ARGS}&town={data.town_a.id}")
    text = other.get_data(as_text=True)
    assert "招募&#34;爱心父母&#34;69名" in text and "平山街道" not in text
    book = load_workbook(BytesIO(client.get(f"/reports/statistics.xlsx?{H1_ARGS}").data))
    assert book["按镇"]["B2"].value == 69


def test_a_county_clerk_picks_a_town(client, auth):
    data = report_data.build()
    _as_county_clerk(auth, data)
    page = client.get(f"/reports/statistics?{H1_ARGS}&town={data.town_a.id}")
    assert "招募&#34;爱心父母&#34;100名" in page.get_data(as_text=True)


def test_an_empty_period_and_a_reversed_range(client, auth):
    auth.as_role(Role.STAFF, scope=f.county())
    page = client.get("/reports/statistics?start=2031-01-01&end=2031-06-30")
    assert page.status_code == 200
    assert "招募&#34;爱心父母&#34;0名，募捐资金0元" in page.get_data(as_text=True)
    bad = client.get("/reports/statistics?start=2031-06-30&end=2031-01-01").get_data(as_text=True)
    assert "结束日期不能早于开始日期" in bad
    empty = client.get("/reports/statistics.xlsx?start=2031-01-01&end=2031-06-30")
    assert empty.status_code == 200
    summary = {
        row[0].value: row[1].value for row in load_workbook(BytesIO(empty.data))["汇总"].iter_rows()
    }
    assert summary["招募爱心父母（名）"] == 0 and summary["募捐资金（元）"] == 0


def test_the_print_page(client, auth):
    data = report_data.build()
    _as_county_clerk(auth, data)
    page = client.get(f"/reports/statistics/print?{H1_ARGS}").get_data(as_text=True)
    assert PARAGRAPH.replace('"', "&#34;") in page and "data-print" in page


def test_sponsors_cannot_open_reports(client):
    sponsor = f.make_portal_sponsor()
    from sponsorship.extensions import db

    db.session.commit()
    from tests.conftest import Auth

    Auth(client).login(sponsor.mobile)
    assert client.get("/reports/statistics").status_code == 403
    assert client.get(f"/reports/statistics.xlsx?{H1_ARGS}").status_code == 403
    assert client.get(f"/reports/statistics/print?{H1_ARGS}").status_code == 403
    assert count(AuditEvent, AuditEvent.action == "report.exported") == 0


def test_the_dashboard_shows_figures_todos_and_charts(client, auth, frozen):
    data = report_data.build()
    frozen(datetime(2026, 6, 30, 4, tzinfo=report_data.UTC))
    f.make_sponsor(data.town_a, status=f.SponsorStatus.PENDING)
    _as_county_clerk(auth, data)
    page = client.get("/dashboard").get_data(as_text=True)
    assert page.count("<svg") == 3
    assert "style=" not in page
    assert "/sponsors/?status=pending" in page and "/letters/?status=failed" in page
    assert "/matching/" in page and "/children/?status=awaiting" in page
    assert "¥118,180.00" in page  # raised this period
    assert figure(page, "2026-01-01 以来募捐（本半年）") == "¥118,180.00"
    pending = count(Sponsor, Sponsor.status == f.SponsorStatus.PENDING)
    assert pending >= 1 and figure(page, "待审核") == str(pending)  # with the one added above


def test_the_dashboard_of_an_empty_area(client, auth):
    auth.as_role(Role.STAFF, scope=f.make_region())
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "<svg" not in page.get_data(as_text=True)
    assert (
        len(
            lxml.html.fromstring(page.get_data(as_text=True)).xpath(
                "//section[@class='card empty']"
            )
        )
        == 1
    )
