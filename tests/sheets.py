"""Build children's sheets in memory for the import tests."""

from __future__ import annotations

import io

from openpyxl import Workbook

from sponsorship.services.children.sheet import HEADERS


def sheet_row(town: str, village: str, **overrides) -> dict:
    """Return one valid row by Chinese header."""
    row = {
        "姓名": "陈小雨",
        "身份证号": "",
        "性别": "女",
        "出生日期": "2016-03-01",
        "镇（街道）": town,
        "村（社区）": village,
        "家庭住址": "新村 3 号",
        "学校": "新村小学",
        "学段": "小学",
        "年级": 4,
        "帮扶类型": "助学",
        "困境类别": "留守、低保家庭",
        "家庭情况": "父母在外务工",
        "监护人姓名": "陈奶奶",
        "与儿童关系": "祖母",
        "监护人手机": "13800000000",
        "开户银行": "农商银行",
        "银行账号": "6228480000000000001",
        "监护人同意日期": "2026-09-01",
    }
    row.update(overrides)
    return row


def make_sheet(rows: list[dict], headers: list[str] | None = None) -> bytes:
    """Return the bytes of an .xlsx file with `headers` (the template's by default) and rows."""
    headers = headers or [h for h, _ in HEADERS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("儿童名册")
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
