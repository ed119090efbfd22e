"""A clerk opens the statistics for a period, copies the paragraph, sees the dashboard charts."""

from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import Role
from tests import report_data
from tests.factories import PASSWORD, make_user
from tests.services.reports.test_statistics import PARAGRAPH


def test_clerk_copies_the_half_year_paragraph(live_server, page):
    data = report_data.build()
    make_user(Role.STAFF, username="clerk", scope=data.county)
    db.session.commit()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)

    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    assert page.locator("svg").count() == 3

    page.get_by_role("link", name="按期间统计").click()
    page.goto(f"{live_server}/reports/statistics?start=2026-01-01&end=2026-06-30")
    expect(page.locator("#paragraph-zh")).to_have_text(PARAGRAPH)
    page.locator("[data-copy=paragraph-zh]").click()
    expect(page.locator("[data-copy=paragraph-zh]")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == PARAGRAPH
    assert not [e for e in errors if "Content Security Policy" in e]
