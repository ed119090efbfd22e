"""A viewer reads the programme totals, a caring parent's statement and the overdue list."""

from datetime import date

from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import PaymentFrequency, Role
from sponsorship.services.money import pledges
from tests.browser.conftest import open_menu
from tests.factories import (
    PASSWORD,
    make_donation,
    make_pairing,
    make_pledge,
    make_sponsor,
    make_user,
)


def test_viewer_follows_the_money_from_totals_to_a_statement(live_server, page):
    make_user(Role.VIEWER, username="chakan")
    sponsor = make_sponsor(name="李爱心", payment_frequency=PaymentFrequency.SEMESTER)
    pledge = make_pledge(make_pairing(sponsor=sponsor))
    make_donation(sponsor, 30_000)
    make_donation(None, 5_000, donor_name="某企业")
    pledges.mark_overdue(date(2027, 3, 10))
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill("chakan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    open_menu(page, "资金")
    page.get_by_role("link", name="资金报表").click()
    expect(page.get_by_text("账目平衡")).to_be_visible()
    expect(page.get_by_text("¥350.00").first).to_be_visible()

    open_menu(page, "资金")
    page.get_by_role("link", name="逾期", exact=True).click()
    expect(page.get_by_role("heading", name="逾期未缴")).to_be_visible()
    page.get_by_role("link", name="李爱心").click()
    expect(page.get_by_role("heading", name="李爱心的对账单")).to_be_visible()
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    expect(page.get_by_text("¥700.00").first).to_be_visible()  # ¥1,000 pledged, ¥300 paid
    page.get_by_role("link", name=pledge.pairing.child.name).first.click()
    expect(page.get_by_text("¥300.00").first).to_be_visible()
