"""A newcomer logs in as admin in Chinese, sees the dashboard, and switches to English."""

from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import Role
from tests.browser.conftest import open_menu
from tests.factories import PASSWORD, make_user


def test_admin_logs_in_in_chinese_and_switches_to_english(live_server, page):
    make_user(Role.ADMIN, username="admin")
    db.session.commit()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("登录名").fill("admin")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("登录名或密码错误")).to_be_visible()
    expect(page.get_by_label("登录名")).to_have_value("admin")

    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    open_menu(page, "系统")
    expect(page.get_by_role("link", name="用户")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已退出登录")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e]
