"""The children's spreadsheet: its Chinese columns, enumerated values, and the blank template."""

from __future__ import annotations

import io
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from sponsorship.models.enums import AidType, Gender, Hardship, SchoolStage
from sponsorship.services.core import spreadsheets
from sponsorship.services.core.spreadsheets import (
    MAX_ROWS,
    SheetError,
    SheetSpec,
    normalise_header,
    zh_labels,
    zh_values,
)

__all__ = [
    "ENUMS",
    "FIELD_HEADERS",
    "HEADERS",
    "MAX_ROWS",
    "SheetError",
    "normalise_header",
    "read_rows",
    "template_workbook",
    "zh_labels",
    "zh_values",
]
#: (Chinese header, field) in template order; the same columns come back in exports.
HEADERS = [
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("性别", "gender"),
    ("出生日期", "birth_date"),
    ("镇（街道）", "town"),
    ("村（社区）", "village"),
    ("家庭住址", "address"),
    ("学校", "school"),
    ("学段", "school_stage"),
    ("年级", "grade"),
    ("帮扶类型", "aid_type"),
    ("困境类别", "hardships"),
    ("家庭情况", "family_situation"),
    ("监护人姓名", "guardian_name"),
    ("与儿童关系", "guardian_relation"),
    ("监护人手机", "guardian_mobile"),
    ("开户银行", "bank_name"),
    ("银行账号", "bank_account"),
    ("监护人同意日期", "consent_given_on"),
]
FIELD_HEADERS = {field: header for header, field in HEADERS}
HEADER_FIELDS = {header: field for header, field in HEADERS}
#: Columns a sheet must have; a row may still leave optional cells empty.
REQUIRED = {
    "name",
    "town",
    "village",
    "school_stage",
    "aid_type",
    "guardian_name",
    "guardian_relation",
    "consent_given_on",
}
ENUMS = {
    "gender": Gender,
    "school_stage": SchoolStage,
    "aid_type": AidType,
    "hardships": Hardship,
}
#: Columns kept as text so Excel never turns a long number into 4.41323E+17.
TEXT_COLUMNS = {"id_number", "guardian_mobile", "bank_account", "birth_date", "consent_given_on"}
HARDSHIP_SEPARATORS = "、,，;；/ "
INSTRUCTIONS = [
    "填写说明",
    "1. 第一行为列名，请勿修改；从第二行起每行一名儿童。",
    "2. 必填：姓名、镇（街道）、村（社区）、学段、帮扶类型、"
    "监护人姓名、与儿童关系、监护人同意日期。",
    "3. 有身份证号时可不填出生日期和性别，系统从身份证号读取；两者都填时必须一致。",
    "4. 没有监护人同意日期的儿童不能登记。日期写作 2026-09-01。",
    "5. 困境类别可填多项，用顿号分隔，如：孤儿、留守。",
    "6. 再次导入同一名儿童（身份证号相同，或姓名、出生日期、村相同）会更新原记录，不会重复登记。",
    "7. 导入人将被记录为这些儿童的登记人和监护人同意书收集人。",
    "8. 表中儿童信息均为敏感信息，请妥善保管文件。",
]


SHEET = SheetSpec(
    title="儿童名册",
    headers=tuple(HEADERS),
    required=frozenset(REQUIRED),
    enums=ENUMS,
    text_columns=frozenset(TEXT_COLUMNS),
    instructions=tuple(INSTRUCTIONS),
    empty=_l("The sheet is empty: headers in row 1, one child per row from row 2."),
    no_rows=_l("The sheet has no children: one child per row from row 2."),
    multi=frozenset({"hardships"}),
)


def template_workbook(towns: list[str] | None = None) -> io.BytesIO:
    """Return a blank children's template with lists for the enumerated columns."""
    return spreadsheets.template_workbook(SHEET, towns)


def read_rows(stream: BinaryIO) -> list[tuple[int, dict[str, object]]]:
    """Return (sheet row number, values by field) for each non-empty row, or raise SheetError."""
    return spreadsheets.read_rows(stream, SHEET)
