"""Excel sheets people fill in and upload: Chinese columns, drop-down lists, lenient reading.

One `SheetSpec` says what a sheet holds (children's register, caring parents' paper forms); the
template, the reading and the row-by-row problems of the preview are the same for every sheet.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from sponsorship.errors import DomainError, Joined, Message
from sponsorship.labels import label
from sponsorship.services.core.uploads import check_xlsx_archive
from sponsorship.spreadsheet_cells import append_row, neutralised

#: The largest sheet taken in one go; larger ones are split by the user.
MAX_ROWS = 20_000
#: Sheet rows read at most, blank ones included: a sheet of two million blank rows stops early.
MAX_LINES = MAX_ROWS + 1_000
#: Rows of the template prepared as text and with drop-down lists.
TEMPLATE_ROWS = 2000
#: Between column names in a message: "、" in Chinese.
_COMMA = _l(", ")


@dataclass(frozen=True)
class SheetSpec:
    """What one kind of sheet holds: its title, columns, lists, and the words about its rows."""

    title: str
    #: (Chinese header, field) in template order.
    headers: tuple[tuple[str, str], ...]
    required: frozenset[str]
    #: Columns whose cells take an enum member, by its Chinese label or its code value.
    enums: dict[str, type]
    #: Columns kept as text so Excel never turns a long number into 4.41323E+17.
    text_columns: frozenset[str]
    instructions: tuple[str, ...]
    #: What to say when the header row is missing, and when no row follows it.
    empty: Message
    no_rows: Message
    #: Enum columns that take several values in one cell: listed, but without a drop-down.
    multi: frozenset[str] = frozenset()
    #: The column that gets the user's towns as a drop-down.
    town_field: str = "town"
    field_headers: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_headers", {f: h for h, f in self.headers})

    def header_field(self, text: object) -> str | None:
        """Return the field a header cell names, read leniently, or None."""
        wanted = normalise_header(text)
        return next((f for h, f in self.headers if h == wanted), None)


@dataclass
class RowProblem:
    """One problem found in the sheet: its row, its column header and the message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行 · {self.column} · {self.message}"


@dataclass
class ImportPlan:
    """The plan for every row of a sheet and the problems found; nothing is written yet."""

    #: One plan per row, each with an `action` ("create", "update", "unchanged" or "error").
    rows: list = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def count(self, action: str) -> int:
        """Return how many rows have this action."""
        return sum(1 for row in self.rows if row.action == action)

    @property
    def ok(self) -> bool:
        """Whether the sheet has no problems, so the plan may be applied."""
        return not self.problems


class SheetError(DomainError):
    """The file as a whole cannot be read as the expected sheet."""


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


def template_workbook(spec: SheetSpec, towns: list[str] | None = None) -> io.BytesIO:
    """Return a blank .xlsx template with lists for the enumerated columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.title
    append_row(sheet, [header for header, _ in spec.headers])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4EC")
    lists = workbook.create_sheet("选项")
    for index, (header, name) in enumerate(spec.headers, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if name in spec.required:
            cell.fill = required_fill
        sheet.column_dimensions[letter].width = max(10, len(header) * 2 + 4)
        if name in spec.text_columns:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
        if name in spec.enums and name not in spec.multi:
            _add_list(sheet, lists, letter, header, zh_labels(spec.enums[name]))
    for name in sorted(spec.multi):
        _write_list(lists, zh_labels(spec.enums[name]))
    if towns and spec.town_field in spec.field_headers:
        letter = get_column_letter([f for _, f in spec.headers].index(spec.town_field) + 1)
        _add_list(sheet, lists, letter, spec.field_headers[spec.town_field], towns)
    notes = workbook.create_sheet("填写说明")
    for line in spec.instructions:
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
    rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")


def _write_list(sheet, values: list[str]) -> str:
    """Write values down the next free column of the list sheet; return its letter."""
    used = [c for c in range(1, sheet.max_column + 1) if sheet.cell(row=1, column=c).value]
    index = (max(used) + 1) if used else 1
    for row, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=index, value=neutralised(value))
        cell.data_type = "s"  # a town named "=..." is a list entry, not a formula
    return get_column_letter(index)


def read_rows(stream: BinaryIO, spec: SheetSpec) -> list[tuple[int, dict[str, object]]]:
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
            workbook[spec.title] if spec.title in workbook.sheetnames else workbook.worksheets[0]
        )
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        columns = [spec.header_field(cell) for cell in header or ()]
        if header is None or all(c is None for c in columns):
            raise SheetError(spec.empty)
        missing = [h for h, f in spec.headers if f in spec.required and f not in columns]
        if missing:
            raise SheetError(
                _l(
                    "Required columns are missing: %(columns)s.",
                    columns=Joined(missing, separator=_COMMA),
                ),
            )
        rows = []
        for number, line in enumerate(lines, start=2):
            # Blank rows count too: a sheet of two million blank rows stops here, not at the end.
            if number > MAX_LINES:
                raise SheetError(
                    _l(
                        "The sheet goes on past row %(n)s (blank rows count too); delete the "
                        "unused rows at the bottom, or split the sheet into several files.",
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
        raise SheetError(spec.no_rows)
    return rows


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
