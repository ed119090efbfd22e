"""Backups: consistent under writes, checked, rotated, refused when unsound, listed by age."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest

from sponsorship.database import _deferred_begin
from sponsorship.extensions import db
from sponsorship.models import Donation
from sponsorship.services.core import settings
from sponsorship.services.data import backups, copies
from sponsorship.work.job_runs import run_job
from tests import factories as f
from tests.conftest import count

SH = timedelta(hours=8)


def needs_pg_tools(dialect: str) -> None:
    """Skip, saying why, where PostgreSQL's client tools are missing (they are in .ci/run)."""
    if dialect == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: apt-get install postgresql-client")


@pytest.fixture
def backup_dir(app, tmp_path, monkeypatch, dialect):
    needs_pg_tools(dialect)
    monkeypatch.setitem(app.config, "BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setitem(app.config, "BACKUP_COPY_DIR", None)
    return tmp_path / "backups"


def at(*args) -> datetime:
    """A moment given in Shanghai time, as aware UTC."""
    return datetime(*args, tzinfo=UTC) - SH


def test_rotation_keeps_the_newest_of_each_recent_day_and_week():
    moments = [
        at(2026, 11, 30, 2, 30),  # Monday
        at(2026, 11, 29, 23, 0),  # Sunday, the later of two that day
        at(2026, 11, 29, 2, 30),
        at(2026, 11, 28, 2, 30),
        at(2026, 11, 27, 2, 30),
        at(2026, 11, 22, 2, 30),  # Sunday of the week before
        at(2026, 11, 16, 2, 30),  # Monday of the week before that
        at(2026, 11, 1, 2, 30),
    ]
    # Days: the 30th, the 29th (its later backup), the 28th. Weeks (Monday to Sunday): 30 Nov–
    # 6 Dec, 23–29 Nov (the 29th at 23:00 again), 16–22 Nov (the 22nd, newer than the 16th).
    assert backups.keep(moments, daily=3, weekly=3) == {
        at(2026, 11, 30, 2, 30),
        at(2026, 11, 29, 23, 0),
        at(2026, 11, 28, 2, 30),
        at(2026, 11, 22, 2, 30),
    }


def test_rotation_counts_only_weeks_that_have_a_backup():
    # The 16th (Monday) and the 22nd (Sunday) share a week; the 1st is the week before the gap.
    moments = [at(2026, 11, 30, 2), at(2026, 11, 22, 2), at(2026, 11, 16, 2), at(2026, 11, 1, 2)]
    assert backups.keep(moments, daily=1, weekly=3) == {moments[0], moments[1], moments[3]}
    assert backups.keep(moments, daily=0, weekly=0) == {moments[0]}


def _fake_backup(directory, moment: datetime) -> None:
    name = f"sponsorship-{moment + SH:%Y%m%d-%H%M%S}.db"
    (directory / name).write_bytes(b"x")
    manifest = {"created_at": moment.isoformat(), "engine": "sqlite", "size": 1, "sha256": ""}
    (directory / f"{name}.json").write_text(json.dumps(manifest))


def test_rotate_deletes_what_the_rotation_drops_and_leaves_other_files(backup_dir):
    backup_dir.mkdir()
    settings.put("backup.keep_daily", 2)
    settings.put("backup.keep_weekly", 3)  # weeks of the 30th, of the 23rd–29th, of the 20th
    days = [at(2026, 11, d, 2, 30) for d in (30, 29, 28, 27, 20, 10)]
    for moment in days:
        _fake_backup(backup_dir, moment)
    (backup_dir / "before-restore-20261101-000000.dump").write_bytes(b"keep me")
    removed = backups.rotate(backup_dir, *backups.rotation_settings())
    left = sorted(p.name for p in backup_dir.iterdir())
    assert [b.created_at for b in backups.list_backups(backup_dir)] == [days[0], days[1], days[4]]
    assert len(removed) == 3
    assert "before-restore-20261101-000000.dump" in left
    assert not any(n.startswith("sponsorship-20261127") for n in left)


@pytest.mark.commits
def test_a_backup_taken_while_a_writer_inserts_is_consistent_and_verifies(app, backup_dir):
    clerk = f.make_user()
    sponsor = f.make_sponsor()
    db.session.commit()
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer():
        with app.app_context():
            try:
                while not stop.is_set() or len(written) < 5:
                    f.make_donation(db.session.merge(sponsor), 1_00, by=db.session.merge(clerk))
                    db.session.commit()
                    written.append(1)
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            stop.wait(0.01)
        made = backups.create()  # raises if the copy's ledger does not verify
        second = backups.create(made.created_at + timedelta(seconds=1))
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, errors
    assert 3 <= made.counts["donations"] <= second.counts["donations"] <= len(written)
    # Each donation came with its ledger transaction: the copy holds both or neither.
    assert made.counts["ledger_transactions"] == made.counts["donations"]
    assert made.raised_fen == made.counts["donations"] * 1_00
    db.session.rollback()  # a fresh snapshot: every donation the writer committed
    assert count(Donation) == len(written)
    # The rotation keeps one backup a day: the newer.
    assert [b.path for b in backups.list_backups()] == [second.path]
    assert not made.path.exists() and backups.check_file(second.path) == []


@pytest.mark.commits
def test_a_damaged_copy_is_refused_before_restore(backup_dir):
    f.make_user()
    db.session.commit()
    made = backups.create()
    with made.path.open("r+b") as handle:
        handle.seek(made.size // 2)
        handle.write(b"\xff" * 4096)
    assert backups.check_file(made.path)  # the SHA-256 of the manifest no longer matches


@pytest.mark.commits
def test_the_nightly_job_backs_up_once_per_night_and_mirrors_to_the_second_disk(
    app, backup_dir, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "BACKUP_COPY_DIR", str(tmp_path / "other-disk"))
    spec = app.extensions["job_catalogue"]["backup"]
    assert str(run_job(spec, "2026-11-30")) == "succeeded"
    assert str(run_job(spec, "2026-11-30")) == "skipped"
    assert len(backups.list_backups()) == 1
    mirrored = backups.list_backups(tmp_path / "other-disk")
    assert [b.sha256 for b in mirrored] == [backups.list_backups()[0].sha256]


def test_health_reports_the_age_of_the_last_good_backup(backup_dir):
    assert backups.health().stale and backups.health().latest is None
    backup_dir.mkdir()
    _fake_backup(backup_dir, at(2026, 11, 28, 2, 30))
    _fake_backup(backup_dir, at(2026, 11, 29, 2, 30))
    (backup_dir / "sponsorship-20261130-023000.db").write_bytes(b"no manifest: not good")
    now = at(2026, 11, 30, 12, 0)
    state = backups.health(now)
    assert state.age == timedelta(hours=33, minutes=30) and not state.stale
    assert backups.health(now + timedelta(days=1)).stale


@pytest.mark.commits
def test_a_backup_leaves_the_write_lock_free_while_it_copies(
    app, backup_dir, tmp_path, dialect, monkeypatch
):
    """On SQLite every transaction begins as a writer: reading the rotation settings must not keep
    the write lock through the copy, or the web app and the letters job wait on the backup."""
    if dialect != "sqlite":
        pytest.skip("PostgreSQL's readers never hold a write lock; pg_dump reads a snapshot")
    monkeypatch.setitem(app.config, "BACKUP_COPY_DIR", str(tmp_path / "second-disk"))
    _deferred_begin.set(False)  # this thread behaves as the nightly job does: BEGIN IMMEDIATE
    live = copies.sqlite_file(db.engine.url)
    real_copy, real_copy2 = copies.copy_sqlite, shutil.copy2
    blocked: list[str] = []

    def another_writer_tries() -> None:
        other = sqlite3.connect(live, timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            blocked.append(str(error))
        finally:
            other.close()

    def copy_while_another_writer_tries(source, target):
        another_writer_tries()
        real_copy(source, target)

    def copy_to_second_disk_while_another_writer_tries(source, target):
        another_writer_tries()
        return real_copy2(source, target)

    monkeypatch.setattr(copies, "copy_sqlite", copy_while_another_writer_tries)
    monkeypatch.setattr(backups.shutil, "copy2", copy_to_second_disk_while_another_writer_tries)
    made = backups.create()
    assert made.path.exists()
    assert (tmp_path / "second-disk" / made.path.name).exists()
    assert blocked == []
