"""A 六一 handout in a real browser: amounts for all, the sign-for sheet, signatures recorded."""

import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from sponsorship.extensions import db
from sponsorship.models import CampaignBeneficiary
from sponsorship.models.enums import HandoutStatus, Hardship, Role
from sponsorship.services.money import ledger_check
from tests.factories import (
    PASSWORD,
    fund_general,
    id_number,
    make_child,
    make_town,
    make_user,
    make_village,
)
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


def test_a_children_s_day_handout_from_the_register_to_the_report_paragraph(live_server, page):
    """六一: open the campaign, fund it from the general fund, pick orphans of a town from the
    register, one amount for all, print the sign-for sheet, record the signatures, and read
    the campaign's paragraph for the report."""
    town = make_town(name="稔山镇")
    village = make_village(town, name="新村村")
    orphans = [
        make_child(region=village, hardships=[Hardship.ORPHAN], id_number=id_number())
        for _ in range(3)
    ]
    make_child(region=village, id_number=id_number())  # not an orphan: not picked
    make_user(Role.STAFF, username="liuyi.staff")
    make_user(Role.FINANCE, username="liuyi.finance")
    fund_general(100_000)
    db.session.commit()
    page.on("dialog", lambda dialog: dialog.accept())

    _log_in(page, live_server, "liuyi.staff")
    page.get_by_role("link", name="专项活动", exact=True).click()
    page.get_by_role("link", name="新建活动").click()
    page.get_by_label("活动名称").fill("2026年六一慰问")
    page.get_by_label("类别").select_option(label="慰问/救助发放")
    page.get_by_label("开始日期").fill("2026-05-25")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("活动已创建。")).to_be_visible()
    campaign_url = page.url

    page.get_by_role("link", name="从儿童名册添加").click()
    page.get_by_label("困境类别").select_option(label="孤儿")
    page.get_by_label("镇/街道").select_option(label="稔山镇")
    page.get_by_role("button", name="查看符合条件的儿童").click()
    for child in orphans:
        expect(page.get_by_role("cell", name=child.name, exact=True)).to_be_visible()
    page.get_by_role("button", name="添加这些儿童").click()
    expect(page.get_by_text("已添加 3 名儿童；已在活动中的 0 名已跳过。")).to_be_visible()

    page.context.clear_cookies()
    _log_in(page, live_server, "liuyi.finance")
    page.goto(campaign_url)
    page.get_by_role("link", name="从非定向资金拨款").click()
    page.get_by_label("金额（元）").fill("300")
    page.get_by_role("button", name="从非定向资金拨款").click()
    expect(page.get_by_text("拨款已登记。")).to_be_visible()

    page.context.clear_cookies()
    _log_in(page, live_server, "liuyi.staff")
    page.goto(campaign_url)
    expect(page.locator("#handouts-panel")).to_contain_text("¥300.00")
    page.get_by_role("link", name="发放金额、银行代发批次、签领表和慰问品").click()
    page.get_by_label("每人金额（元）").fill("100")
    page.get_by_role("button", name="确定金额").click()
    expect(page.get_by_text("已为 3 人确定金额。")).to_be_visible()

    page.get_by_label("签领表上的发放日期（可不填）").fill("2026-06-01")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载签领表（PDF）").click()
    pdf = PdfReader(download_info.value.path())
    text = "".join("".join(p.extract_text().replace("\x00", "").split()) for p in pdf.pages)
    assert "2026年六一慰问签领表" in text and "发放日期：2026年6月1日" in text
    assert "合计发放3人，金额合计300.00元" in text
    for child in orphans:
        assert child.name in text and child.id_number not in text

    for child in orphans:
        page.get_by_label(f"选择 {child.name}").check()
    page.get_by_label("签领日期").fill("2026-06-01")
    page.get_by_role("button", name="登记签领情况").click()
    expect(page.get_by_text("已登记 3 人签领。")).to_be_visible()

    page.goto(campaign_url)
    expect(page.locator("#campaign-paragraph")).to_have_text("走访慰问孤儿3人，发放慰问金300元")
    db.session.rollback()  # end the test's read snapshot: see what the server committed
    assert ledger_check.verify() == []
