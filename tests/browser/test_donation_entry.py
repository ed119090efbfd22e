"""Finance records a donation as typed from a bank slip, reads the statement, then reverses it."""

from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import Role
from tests.browser.conftest import open_menu
from tests.factories import PASSWORD, make_pairing, make_pledge, make_sponsor, make_user


def test_finance_records_and_reverses_a_donation(live_server, page):
    make_user(Role.FINANCE, username="kuaiji")
    sponsor = make_sponsor(name="王爱心", mobile="13900001234")
    make_pledge(make_pairing(sponsor=sponsor))
    db.session.commit()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill("kuaiji")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    open_menu(page, "资金")
    page.get_by_role("link", name="捐款", exact=True).click()
    page.get_by_role("link", name="登记捐款").click()

    page.get_by_label("爱心父母", exact=True).select_option(label="王爱心 (1234)")
    page.get_by_label("金额（元）").fill("12.345")
    page.get_by_label("银行流水号").fill("ICBC-778")
    page.get_by_role("button", name="登记捐款").click()
    expect(page.get_by_role("alert")).to_contain_text("最多两位小数")
    expect(page.get_by_label("银行流水号")).to_have_value("ICBC-778")

    page.get_by_label("金额（元）").fill("1,234.50")
    page.get_by_role("button", name="登记捐款").click()
    expect(page.get_by_text("捐款已登记，收据号 HD-")).to_be_visible()
    expect(page.get_by_text("¥1,234.50").first).to_be_visible()

    page.get_by_role("link", name="王爱心").click()
    expect(page.get_by_role("heading", name="王爱心的对账单")).to_be_visible()
    expect(page.get_by_text("¥234.50").first).to_be_visible()  # credit beyond the ¥1,000 due
    page.go_back()

    page.get_by_label("冲销原因").fill("银行退票")
    page.get_by_role("button", name="冲销捐款").click()
    expect(page.get_by_text("已冲销").first).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e]
