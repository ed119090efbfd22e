"""A database outage is not a claim: it is logged, recorded when possible, and retried.

The database is made unreachable for real: a closed port, a SQLite file whose directory is gone,
a PostgreSQL backend terminated mid-run, a PostgreSQL database refusing connections. PostgreSQL
runs here and in CI, so these tests use a throw-away database of their own on every pass.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.extensions import db
from sponsorship.jobs.registry import registry
from sponsorship.jobs.scheduler import build_scheduler, catch_up, retry_id
from sponsorship.jobs.spec import JobSpec
from sponsorship.models import AuditEvent, JobRun
from sponsorship.models.enums import JobRunStatus
from sponsorship.work.job_runs import Outcome, run_job

#: Nothing listens on port 1: connecting is refused at once, as when the server is down.
CLOSED_PORT_URL = "postgresql+psycopg://postgres@127.0.0.1:1/spons_jobs"
#: 10:00 on 1 September in the programme's zone: seven jobs are due, the September batch too.
SEPTEMBER_FIRST = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


def server_url() -> sa.URL:
    """The PostgreSQL server of the PostgreSQL pass, or the one always running beside us."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return make_url(url).set(database="postgres")
    return make_url("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def app_on(url: str):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(Config)


@pytest.fixture(scope="module")
def pg():
    """A fresh PostgreSQL database of this module's own, migrated; dropped afterwards."""
    admin = sa.create_engine(server_url(), isolation_level="AUTOCOMMIT")
    name = f"spons_jobs_outage_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    app = app_on(server_url().set(database=name).render_as_string(hide_password=False))
    with app.app_context():
        upgrade()
    try:
        yield Throwaway(app, admin, name)
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


class Throwaway:
    """The throw-away database and the means to take it down and bring it back."""

    def __init__(self, app, admin, name):
        self.app, self.admin, self.name = app, admin, name

    def terminate(self, pid: int) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid})

    def refuse_connections(self) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                    "WHERE datname = :name"
                ),
                {"name": self.name},
            )

    def accept_connections(self) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')

    def runs(self, job_id: str | None = None) -> list[JobRun]:
        with self.app.app_context():
            stmt = sa.select(JobRun).order_by(JobRun.id)
            if job_id:
                stmt = stmt.where(JobRun.job_id == job_id)
            runs = db.session.scalars(stmt).all()
            db.session.expunge_all()
            return runs


def sqlite_gone_url(tmp_path) -> str:
    # The file's directory does not exist: what an unmounted data volume looks like to SQLite.
    return f"sqlite:///{tmp_path / 'unmounted-volume' / 'sponsorship.db'}"


@pytest.mark.parametrize("where", ["closed port", "sqlite directory gone"])
def test_an_unreachable_database_is_an_error_not_already_claimed(where, tmp_path, caplog):
    app = app_on(CLOSED_PORT_URL if where == "closed port" else sqlite_gone_url(tmp_path))
    with caplog.at_level(logging.INFO), app.app_context():
        outcome = run_job(registry()["housekeeping"], "2026-11-29")
    assert outcome == Outcome.DATABASE_ERROR
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any("housekeeping 2026-11-29" in r.getMessage() for r in errors)
    assert not any("already claimed" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("where", ["closed port", "sqlite directory gone"])
def test_run_once_against_an_unreachable_database_exits_non_zero(where, tmp_path):
    app = app_on(CLOSED_PORT_URL if where == "closed port" else sqlite_gone_url(tmp_path))
    with app.app_context():  # else the command would run in the test database's context
        result = app.test_cli_runner().invoke(
            args=["jobs", "run-once", "housekeeping", "--period", "2026-11-29"]
        )
    assert result.exit_code != 0, result.output
    assert "database failed or could not be reached" in result.output
    assert "skipped" not in result.output


def test_a_backend_terminated_mid_run_is_recorded_failed_and_the_retry_runs_once(pg):
    calls = []

    def job(ctx):
        calls.append(ctx.period_key)
        db.session.add(AuditEvent(action="test.dropped"))
        db.session.flush()
        if len(calls) == 1:
            pg.terminate(db.session.scalar(sa.text("SELECT pg_backend_pid()")))
        return f"done {db.session.scalar(sa.text('SELECT 1'))}"

    spec = JobSpec(id="test-dropped", func=job)
    with pg.app.app_context():
        assert run_job(spec, "2026-11-29") == Outcome.DATABASE_ERROR
    [failed] = pg.runs("test-dropped")
    assert failed.status == JobRunStatus.FAILED and failed.attempts == 1
    assert "OperationalError" in failed.error
    with pg.app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "test.dropped"))
            == 0
        )
        assert run_job(spec, "2026-11-29") == Outcome.SUCCEEDED
        assert run_job(spec, "2026-11-29") == Outcome.SKIPPED
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "test.dropped"))
            == 1
        )
    assert [(r.attempts, r.status) for r in pg.runs("test-dropped")] == [
        (1, JobRunStatus.FAILED),
        (2, JobRunStatus.SUCCEEDED),
    ]


def test_a_scheduler_started_while_the_database_is_down_runs_every_due_job_once_it_is_back(pg):
    """The measured failure: seven due jobs, the September batch among them, all skipped."""
    pg.app.config["FROZEN_NOW"] = SEPTEMBER_FIRST
    scheduler = build_scheduler(pg.app, BackgroundScheduler)
    pg.refuse_connections()
    try:
        outcomes = catch_up(pg.app, scheduler)
    finally:
        pg.accept_connections()
    due = {
        "housekeeping": "2026-09-01",
        "promote_school_year": "2026",
        "september_batch": "2026",
        "pledge-rollover": "2026",
        "instalments-overdue": "2026-09-01",
        "matching-refresh": "2026-09-01",
        "pledge-reminders": "2026-09-01",
        "backup": "2026-09-01",
        "retention": "2026-09",
    }
    assert outcomes == {job_id: Outcome.DATABASE_ERROR for job_id in due}
    # Nothing could be recorded while the database was down.
    assert [r for r in pg.runs() if r.job_id in due] == []
    retries = {job.id for job in scheduler.get_jobs() if job.id.startswith("retry:")}
    assert retries == {retry_id(job_id, period) for job_id, period in due.items()}

    finished = []
    all_done = threading.Event()

    def count(event):
        if event.job_id in retries:
            finished.append(event.job_id)
            if len(finished) == len(retries):
                all_done.set()

    scheduler.add_listener(count, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    # The database is back; the scheduler that saw it down is started, not restarted.
    scheduler.start()
    try:
        assert all_done.wait(120), f"retries that never ran: {retries - set(finished)}"
    finally:
        scheduler.shutdown()
        pg.app.config["FROZEN_NOW"] = None
    done = {(r.job_id, r.period_key, r.status, r.trigger) for r in pg.runs() if r.job_id in due}
    assert done == {(j, p, JobRunStatus.SUCCEEDED, "retry") for j, p in due.items()}
    assert not [job for job in scheduler.get_jobs() if job.id.startswith("retry:")]


def test_a_retry_that_meets_the_outage_again_backs_off(tmp_path, caplog):
    app = app_on(sqlite_gone_url(tmp_path))
    app.config["FROZEN_NOW"] = SEPTEMBER_FIRST
    scheduler = build_scheduler(app, BackgroundScheduler)
    scheduler.start(paused=True)  # running, so a retry replaces the one before it; paused, so
    try:  # that this test makes each call the scheduler would make, one by one
        catch_up(app, scheduler)
        delays = []
        for _ in range(6):
            job = scheduler.get_job(retry_id("september_batch", "2026"))
            delays.append(job.trigger.run_date - SEPTEMBER_FIRST)
            assert job.func(*job.args) == Outcome.DATABASE_ERROR
        # Past the job's catch-up window a restart would not run the period either: give up.
        app.config["FROZEN_NOW"] = SEPTEMBER_FIRST + timedelta(days=61)
        last = scheduler.get_job(retry_id("september_batch", "2026"))
        with caplog.at_level(logging.ERROR):
            assert last.func(*last.args) == Outcome.DATABASE_ERROR
        assert scheduler.get_job(last.id).trigger.run_date == last.trigger.run_date
        assert any("giving up" in r.getMessage() for r in caplog.records)
    finally:
        scheduler.shutdown()
    assert [int(d.total_seconds() // 60) for d in delays] == [1, 2, 4, 8, 15, 15]
    # A job without catch-up (the minute's letters) is not retried: the next minute does it.
    assert scheduler.get_job(retry_id("deliver_letters", "2026-09-01T10:00")) is None
