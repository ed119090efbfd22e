"""The children's spreadsheet: its Chinese columns, enumerated values, and the blank template."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import BinaryIO

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from sponsorship.errors import DomainError, Joined
from sponsorship.labels import label
from sponsorship.models.enums import AidType, Gender, Hardship, SchoolStage
from sponsorship.services.core.uploads import check_xlsx_archive
from sponsorship.spreadsheet_cells import append_row, neutralised

#: The largest sheet taken in one go; larger ones are split by the user.
MAX_ROWS = 20_000
#: Sheet rows read at most, blank ones included: the children and some room for blank lines.
MAX_LINES = MAX_ROWS + 1_000
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


def zh_values(enum_class) -> dict[str, str]:
    """Map each member's Chinese label (and its code value) to the value."""
    with force_locale("zh"):
        mapping = {label(member): member.value for member in enum_class}
    mapping.update({member.value: member.value for member in enum_class})
    return mapping


def zh_labels(enum_class) -> list[str]:
    """Return the members' Chinese labels, for the template's drop-down lists."""
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
    append_row(sheet, [header for header, _ in HEADERS])
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
        append_row(notes, [line])
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
        cell = sheet.cell(row=row, column=index, value=neutralised(value))
        cell.data_type = "s"  # a town named "=..." is a list entry, not a formula
    return get_column_letter(index)


class SheetError(DomainError):
    """The file as a whole cannot be read as a children's sheet."""


#: Between column names in a message: "、" in Chinese.
_COMMA = _l(", ")


def read_rows(stream: BinaryIO) -> list[tuple[int, dict[str, object]]]:
    """Return (sheet row number, values by field) for each non-empty row, or raise SheetError."""
    check_xlsx_archive(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError(
            _l("The file is not an Excel workbook (.xlsx). Use the template or save as .xlsx."),
        ) from exc
    try:
        sheet = (
            workbook["儿童名册"] if "儿童名册" in workbook.sheetnames else workbook.worksheets[0]
        )
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        columns = [HEADER_FIELDS.get(normalise_header(cell)) for cell in header or ()]
        missing = [FIELD_HEADERS[f] for f in FIELD_HEADERS if f in REQUIRED and f not in columns]
        if header is None or all(c is None for c in columns):
            raise SheetError(
                _l("The sheet is empty: headers in row 1, one child per row from row 2."),
            )
        if missing:
            raise SheetError(
                _l(
                    "Required columns are missing: %(columns)s.",
                    columns=Joined(missing, separator=_COMMA),
                ),
            )
        rows = []
        for number, line in enumerate(lines, start=2):
            # Empty rows count too: a sheet of two million blank rows stops here, not at the end.
            if number > MAX_LINES:
                raise SheetError(
                    _l(
                        "The sheet goes on past row %(n)s (blank rows count too); delete the "
                        "unused rows below the children, or split the sheet into several files.",
                        n=MAX_LINES,
                    ),
                )
            values = {f: _cell(v) for f, v in zip(columns, line, strict=False) if f}
            if not any(v not in (None, "") for v in values.values()):
                continue
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise SheetError(
                    _l(
                        "At most %(n)s rows per import; split the sheet into several files.",
                        n=MAX_ROWS,
                    ),
                )
    finally:
        workbook.close()
    if not rows:
        raise SheetError(
            _l("The sheet has no children: one child per row from row 2."),
        )
    return rows


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
