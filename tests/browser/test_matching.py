"""Town staff run matching, confirm the proposal, and find the child among active pairings."""

from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import Hardship, Role
from tests import factories
from tests.browser.conftest import open_menu


def test_staff_run_matching_and_confirm_a_proposal(live_server, page):
    town = factories.make_town(name="稔山镇")
    village = factories.make_village(town, name="新村村")
    factories.make_sponsor(village, name="王爱心")
    factories.make_child(village, name="陈小华", hardships=[Hardship.ORPHAN])
    factories.make_user(Role.STAFF, username="clerk", scope=town)
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill("clerk")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    open_menu(page, "结对帮扶")
    page.get_by_role("link", name="结对匹配").click()
    expect(page.get_by_text("目前没有待处理的建议")).to_be_visible()

    page.get_by_role("button", name="运行匹配").click()
    expect(page.get_by_text("匹配完成")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="王爱心")
    expect(row).to_contain_text("小华")
    expect(row).to_contain_text("同村 · 小学")
    expect(row).to_contain_text("孤儿")
    row.get_by_role("button", name="确认").click()
    expect(page.get_by_text("结对已确认：王爱心 与 小华。")).to_be_visible()

    open_menu(page, "结对帮扶")
    page.get_by_role("link", name="结对", exact=True).click()
    active = page.get_by_role("row").filter(has_text="王爱心")
    expect(active).to_contain_text("小华")
    expect(active).to_contain_text("稔山镇")
