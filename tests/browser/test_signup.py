"""A visitor signs up in Chinese in a real browser, then logs in and sees the pending state."""

import sqlalchemy as sa
from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models import Sponsor, User
from sponsorship.models.enums import RegionLevel, Role, SponsorStatus
from tests.conftest import count
from tests.factories import make_region

PASSWORD = "我的爱心密码 2026"


def test_visitor_signs_up_in_chinese_and_sees_the_pending_state(live_server, page):
    town = make_region("稔山镇")
    village = make_region("新村村", level=RegionLevel.VILLAGE, parent=town)
    make_region("竹园村", level=RegionLevel.VILLAGE, parent=town)
    other = make_region("平海镇")
    make_region("碧甲村", level=RegionLevel.VILLAGE, parent=other)
    db.session.commit()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", name="倡议书：做困境儿童的爱心父母")).to_be_visible()
    page.get_by_role("link", name="报名成为爱心父母").click()
    expect(page.get_by_role("heading", name="报名成为爱心父母")).to_be_visible()

    page.get_by_label("姓名（单位报名请填单位名称）").fill("王丽")
    page.get_by_label("性别", exact=True).select_option(label="女")
    page.get_by_label("手机号").fill("139 1234 5678")
    # The script splits the grouped list into a town select and a village select.
    page.get_by_label("镇/街道", exact=True).select_option(label="平海镇")
    expect(page.locator("#region option", has_text="新村村")).to_have_count(0)
    page.get_by_label("镇/街道", exact=True).select_option(label="稔山镇")
    page.get_by_label("所在镇、村").select_option(label="新村村")
    page.get_by_label("通信地址").fill("稔山镇新村村 3 号")
    page.get_by_label("帮扶儿童人数").select_option("2")
    page.get_by_label("每名儿童每年认捐金额（元）").fill("800")
    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="提交报名").click()

    # Under the standard and without consent: messages beside the fields, input kept.
    expect(page.get_by_text("不低于所选类别的标准 1000 元")).to_be_visible()
    expect(page.get_by_text("请同意隐私说明后再提交")).to_be_visible()
    expect(page.get_by_label("通信地址")).to_have_value("稔山镇新村村 3 号")
    expect(page.get_by_label("所在镇、村")).to_have_value(str(village.id))
    assert count(Sponsor) == 0

    page.get_by_label("每名儿童每年认捐金额（元）").fill("1200")
    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_label("我已阅读隐私说明").check()
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_role("heading", name="感谢您！报名已提交")).to_be_visible()

    db.session.rollback()  # end the read transaction: see what the server committed
    assert count(Sponsor) == 1 and count(User) == 1
    sponsor = db.session.scalar(sa.select(Sponsor))
    assert sponsor.status == SponsorStatus.PENDING and sponsor.region.name == "新村村"
    assert sponsor.user.role == Role.SPONSOR

    page.get_by_role("link", name="登录", exact=True).click()
    page.get_by_label("登录名").fill("13912345678")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="王丽，您好")).to_be_visible()
    expect(page.get_by_text("待审核")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e]
