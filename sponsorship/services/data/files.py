"""Write a person's data as a file they can keep: JSON, or a workbook with a sheet per section.

The data is a dict of sections; a section is either one record (a dict: a two-column sheet of
field and value) or a list of records (a table, one row each).
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime

from openpyxl import Workbook

from sponsorship.spreadsheet_cells import append_row


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def as_json(data: dict) -> bytes:
    """Return the data as indented UTF-8 JSON, Chinese kept readable."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def _cell(value):
    value = _plain(value)
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return value


def as_xlsx(data: dict) -> bytes:
    """Return the data as a workbook: one sheet per section."""
    book = Workbook()
    book.remove(book.active)
    for title, section in data.items():
        sheet = book.create_sheet(str(title)[:31])
        if isinstance(section, dict):
            for key, value in section.items():
                append_row(sheet, [str(key), _cell(value)])
            continue
        rows = list(section)
        headers = list(rows[0]) if rows else []
        append_row(sheet, headers or ["—"])
        for row in rows:
            append_row(sheet, [_cell(row.get(h)) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
