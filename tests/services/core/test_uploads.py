"""Pending uploads: kept on the server for their owner only, for a day, then forgotten."""

from datetime import date

import pytest

from sponsorship.services.core import uploads


@pytest.fixture(autouse=True)
def folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path))
    return tmp_path


def test_rows_come_back_to_their_owner_only(folder):
    rows = [(2, {"name": "陈小雨", "birth_date": date(2016, 3, 1), "grade": 4})]
    token = uploads.save_upload(rows, user_id=7)
    assert uploads.load_upload(token, 7) == [
        (2, {"name": "陈小雨", "birth_date": "2016-03-01", "grade": 4})
    ]
    assert uploads.load_upload(token, 8) is None
    assert (folder / f"{token}.json").stat().st_mode & 0o077 == 0
    uploads.discard_upload(token)
    assert uploads.load_upload(token, 7) is None


def test_stale_and_forged_tokens_give_nothing(monkeypatch):
    token = uploads.save_upload([(2, {"name": "陈"})], user_id=7)
    assert uploads.load_upload("../../etc/passwd", 7) is None
    forged = token[:-1] + ("B" if token.endswith("A") else "A")
    assert uploads.load_upload(forged, 7) is None
    now = uploads.time.time()
    monkeypatch.setattr(uploads.time, "time", lambda: now + uploads.MAX_AGE + 1)
    assert uploads.load_upload(token, 7) is None
