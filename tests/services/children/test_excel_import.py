"""Excel import: clean, mixed, repeated, malformed and oversized sheets."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Child, Guardian
from sponsorship.models.enums import ChildStatus, Hardship, RegionLevel, Role
from sponsorship.services.children.excel_import import apply_import, plan_import
from sponsorship.services.children.sheet import SheetError, read_rows
from sponsorship.services.core import spreadsheets
from tests.conftest import count
from tests.factories import id_number, make_child, make_region, make_user
from tests.sheets import make_sheet, sheet_row


@pytest.fixture
def place():
    town = make_region("平山街道")
    village = make_region("新村社区", level=RegionLevel.VILLAGE, parent=town)
    return town, village


def plan(content: bytes, user):
    return plan_import(read_rows(io.BytesIO(content)), user)


def test_a_clean_sheet_is_planned_then_imported(place):
    town, village = place
    clerk = make_user(Role.STAFF, scope=town)
    number = id_number(date(2015, 5, 6), male=True)
    content = make_sheet(
        [
            sheet_row("平山街道", "新村社区"),
            sheet_row("平山街道", "新村社区", 姓名="李明", 身份证号=number, 出生日期="", 性别=""),
        ]
    )
    result = plan(content, clerk)
    assert result.ok and [r.action for r in result.rows] == ["create", "create"]
    assert count(Child) == 0
    counts = apply_import(result, clerk)
    assert counts == {"create": 2, "update": 0, "unchanged": 0}
    li = db.session.scalar(sa.select(Child).where(Child.name == "李明"))
    assert li.birth_date == date(2015, 5, 6) and li.gender == "male" and li.id_tail == number[-4:]
    assert li.status == ChildStatus.REGISTERED and li.guardian.consent_collected_by == clerk
    assert li.hardships == [Hardship.LEFT_BEHIND, Hardship.LOW_INCOME]
    assert count(AuditEvent, AuditEvent.action == "child.import") == 1


def test_mixed_rows_list_every_error_with_its_row_and_write_nothing(place):
    town, _ = place
    clerk = make_user(Role.STAFF, scope=town)
    content = make_sheet(
        [
            sheet_row("平山街道", "新村社区"),
            sheet_row("平山街道", "新村社区", 姓名="", 监护人同意日期=""),
            sheet_row("平山街道", "无此村", 姓名="王五"),
            sheet_row("平山街道", "新村社区", 姓名="赵六", 身份证号="441323201603010001"),
            sheet_row("平山街道", "新村社区", 姓名="钱七", 学段="大学"),
        ]
    )
    result = plan(content, clerk)
    texts = [str(p) for p in result.problems]
    assert "第 3 行 · 姓名 · 请填写儿童姓名" in texts
    assert any(t.startswith("第 3 行 · 监护人同意日期 · 未记录监护人同意") for t in texts)
    assert "第 4 行 · 村（社区） · 找不到该镇（街道）下的村（社区）" in texts
    assert any(t.startswith("第 5 行 · 身份证号 · ") for t in texts)
    assert "第 6 行 · 学段 · 不是可选的值：大学" in texts
    assert not result.ok and result.rows[0].action == "create"
    with pytest.raises(Exception, match="错误"):
        apply_import(result, clerk)
    assert count(Child) == 0 and count(Guardian) == 0


def test_reimport_updates_and_never_duplicates(place):
    town, village = place
    clerk = make_user(Role.STAFF, scope=town)
    number = id_number(date(2014, 1, 2))
    rows = [
        sheet_row("平山街道", "新村社区"),
        sheet_row("平山街道", "新村社区", 姓名="李芳", 身份证号=number, 出生日期="2014-01-02"),
    ]
    apply_import(plan(make_sheet(rows), clerk), clerk)
    again = plan(make_sheet(rows), clerk)
    assert [r.action for r in again.rows] == ["unchanged", "unchanged"]
    rows[0]["年级"] = 5
    rows[1]["监护人手机"] = "13900000000"
    changed = plan(make_sheet(rows), clerk)
    assert [r.action for r in changed.rows] == ["update", "update"]
    apply_import(changed, clerk)
    assert count(Child) == 2
    assert db.session.scalar(sa.select(Child.grade).where(Child.name == "陈小雨")) == 5


def test_duplicate_rows_in_one_sheet_and_children_outside_scope(place):
    town, village = place
    clerk = make_user(Role.STAFF, scope=town)
    number = id_number()
    other = make_region("别镇")
    make_child(region=make_region(level=RegionLevel.VILLAGE, parent=other), id_number=number)
    content = make_sheet(
        [
            sheet_row("平山街道", "新村社区"),
            sheet_row("平山街道", "新村社区"),
            sheet_row("平山街道", "新村社区", 姓名="孙八", 身份证号=number, 出生日期="2016-03-01"),
        ]
    )
    texts = [str(p) for p in plan(content, clerk).problems]
    assert "第 3 行 · 姓名 · 与第 2 行重复" in texts
    assert "第 4 行 · 身份证号 · 该儿童已在您管辖范围外登记" in texts


def test_a_viewer_cannot_import(place):
    with pytest.raises(Exception, match="只能查看"):
        plan(make_sheet([sheet_row("平山街道", "新村社区")]), make_user(Role.VIEWER))


def test_files_that_are_not_sheets_of_children():
    with pytest.raises(SheetError, match="不是 Excel"):
        read_rows(io.BytesIO(b"name,birth\n"))
    with pytest.raises(SheetError, match="缺少必填列：.*学段"):
        read_rows(io.BytesIO(make_sheet([{"姓名": "陈"}], headers=["姓名", "出生日期"])))
    with pytest.raises(SheetError, match="没有儿童数据"):
        read_rows(io.BytesIO(make_sheet([])))
    with pytest.raises(SheetError, match="空的"):
        read_rows(io.BytesIO(make_sheet([], headers=["", ""])))


def test_a_sheet_too_long_is_refused_with_a_clear_message(place, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    content = make_sheet([sheet_row("平山街道", "新村社区", 姓名=f"童{i}") for i in range(4)])
    with pytest.raises(SheetError, match="一次最多导入 3 行"):
        read_rows(io.BytesIO(content))


def test_a_sheet_of_20000_rows_is_taken_whole(place):
    town, _ = place
    clerk = make_user(Role.STAFF, scope=town)
    rows = [
        sheet_row("平山街道", "新村社区", 姓名=f"童{i}", 学段="学前", 年级="")
        for i in range(20_000)
    ]
    result = plan(make_sheet(rows), clerk)
    assert result.ok and result.count("create") == 20_000


def test_an_id_stored_as_a_number_is_explained(place):
    town, _ = place
    clerk = make_user(Role.STAFF, scope=town)
    content = make_sheet([sheet_row("平山街道", "新村社区", 身份证号=441323201603010000)])
    texts = [str(p) for p in plan(content, clerk).problems]
    assert any("存成了数字" in t for t in texts)


def test_a_full_export_imports_again_as_unchanged(place):
    from sponsorship.services.children.excel_export import export_children
    from sponsorship.services.children.search import ChildFilters

    town, village = place
    clerk = make_user(Role.STAFF, scope=town)
    make_child(region=village, id_number=id_number(), hardships=[Hardship.ORPHAN])
    make_child(region=village, grade=None, school_stage="preschool", birth_date=date(2021, 5, 1))
    stream = export_children(clerk, ChildFilters(), reveal_reason="核对")
    result = plan(stream.getvalue(), clerk)
    assert result.ok, [str(p) for p in result.problems]
    assert [r.action for r in result.rows] == ["unchanged", "unchanged"]
