"""Uploaded workbooks: checked before parsing, and kept between preview and confirmation.

An .xlsx file is a zip archive. A small one can declare gigabytes of XML (two million empty rows
in 60 KB, two million shared strings in 118 KB) that openpyxl would inflate and walk for a minute.
`check_xlsx_archive` reads only the archive's directory, before any parsing: too many members,
too much declared XML in all or in one part, or a part that inflates far beyond what real sheets
do, and the file is refused with a message a clerk can act on, before anything is read or written.

What is kept is the rows as read from the sheet (JSON), not the file: the confirmation checks
them again against the register as it is then, without parsing the workbook a second time.
The client only ever holds a random token, which is good for its owner and for one day.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import zipfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError

#: An upload not confirmed within this many seconds is forgotten.
MAX_AGE = 24 * 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


#: A workbook has a dozen parts; a few hundred would be a crafted file.
MAX_MEMBERS = 500
#: Declared uncompressed XML in all (20,000 full rows of the register need about 30 MB).
MAX_UNCOMPRESSED = 64 * 1024 * 1024
#: Declared uncompressed size of any one part (a sheet, the shared strings).
MAX_MEMBER = 48 * 1024 * 1024
#: Real sheets' XML inflates 5 to 30 times; a bomb, hundreds of times. Parts under a megabyte
#: may inflate more (they are small either way).
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024


class UploadRefusedError(DomainError):
    """The uploaded file is refused before it is read."""


def check_xlsx_archive(stream: BinaryIO) -> None:
    """Refuse an .xlsx whose zip directory declares too much to inflate; rewind the stream.

    Only the directory is read. A file that is not a zip archive passes here and is refused by
    the parser with its own message.
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        stream.seek(0)
        return
    stream.seek(0)
    too_big = _l(
        "The file unpacks to far more data than a sheet of children can hold, so it was not "
        "read. Save the sheet again from Excel or WPS as .xlsx (only the filled rows), or use "
        "the template."
    )
    if len(members) > MAX_MEMBERS:
        raise UploadRefusedError(too_big)
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED:
        raise UploadRefusedError(too_big)
    for member in members:
        if member.file_size > MAX_MEMBER:
            raise UploadRefusedError(too_big)
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise UploadRefusedError(too_big)


def _folder() -> Path:
    folder = Path(
        current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_upload(rows: list[tuple[int, dict]], user_id: int) -> str:
    """Keep a sheet's rows for their owner; return the random token that names them."""
    folder = _folder()
    _purge(folder)
    token = secrets.token_urlsafe(24)
    record = {"user": user_id, "at": time.time(), "rows": rows}
    path = folder / f"{token}.json"
    path.write_text(json.dumps(record, default=_plain, ensure_ascii=False), encoding="utf-8")
    path.chmod(0o600)
    return token


def load_upload(token: str, user_id: int) -> list[tuple[int, dict]] | None:
    """Return the rows kept under `token` if they belong to the user and are fresh, else None."""
    if not TOKEN_RE.match(token or ""):
        return None
    try:
        record = json.loads((_folder() / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("user") != user_id or time.time() - record.get("at", 0) > MAX_AGE:
        return None
    return [(number, values) for number, values in record["rows"]]


def discard_upload(token: str) -> None:
    """Forget kept rows (after their import, or when they expire)."""
    if TOKEN_RE.match(token or ""):
        (_folder() / f"{token}.json").unlink(missing_ok=True)


def _plain(value: object) -> str:
    # Dates and times from cells: the child rules read ISO dates back.
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _purge(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE
    for path in folder.glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
