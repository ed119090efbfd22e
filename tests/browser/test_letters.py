"""A clerk prints the postal letters; an admin edits a letter's text with a preview."""

import re

from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import Channel, LetterKind, Role
from sponsorship.services.letters.queue import queue_letter
from tests.browser.conftest import open_menu
from tests.factories import PASSWORD, make_letter_sponsor, make_user


def _login(page, live_server, username):
    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_clerk_downloads_the_print_pdf_and_marks_the_letters_printed(live_server, page):
    make_user(Role.STAFF, username="clerk")
    for _ in range(2):
        sponsor = make_letter_sponsor(channel=Channel.POST)
        queue_letter(LetterKind.APPEAL, sponsor, "appeal:2026")
    db.session.commit()
    _login(page, live_server, "clerk")
    open_menu(page, "信件")
    page.get_by_role("link", name="待打印信件").first.click()
    expect(page.get_by_role("heading", name="待打印信件")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 2 封信件的 PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.get_by_role("button", name="将以上信件标记为已打印").click()
    expect(page.get_by_text("已将 2 封信件标记为已打印。")).to_be_visible()
    expect(page.get_by_text("没有等待打印的信件")).to_be_visible()

    open_menu(page, "信件")
    page.get_by_role("link", name="信件", exact=True).click()
    page.get_by_label("状态").select_option(label="已打印")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("cell", name="已打印")).to_have_count(2)
    page.get_by_role("link", name="倡议书").first.click()
    expect(page.locator("pre.letter-body")).to_contain_text("诚邀您成为孩子的爱心父母")
    expect(page.get_by_text("已打印")).to_be_visible()


def test_an_admin_previews_and_saves_a_new_version(live_server, page):
    make_user(Role.ADMIN, username="boss")
    db.session.commit()
    _login(page, live_server, "boss")
    open_menu(page, "信件")
    page.get_by_role("link", name="信件模板").click()
    page.get_by_role("row", name="倡议书").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="倡议书 · 中文")).to_be_visible()
    page.get_by_label("标题").fill("倡议书（{{ today|date }}）")
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_text(re.compile(r"倡议书（\d{4}年")).first).to_be_visible()
    page.get_by_role("button", name="保存为新版本").click()
    expect(page.get_by_text("第 1 版已保存并启用。")).to_be_visible()
    expect(page.get_by_role("cell", name="1 · 使用中")).to_be_visible()
