"""Town staff approve an applicant in a real browser; the caring parent then sees the approval."""

from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import RegionLevel, Role, SponsorStatus
from tests.factories import PASSWORD, make_portal_sponsor, make_region, make_user


def test_town_staff_approve_and_the_caring_parent_sees_it(live_server, page):
    town = make_region("稔山镇")
    village = make_region("新村村", level=RegionLevel.VILLAGE, parent=town)
    sponsor = make_portal_sponsor(region=village, name="王丽", status=SponsorStatus.PENDING)
    make_user(Role.STAFF, username="town.clerk", scope=town)
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill("town.clerk")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="爱心父母", exact=True).click()
    page.get_by_label("状态").select_option(label="待审核")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name="王丽").click()
    expect(page.get_by_text("待审核").first).to_be_visible()
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_text("已通过 王丽 的申请")).to_be_visible()
    page.get_by_role("button", name="退出登录").click()

    page.get_by_label("登录名").fill(sponsor.mobile)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="王丽，您好")).to_be_visible()
    expect(page.get_by_text("感谢您成为本次行动的爱心父母")).to_be_visible()
