"""The import pages: template, upload, preview, confirm; the pending file stays on the server."""

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from sponsorship.extensions import db
from sponsorship.models import Child
from sponsorship.models.enums import RegionLevel, Role
from tests.conftest import count, csrf_token, post_form
from tests.factories import make_region
from tests.sheets import make_sheet, sheet_row
from tests.views.pages import field_errors, flashes

TOKEN_RE = re.compile(r'name="token" type="hidden" value="([^"]+)"')


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path, monkeypatch):
    """Keep the pending uploads of these tests in a throw-away folder."""
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path / "imports"))


@pytest.fixture
def town():
    town = make_region("平山街道")
    make_region("新村社区", level=RegionLevel.VILLAGE, parent=town)
    return town


def upload(client, content: bytes, filename: str = "children.xlsx"):
    data = {"csrf_token": csrf_token(client, "/children/import/")}
    data["file"] = (io.BytesIO(content), filename)
    return client.post("/children/import/", data=data, content_type="multipart/form-data")


def test_template_has_chinese_headers_and_lists(client, auth, town):
    auth.as_role(Role.STAFF, scope=town)
    response = client.get("/children/import/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["儿童名册"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["姓名", "身份证号", "性别", "出生日期"]
    formulas = [rule.formula1 for rule in sheet.data_validations.dataValidation]
    assert len(formulas) >= 4 and all(f.startswith("选项!") for f in formulas)
    assert "平山街道" in [c.value for c in workbook["选项"]["E"]]


def test_upload_preview_then_confirm(client, auth, town):
    [village] = town.children
    auth.as_role(Role.STAFF, scope=town)
    content = make_sheet(
        [sheet_row("平山街道", "新村社区"), sheet_row("平山街道", "新村社区", 姓名="李明")]
    )
    preview = upload(client, content)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "李明" in text
    assert count(Child) == 0
    token = TOKEN_RE.search(text).group(1)
    done = post_form(client, "/children/import/confirm", {"token": token}, token_from="/children/")
    assert done.status_code == 302 and count(Child) == 2
    assert sorted(db.session.scalars(sa.select(Child.region_id)).all()) == [village.id] * 2
    assert flashes(client.get(done.headers["Location"]).get_data(as_text=True), "success") == [
        "导入完成：新登记 2 名，更新 0 名，未变 0 名。"
    ]
    again = post_form(client, "/children/import/confirm", {"token": token}, token_from="/children/")
    assert again.status_code == 302 and count(Child) == 2
    assert again.headers["Location"] == "/children/import/"
    assert flashes(client.get("/children/import/").get_data(as_text=True), "error") == [
        "该上传已过期或已导入，请重新上传文件。"
    ]


def test_errors_are_listed_and_nothing_can_be_confirmed(client, auth, town):
    auth.as_role(Role.STAFF, scope=town)
    content = make_sheet(
        [sheet_row("平山街道", "新村社区"), sheet_row("平山街道", "新村社区", 学段="大学")]
    )
    text = upload(client, content).get_data(as_text=True)
    assert "第 3 行 · 学段 · 不是可选的值：大学" in text
    assert TOKEN_RE.search(text) is None and count(Child) == 0


def test_another_users_token_is_refused(app, client, auth, town):
    auth.as_role(Role.STAFF, scope=town)
    token = TOKEN_RE.search(
        upload(client, make_sheet([sheet_row("平山街道", "新村社区")])).get_data(as_text=True)
    ).group(1)
    from tests.conftest import Auth

    other = app.test_client()
    Auth(other).as_role(Role.STAFF, scope=town)
    refused = post_form(
        other, "/children/import/confirm", {"token": token}, token_from="/children/"
    )
    assert refused.status_code == 302 and refused.headers["Location"] == "/children/import/"
    assert flashes(other.get("/children/import/").get_data(as_text=True), "error") == [
        "该上传已过期或已导入，请重新上传文件。"
    ]
    assert count(Child) == 0


def test_wrong_files_get_clear_messages(client, auth, town):
    auth.as_role(Role.STAFF, scope=town)
    text = upload(client, b"a,b\n", "children.csv").get_data(as_text=True)
    assert ".xlsx" in text
    [error] = field_errors(text, "file")  # the page always offers a template (.xlsx) link
    assert ".xlsx" in error
    text = upload(client, b"not a zip", "children.xlsx").get_data(as_text=True)
    assert "不是 Excel 工作簿" in text
    missing = make_sheet([{"姓名": "陈"}], headers=["姓名"])
    assert "缺少必填列" in upload(client, missing).get_data(as_text=True)
    db.session.rollback()
    assert count(Child) == 0
