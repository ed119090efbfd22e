"""The caring parents' spreadsheet: a stack of paper reply forms typed in as one row each."""

from __future__ import annotations

import io
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from sponsorship.models.enums import (
    AidPreference,
    Channel,
    Distance,
    Gender,
    PaymentFrequency,
    SponsorKind,
)
from sponsorship.services.core import spreadsheets
from sponsorship.services.core.spreadsheets import SheetSpec

HEADERS = (
    ("报名表编号", "paper_reference"),
    ("姓名或单位名称", "name"),
    ("报名类别", "kind"),
    ("单位联系人", "contact_name"),
    ("性别", "gender"),
    ("手机", "mobile"),
    ("电子邮箱", "email"),
    ("身份证号", "id_number"),
    ("镇（街道）", "town"),
    ("村（社区）", "village"),
    ("通讯地址", "address"),
    ("来信方式", "channel"),
    ("帮扶意向", "aid_preference"),
    ("结对范围", "distance"),
    ("希望结对儿童性别", "child_gender"),
    ("帮扶儿童人数", "capacity"),
    ("每名儿童每年认捐（元）", "pledge"),
    ("缴款方式", "payment_frequency"),
)
FIELD_HEADERS = {field: header for header, field in HEADERS}
REQUIRED = frozenset({"paper_reference", "name", "mobile", "town", "pledge"})
ENUMS = {
    "kind": SponsorKind,
    "gender": Gender,
    "channel": Channel,
    "aid_preference": AidPreference,
    "distance": Distance,
    "child_gender": Gender,
    "payment_frequency": PaymentFrequency,
}
INSTRUCTIONS = (
    "填写说明",
    "1. 第一行为列名，请勿修改；从第二行起每行一份纸质报名表（倡议书回执）。",
    "2. 必填：报名表编号、姓名或单位名称、手机、镇（街道）、每名儿童每年认捐（元）。",
    "3. 报名表编号写在纸质表上，一表一号；同一编号或同一手机号再次导入不会重复登记。",
    "4. 村（社区）可不填；报名类别不填即为个人，单位报名须填单位联系人。",
    "5. 来信方式不填即为短信；选电子邮件须填电子邮箱。",
    "6. 帮扶意向、结对范围、缴款方式不填时分别为「不限」「全县范围」「按年」；"
    "帮扶儿童人数不填为 1。",
    "7. 导入后，系统按手机（或邮箱）向每位爱心父母发送设置登录密码的链接，工作人员无需代设密码。",
    "8. 导入人将被记录为这些报名表的录入人；同意书以纸质签名为准，请妥善保存原表。",
)
TEXT_COLUMNS = frozenset({"paper_reference", "mobile", "id_number"})

SHEET = SheetSpec(
    title="爱心父母报名表",
    headers=HEADERS,
    required=REQUIRED,
    enums=ENUMS,
    text_columns=TEXT_COLUMNS,
    instructions=INSTRUCTIONS,
    empty=_l("The sheet is empty: headers in row 1, one paper form per row from row 2."),
    no_rows=_l("The sheet has no caring parents: one paper form per row from row 2."),
)


def template_workbook(towns: list[str] | None = None) -> io.BytesIO:
    """Return a blank caring parents' template with lists for the enumerated columns."""
    return spreadsheets.template_workbook(SHEET, towns)


def read_rows(stream: BinaryIO) -> list[tuple[int, dict[str, object]]]:
    """Return (sheet row number, values by field) for each non-empty row, or raise SheetError."""
    return spreadsheets.read_rows(stream, SHEET)
