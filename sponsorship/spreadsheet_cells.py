"""Cells a spreadsheet shows as text, never runs: the one way the app writes .xlsx and CSV rows.

A name, an address or a bank's remark typed as `=HYPERLINK(...)` or `+cmd|' /C calc'!A0` becomes a
formula when a clerk opens the export in Excel or WPS. The OWASP advice: a text cell that starts
with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading single quote, and in .xlsx it is
also stored as a string cell. Numbers, dates and Decimals are left as they are, so sums still work.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell

#: A text cell starting with one of these would be read as a formula (or as the start of one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """Return `value`, with a leading quote when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def sheet_row(sheet, values: Iterable[Any]) -> list[Any]:
    """Return a row for `sheet.append`: dangerous text as string cells with a leading quote."""
    row = []
    for value in values:
        safe = neutralised(value)
        if safe is not value:
            cell = WriteOnlyCell(sheet, value=safe)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def append_row(sheet, values: Iterable[Any]) -> None:
    """Append a row of values to an openpyxl worksheet (normal or write-only), safely."""
    sheet.append(sheet_row(sheet, values))


class SafeCsvWriter:
    """A `csv.writer` whose every text field is neutralised first."""

    def __init__(self, stream, **kwargs) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, values: Iterable[Any]) -> None:
        """Write one row."""
        self._writer.writerow([neutralised(value) for value in values])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write many rows."""
        for row in rows:
            self.writerow(row)
