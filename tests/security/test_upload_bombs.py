"""Upload bombs: a small .xlsx that unpacks to millions of rows or strings is refused, early.

The bombs are built here: a real sheet from openpyxl whose worksheet or shared-strings part is
swapped for two million entries, compressed to a few dozen kilobytes as an attacker would.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from sponsorship.models import Child
from sponsorship.models.enums import RegionLevel, Role
from sponsorship.services.children.sheet import HEADERS, SheetError, read_rows
from sponsorship.services.core import spreadsheets, uploads
from tests.conftest import count, csrf_token
from tests.factories import make_region
from tests.sheets import make_sheet, sheet_row
from tests.views.pages import field_errors

TWO_MILLION = 2_000_000
SHEET = "xl/worksheets/sheet1.xml"
HEADER_ROW = "".join(
    f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{header}</t></is></c>'
    for i, (header, _field) in enumerate(HEADERS[:20])
)


def _with_part(name: str, xml: str) -> bytes:
    """Return a real template sheet with one part replaced, deflated like any .xlsx."""
    source = zipfile.ZipFile(io.BytesIO(make_sheet([sheet_row("镇", "村")])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in source.infolist():
            data = xml.encode() if item.filename == name else source.read(item.filename)
            bomb.writestr(item.filename, data)
        if name not in source.namelist():
            bomb.writestr(name, xml.encode())
    return out.getvalue()


def _worksheet(rows: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1">{HEADER_ROW}</row>{rows}</sheetData></worksheet>'
    )


def empty_rows_bomb(n: int = TWO_MILLION) -> bytes:
    """A sheet with the template's headers and `n` empty rows after them (numbered implicitly)."""
    return _with_part(SHEET, _worksheet("<row/>" * n))


def shared_strings_bomb(n: int = TWO_MILLION) -> bytes:
    """A sheet whose shared-strings part lists `n` strings."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" '
        f'uniqueCount="{n}">' + "<si><t>x</t></si>" * n + "</sst>"
    )
    return _with_part("xl/sharedStrings.xml", xml)


REFUSED = "解压后的数据量远超"


def test_two_million_empty_rows_are_refused_from_the_zip_directory(monkeypatch):
    data = empty_rows_bomb()
    assert len(data) < 200_000  # small on the wire
    parsed = []
    monkeypatch.setattr(spreadsheets, "load_workbook", lambda *a, **k: parsed.append(1))
    with pytest.raises(uploads.UploadRefusedError) as refused:
        read_rows(io.BytesIO(data))
    assert REFUSED in str(refused.value.message) and parsed == []  # never parsed


def test_two_million_shared_strings_are_refused_from_the_zip_directory(monkeypatch):
    data = shared_strings_bomb()
    assert len(data) < 200_000
    parsed = []
    monkeypatch.setattr(spreadsheets, "load_workbook", lambda *a, **k: parsed.append(1))
    with pytest.raises(uploads.UploadRefusedError):
        read_rows(io.BytesIO(data))
    assert parsed == []


def test_empty_rows_count_toward_the_row_limit_and_reading_stops_there(monkeypatch):
    """With the archive check out of the way, the reader itself stops at the line limit."""
    monkeypatch.setattr(uploads, "MAX_RATIO", 10**9)
    monkeypatch.setattr(spreadsheets, "MAX_LINES", 5_000)
    with pytest.raises(SheetError) as stopped:
        read_rows(io.BytesIO(empty_rows_bomb(200_000)))
    assert "5000" in str(stopped.value.message) and "空行也计算在内" in str(stopped.value.message)


def test_too_many_members_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(uploads.MAX_MEMBERS + 1):
            archive.writestr(f"part{n}.xml", "")
    with pytest.raises(uploads.UploadRefusedError):
        uploads.check_xlsx_archive(io.BytesIO(out.getvalue()))


def test_an_ordinary_sheet_passes_and_the_stream_is_rewound():
    stream = io.BytesIO(make_sheet([sheet_row("镇", "村")] * 50))
    uploads.check_xlsx_archive(stream)
    assert stream.tell() == 0 and len(read_rows(stream)) == 50


def test_the_import_page_refuses_a_bomb_beside_the_file_field_and_writes_nothing(
    app, client, auth, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path / "imports"))
    town = make_region("平山街道")
    make_region("新村", level=RegionLevel.VILLAGE, parent=town)
    auth.as_role(Role.STAFF)
    data = {
        "csrf_token": csrf_token(client, "/children/import/"),
        "file": (io.BytesIO(empty_rows_bomb()), "children.xlsx"),
    }
    response = client.post("/children/import/", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert REFUSED in " ".join(field_errors(response.get_data(as_text=True), "file"))
    assert count(Child) == 0
    kept = tmp_path / "imports"
    assert not kept.exists() or not any(kept.iterdir())  # no pending upload was kept
