"""Uploaded sheets kept between the preview and the confirmation, on the server, per user.

What is kept is the rows as read from the sheet (JSON), not the file: the confirmation checks
them again against the register as it is then, without parsing the workbook a second time.
The client only ever holds a random token, which is good for its owner and for one day.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app

#: An upload not confirmed within this many seconds is forgotten.
MAX_AGE = 24 * 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


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
