"""The dashboard's backup line: the age of the last good backup, and a warning after two days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest

from sponsorship.extensions import db
from sponsorship.models import DataRequest
from sponsorship.models.enums import Role
from tests import factories as f

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def backup_dir(app, tmp_path, monkeypatch, frozen):
    frozen(NOW)
    monkeypatch.setitem(app.config, "BACKUP_DIR", str(tmp_path))
    return tmp_path


def _backup(directory, moment: datetime) -> None:
    name = f"sponsorship-{moment:%Y%m%d-%H%M%S}.db"
    (directory / name).write_bytes(b"x")
    manifest = {"created_at": moment.isoformat(), "engine": "sqlite", "size": 1, "sha256": ""}
    (directory / f"{name}.json").write_text(json.dumps(manifest))


def _line(client) -> tuple[str, bool]:
    page = lxml.html.fromstring(client.get("/dashboard").get_data(as_text=True))
    [line] = page.xpath("//p[@id='backup-age']")
    return " ".join(line.text_content().split()), line.get("role") == "alert"


def test_without_a_backup_the_dashboard_says_how_to_make_one(client, auth, backup_dir):
    auth.as_role(Role.STAFF)
    text, alert = _line(client)
    assert "还没有备份" in text and "flask backup create" in text and alert


def test_a_recent_backup_shows_its_age_without_a_warning(client, auth, backup_dir):
    _backup(backup_dir, NOW - timedelta(hours=26))
    auth.as_role(Role.STAFF)
    text, alert = _line(client)
    assert "26 小时前" in text and "超过两天" not in text and not alert


def test_a_backup_older_than_two_days_is_a_warning(client, auth, backup_dir):
    _backup(backup_dir, NOW - timedelta(days=2, hours=1))
    auth.as_role(Role.VIEWER)
    text, alert = _line(client)
    assert "49 小时前" in text and "超过两天" in text and alert


def test_waiting_data_requests_are_counted_for_staff(client, auth, backup_dir):
    sponsor = f.make_sponsor()
    db.session.add(DataRequest(kind="erasure", sponsor=sponsor))
    db.session.commit()
    auth.as_role(Role.STAFF)
    page = lxml.html.fromstring(client.get("/dashboard").get_data(as_text=True))
    [line] = page.xpath("//p[@id='data-requests']/a")
    assert line.text_content().strip() == "有 1 个个人信息请求待处理。"
    assert line.get("href") == "/data-requests/"
