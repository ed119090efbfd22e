"""Write a person's data as a file they can keep: JSON, or a workbook with a sheet per section.

The data is a dict of sections; a section is either one record (a dict: a two-column sheet of
field and value) or a list of records (a table, one row each).
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime

from openpyxl import Workbook

#: Characters that make a spreadsheet read a cell as a formula: such text is stored as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_xlsx(data: dict) -> bytes:
    """Return the data as a workbook: one sheet per section."""
    book = Workbook()
    book.remove(book.active)
    for title, section in data.items():
        sheet = book.create_sheet(str(title)[:31])
        if isinstance(section, dict):
            for key, value in section.items():
                sheet.append([str(key), _cell(value)])
            continue
        rows = list(section)
        headers = list(rows[0]) if rows else []
        sheet.append(headers or ["—"])
        for row in rows:
            sheet.append([_cell(row.get(h)) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
