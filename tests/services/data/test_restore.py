"""The restore drill: back up a populated database, break it, restore, and everything is back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestConfig
from sponsorship import demo
from sponsorship.app import create_app
from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.jobs import scheduler
from sponsorship.models import Child, JobRun
from sponsorship.models.enums import JobRunStatus, Role
from sponsorship.services.data import backups
from sponsorship.work import scheduler_lock
from tests import factories as f
from tests.conftest import post_form
from tests.services.data.test_backups import needs_pg_tools


@pytest.fixture
def drill_app(app, tmp_path, dialect):
    """A second application on its own database, so the drill can break and restore it."""
    needs_pg_tools(dialect)
    admin_engine = None
    if dialect == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.db'}"
    else:
        base = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        name = f"{base.database}_drill"
        admin_engine = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = base.set(database=name).render_as_string(hide_password=False)

    class DrillConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        BACKUP_DIR = str(tmp_path / "backups")

    drill = create_app(DrillConfig)
    with drill.app_context():
        upgrade()
    yield drill
    with drill.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin_engine is not None:
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_engine.dispose()


def _break(drill, dialect: str) -> None:
    """Do to the live database what a failing disk or a wrong command would."""
    with drill.app_context():
        if dialect == "sqlite":
            live = Path(db.engine.url.database)
            db.session.remove()
            db.engine.dispose()
            # The disk returns garbage: the file and its write-ahead log are lost.
            live.write_bytes(b"\x00garbage" * 8192)
            for suffix in ("-wal", "-shm"):
                Path(f"{live}{suffix}").unlink(missing_ok=True)
        else:
            db.session.execute(sa.text("DROP TABLE ledger_entries, children CASCADE"))
            db.session.commit()
            db.engine.dispose()


def _cli(drill, *args: str):
    """Run a `flask` command against the drill's app (not the suite's, whose context is pushed)."""
    with drill.app_context():
        return drill.test_cli_runner().invoke(args=list(args))


def test_restore_drill_brings_back_every_row_and_a_verified_ledger(drill_app, dialect):
    with drill_app.app_context():
        admin = f.make_user(role=Role.ADMIN, username="drill-admin")
        demo.load(admin)
        db.session.commit()
        child_name = db.session.scalar(sa.select(Child.name).order_by(Child.id))

    made = _cli(drill_app, "backup", "create")
    assert made.exit_code == 0, made.output
    with drill_app.app_context():
        backup = backups.list_backups()[0]
    assert backup.counts["children"] == 60 and backup.counts["ledger_entries"] > 0

    _break(drill_app, dialect)
    broken = _cli(drill_app, "ledger", "verify")
    assert broken.exit_code != 0

    refused = _cli(drill_app, "backup", "restore", str(backup.path))
    assert refused.exit_code == 1 and "--yes" in refused.output

    restored = _cli(drill_app, "backup", "restore", str(backup.path), "--yes")
    assert restored.exit_code == 0, restored.output
    with drill_app.app_context():
        aside = sorted(backups.backup_dir().parent.glob("*before-restore*")) + sorted(
            backups.backup_dir().glob("before-restore-*")
        )
        assert aside, "the broken database was not kept aside"
        found, counts, raised = backups.probe(db.engine.url)
    assert found == [] and counts == backup.counts and raised == backup.raised_fen
    verified = _cli(drill_app, "ledger", "verify")
    assert verified.exit_code == 0 and "Ledger OK" in verified.output

    client = drill_app.test_client()
    login = post_form(client, "/login", {"username": "drill-admin", "password": f.PASSWORD})
    assert login.status_code == 302
    page = client.get("/children/?q=" + child_name).get_data(as_text=True)
    assert child_name[1:] in page  # the register lists the restored child again


def test_restore_is_refused_while_a_scheduler_holds_its_lock(app, runner, tmp_path):
    archive = tmp_path / "sponsorship-20261130-023000.db"
    archive.write_bytes(b"")
    with scheduler_lock.holding(app.instance_path):
        assert scheduler_lock.scheduler_running(app.instance_path)
        result = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code == 1 and "jobs run" in result.output
    assert not scheduler_lock.scheduler_running(app.instance_path)


def test_restore_is_refused_while_a_job_runs(runner, tmp_path):
    db.session.add(
        JobRun(
            job_id="deliver_letters",
            period_key="2026-11-30T02:31",
            status=JobRunStatus.RUNNING,
            started_at=utcnow() - timedelta(minutes=3),
        )
    )
    db.session.flush()
    archive = tmp_path / "sponsorship-20261130-023000.db"
    archive.write_bytes(b"")
    result = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code == 1 and "deliver_letters" in result.output


def test_the_scheduler_process_holds_the_lock_while_it_runs(app, monkeypatch):
    seen = []

    def start(self):
        # Called inside run_forever once the jobs are scheduled: is a restore locked out now?
        seen.append(scheduler_lock.scheduler_running(app.instance_path))

    monkeypatch.setattr(scheduler.BlockingScheduler, "start", start)
    monkeypatch.setitem(app.config, "SCHEDULER_CATCH_UP", False)
    scheduler.run_forever(app)
    assert seen == [True]
    assert not scheduler_lock.scheduler_running(app.instance_path)
