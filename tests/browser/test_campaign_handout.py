"""A 六一 handout in a real browser: amounts for all, the sign-for sheet, signatures recorded."""

import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from sponsorship.extensions import db
from sponsorship.models import CampaignBeneficiary
from sponsorship.models.enums import HandoutStatus, Role
from sponsorship.services.money import ledger_check
from tests.factories import PASSWORD, make_user
from tests.services.campaigns.handout_data import (
    fund_campaign,
    make_campaign,
    make_child_beneficiary,
)


def _log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_clerk_hands_out_cash_and_records_the_signed_sheet(live_server, page):
    make_user(Role.STAFF, username="liuyi.clerk")
    campaign = make_campaign(name="2026年六一慰问")
    children = [make_child_beneficiary(campaign) for _ in range(3)]
    fund_campaign(campaign, 30000)
    db.session.commit()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page, live_server, "liuyi.clerk")
    page.goto(f"{live_server}/campaigns/{campaign.id}/handouts")

    page.get_by_label("每人金额（元）").fill("100")
    page.get_by_role("button", name="确定金额").click()
    expect(page.get_by_text("已为 3 人确定金额。")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载签领表（PDF）").click()
    download = download_info.value
    pdf = PdfReader(download.path())
    text = "".join("".join(p.extract_text().replace("\x00", "").split()) for p in pdf.pages)
    assert "2026年六一慰问签领表" in text and "金额合计300.00元" in text
    for person in children:
        assert person.name in text and person.child.id_number not in text

    first, second, third = children
    page.get_by_label(f"选择 {first.name}").check()
    page.get_by_label(f"选择 {second.name}").check()
    page.get_by_label("签领日期").fill("2026-06-01")
    page.get_by_role("button", name="登记签领情况").click()
    expect(page.get_by_text("已登记 2 人签领。")).to_be_visible()

    page.get_by_label(f"选择 {third.name}").check()
    page.get_by_label("未签领", exact=True).check()
    page.get_by_label("未签领原因").fill("生病住院")
    page.get_by_role("button", name="登记签领情况").click()
    expect(page.get_by_text("已登记 1 人未签领。")).to_be_visible()
    expect(page.locator("#handout-figures")).to_contain_text("¥200.00")

    db.session.rollback()  # end the test's read snapshot: see what the server committed
    states = db.session.scalars(
        sa.select(CampaignBeneficiary.status).order_by(CampaignBeneficiary.id)
    ).all()
    assert states == [HandoutStatus.SIGNED, HandoutStatus.SIGNED, HandoutStatus.NOT_SIGNED]
    assert ledger_check.verify() == []
    assert not [e for e in errors if "Content Security Policy" in e]
