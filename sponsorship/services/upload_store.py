"""Uploaded sheets kept between the preview and the confirmation, on the server, per user."""

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


def save_upload(content: bytes, user_id: int) -> str:
    """Keep an uploaded file for its owner; return the random token that names it."""
    folder = _folder()
    _purge(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.xlsx").write_bytes(content)
    (folder / f"{token}.json").write_text(json.dumps({"user": user_id, "at": time.time()}))
    return token


def load_upload(token: str, user_id: int) -> bytes | None:
    """Return the file kept under `token` if it belongs to the user and is fresh, else None."""
    if not TOKEN_RE.match(token or ""):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        content = (folder / f"{token}.xlsx").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user") != user_id or time.time() - meta.get("at", 0) > MAX_AGE:
        return None
    return content


def discard_upload(token: str) -> None:
    """Forget a kept file (after its import, or when the user starts again)."""
    if TOKEN_RE.match(token or ""):
        for suffix in (".xlsx", ".json"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _purge(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE
    for path in folder.glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
