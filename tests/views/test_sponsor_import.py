"""Caring parents from Excel: template, a preview of every bad cell, all or nothing, no twins."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from sponsorship.extensions import db
from sponsorship.models import Letter, Sponsor, User
from sponsorship.models.enums import ConsentMethod, LetterKind, Role
from sponsorship.services.sponsors.sheet import HEADERS
from tests.conftest import count, csrf_token
from tests.factories import make_sponsor, make_village
from tests.sheets import make_sheet
from tests.views.pages import flashes, table_rows

TOKEN_RE = re.compile(r'name="token" type="hidden" value="([^"]+)"')
SPONSOR_HEADERS = [header for header, _ in HEADERS]


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path, monkeypatch):
    """Keep the pending uploads of these tests in a throw-away folder."""
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path / "imports"))


@pytest.fixture
def village():
    village = make_village("稔山镇", "新村村")
    db.session.commit()
    return village


def form_row(n: int, **overrides) -> dict:
    row = {
        "报名表编号": f"JD-{n:03d}",
        "姓名或单位名称": f"爱心人{n}",
        "手机": f"1390000{n:04d}",
        "镇（街道）": "稔山镇",
        "村（社区）": "新村村",
        "通讯地址": f"新村村 {n} 号",
        "每名儿童每年认捐（元）": 1000,
    }
    row.update(overrides)
    return row


def sheet(rows: list[dict]) -> bytes:
    return make_sheet(rows, headers=SPONSOR_HEADERS)


def upload(client, content: bytes):
    data = {"csrf_token": csrf_token(client, "/sponsors/import/")}
    data["file"] = (io.BytesIO(content), "forms.xlsx")
    return client.post("/sponsors/import/", data=data, content_type="multipart/form-data")


def confirm(client, preview_page: str):
    token = TOKEN_RE.search(preview_page).group(1)
    data = {"csrf_token": csrf_token(client, "/sponsors/import/"), "token": token}
    return client.post("/sponsors/import/confirm", data=data, follow_redirects=True)


def test_the_template_has_the_forms_columns_and_the_users_towns(client, auth, village):
    auth.as_role(Role.STAFF, scope=village.parent)
    workbook = load_workbook(io.BytesIO(client.get("/sponsors/import/template.xlsx").data))
    assert [c.value for c in workbook["爱心父母报名表"][1]][:3] == [
        "报名表编号",
        "姓名或单位名称",
        "报名类别",
    ]
    assert "稔山镇" in [c.value for row in workbook["选项"].iter_rows() for c in row]


def test_a_bad_sheet_lists_every_error_by_row_and_column_and_saves_nothing(client, auth, village):
    make_sponsor(region=village, mobile="13911112222", paper_reference="OLD-1")
    auth.as_role(Role.STAFF)
    rows = [
        form_row(1),
        form_row(2, **{"手机": "12345", "每名儿童每年认捐（元）": 10}),
        form_row(3, **{"村（社区）": "没有这个村", "帮扶意向": "随便"}),
        form_row(4, 报名表编号="JD-001"),
        form_row(5, 手机="13911112222"),
        form_row(6, 报名类别="单位"),
    ]
    response = upload(client, sheet(rows))
    page = response.get_data(as_text=True)
    problems = [" ".join(li.split()) for li in re.findall(r"<li>(第 .*?)</li>", page)]
    assert any(p.startswith("第 3 行 · 手机") for p in problems)
    assert any(p.startswith("第 3 行 · 每名儿童每年认捐（元）") for p in problems)
    assert [p for p in problems if p.startswith("第 4 行 · 村（社区）")] == [
        "第 4 行 · 村（社区） · 找不到该镇（街道）或其下的村（社区）"
    ]
    assert any(p.startswith("第 4 行 · 帮扶意向 · 不是可选的值：随便") for p in problems)
    assert "第 5 行 · 报名表编号 · 与第 2 行重复" in problems
    assert any(p.startswith("第 6 行 · 手机") for p in problems)
    assert any(p.startswith("第 7 行 · 单位联系人") for p in problems)
    assert not any(p.startswith("第 2 行") for p in problems), problems
    assert TOKEN_RE.search(page) is None  # no confirmation offered for a sheet with errors
    assert count(Sponsor) == 1 and count(Letter) == 0


def test_fifty_forms_preview_then_all_enter_and_a_second_import_enters_none(client, auth, village):
    clerk = auth.as_role(Role.STAFF, scope=village.parent)
    content = sheet([form_row(n) for n in range(1, 51)])
    preview = upload(client, content).get_data(as_text=True)
    assert "将录入 50 份纸质报名表" in preview
    assert count(Sponsor) == 0  # the preview writes nothing
    done = confirm(client, preview).get_data(as_text=True)
    assert flashes(done, "success") == ["导入完成：录入并邀请爱心父母 50 位，0 位已录入过。"]
    entered = db.session.scalars(db.select(Sponsor)).all()
    assert len(entered) == 50
    assert {(s.consent_method, s.entered_by_id) for s in entered} == {
        (ConsentMethod.PAPER, clerk.id)
    }
    assert count(Letter, Letter.kind == LetterKind.PORTAL_INVITATION) == 50
    assert count(User, User.role == Role.SPONSOR) == 50

    again = upload(client, content).get_data(as_text=True)
    assert "将录入 0 份纸质报名表" in again and "50 份已录入过" in again
    assert {row[3] for row in table_rows(again)} == {
        f"已录入为第 {s.id} 号爱心父母，保持不变" for s in entered
    }
    confirm(client, again)
    assert count(Sponsor) == 50 and count(Letter) == 50


def test_a_form_entered_between_preview_and_confirm_stops_the_whole_import(client, auth, village):
    auth.as_role(Role.STAFF)
    preview = upload(client, sheet([form_row(1), form_row(2)])).get_data(as_text=True)
    make_sponsor(region=village, mobile="13900009999", paper_reference="JD-002")
    db.session.commit()
    response = confirm(client, preview)
    assert "报名表编号" in response.get_data(as_text=True)
    assert count(Sponsor) == 1 and count(Letter) == 0


def test_viewers_may_not_import(client, auth, village):
    auth.as_role(Role.VIEWER)
    assert client.get("/sponsors/import/").status_code == 403


def test_a_mobile_entered_in_another_town_is_an_error_without_its_number_or_name(
    client, auth, village
):
    """Town staff learn that a mobile is taken, never who took it or under which number."""
    elsewhere = make_village("平山街道", "河口村")
    theirs = make_sponsor(region=elsewhere, name="外镇王爱心", mobile="13900000001")
    ours = make_sponsor(region=village, name="本镇李爱心", mobile="13900000002")
    auth.as_role(Role.STAFF, scope=village.parent)
    page = upload(client, sheet([form_row(1), form_row(2)])).get_data(as_text=True)
    problems = [" ".join(li.split()) for li in re.findall(r"<li>(第 .*?)</li>", page)]
    assert problems == ["第 2 行 · 手机 · 该手机号已登记，请联系县妇联。"]
    assert theirs.name not in page and f"第 {theirs.id} 号" not in page
    # The caring parent of the clerk's own town is named by number, as before.
    assert f"已录入为第 {ours.id} 号爱心父母，保持不变" in page
    assert TOKEN_RE.search(page) is None and count(Sponsor) == 2
