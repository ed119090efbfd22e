"""Town staff import their spreadsheet: upload, read the preview, confirm, find the child."""

import pytest
from playwright.sync_api import expect

from sponsorship.extensions import db
from sponsorship.models.enums import RegionLevel, Role
from tests.factories import PASSWORD, make_region, make_user
from tests.sheets import make_sheet, sheet_row


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path, monkeypatch):
    """Keep the pending uploads of these tests in a throw-away folder."""
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path / "imports"))


def test_staff_imports_a_sheet_and_finds_the_child(live_server, page, tmp_path):
    town = make_region("平山街道")
    make_region("新村社区", level=RegionLevel.VILLAGE, parent=town)
    make_user(Role.STAFF, username="clerk", scope=town)
    db.session.commit()
    sheet = tmp_path / "名册.xlsx"
    sheet.write_bytes(
        make_sheet(
            [
                sheet_row("平山街道", "新村社区", 姓名="黄晓彤"),
                sheet_row("平山街道", "新村社区", 姓名="叶浩然", 学段="初中", 年级=8),
            ]
        )
    )
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server}/login")
    page.get_by_label("登录名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="儿童", exact=True).click()
    expect(page.get_by_text("还没有登记儿童")).to_be_visible()
    page.get_by_role("link", name="从 Excel 导入").click()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(sheet))
    page.get_by_role("button", name="检查文件").click()

    expect(page.get_by_text("新登记 2 名，更新 0 名，未变 0 名，错误 0 处。")).to_be_visible()
    expect(page.get_by_role("cell", name="叶浩然")).to_be_visible()
    expect(page.get_by_text("目前尚未保存任何数据。")).to_be_visible()
    page.get_by_role("button", name="确认导入").click()

    expect(page.get_by_text("导入完成：新登记 2 名")).to_be_visible()
    page.get_by_label("姓名或身份证号后几位").fill("浩然")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("共找到 1 名儿童")).to_be_visible()
    page.get_by_role("link", name="叶浩然").click()
    expect(page.get_by_role("heading", name="叶浩然")).to_be_visible()
    expect(page.get_by_text("初中 8 年级")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e]
