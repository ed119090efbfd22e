"""The children's spreadsheet: its Chinese columns, enumerated values, and the blank template."""

from __future__ import annotations

import io

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sponsorship.labels import label
from sponsorship.models.enums import AidType, Gender, Hardship, SchoolStage

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
    "7. 表中儿童信息均为敏感信息，请妥善保管文件。",
]


def zh_values(enum_class) -> dict[str, str]:
    """Map each member's Chinese label (and its code value) to the value."""
    with force_locale("zh"):
        mapping = {label(member): member.value for member in enum_class}
    mapping.update({member.value: member.value for member in enum_class})
    return mapping


def zh_labels(enum_class) -> list[str]:
    with force_locale("zh"):
        return [label(member) for member in enum_class]


def normalise_header(text: object) -> str:
    """Read a header cell leniently: spaces, asterisks and half-width brackets are ignored."""
    value = str(text or "").strip().replace(" ", "").rstrip("*＊")
    return value.replace("(", "（").replace(")", "）")


def template_workbook(towns: list[str] | None = None) -> io.BytesIO:
    """Return a blank .xlsx template with lists for the enumerated columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "儿童名册"
    sheet.append([header for header, _ in HEADERS])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4EC")
    lists = workbook.create_sheet("选项")
    for index, (header, field) in enumerate(HEADERS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if field in REQUIRED:
            cell.fill = required_fill
        sheet.column_dimensions[letter].width = max(10, len(header) * 2 + 4)
        if field in TEXT_COLUMNS:
            for row in range(2, 2002):
                sheet.cell(row=row, column=index).number_format = "@"
        if field in ENUMS and field != "hardships":
            values = zh_labels(ENUMS[field])
            _add_list(sheet, lists, letter, header, values)
    _write_list(lists, zh_labels(Hardship))
    if towns:
        letter = get_column_letter(list(FIELD_HEADERS).index("town") + 1)
        _add_list(sheet, lists, letter, FIELD_HEADERS["town"], towns)
    notes = workbook.create_sheet("填写说明")
    for line in INSTRUCTIONS:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    sheet.freeze_panes = "A2"
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def _add_list(sheet, lists, letter: str, header: str, values: list[str]) -> None:
    """Let the column's cells take only the values listed on the options sheet."""
    column = _write_list(lists, values)
    rule = DataValidation(
        type="list",
        formula1=f"选项!${column}$1:${column}${len(values)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="请从列表中选择",
        error=f"{header}只能从列表中选择。",
    )
    sheet.add_data_validation(rule)
    rule.add(f"{letter}2:{letter}20001")


def _write_list(sheet, values: list[str]) -> str:
    """Write values down the next free column of the list sheet; return its letter."""
    used = [c for c in range(1, sheet.max_column + 1) if sheet.cell(row=1, column=c).value]
    index = (max(used) + 1) if used else 1
    for row, value in enumerate(values, start=1):
        sheet.cell(row=row, column=index, value=value)
    return get_column_letter(index)
