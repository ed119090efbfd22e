"""Exactly once per (job, period): sequential re-runs, failures, catch-up, concurrent claims."""

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs.registry import registry
from sponsorship.jobs.scheduler import build_scheduler, catch_up
from sponsorship.jobs.spec import JobSpec, yearly
from sponsorship.models import AuditEvent, JobRun
from sponsorship.models.enums import JobRunStatus
from sponsorship.work.job_runs import Outcome, run_job
from tests.conftest import count


def counting_job(calls: list):
    """A job whose effect is visible in the database: one audit event per run."""

    def job(ctx):
        calls.append(ctx.period_key)
        db.session.add(AuditEvent(action="test.job", detail=ctx.period_key))
        return f"ran {ctx.period_key}"

    return job


def test_second_run_of_the_same_period_does_nothing():
    calls = []
    spec = JobSpec(id="test-once", func=counting_job(calls))
    assert run_job(spec, "2026-11-29") == Outcome.SUCCEEDED
    assert run_job(spec, "2026-11-29") == Outcome.SKIPPED
    assert run_job(spec, "2026-11-30") == Outcome.SUCCEEDED
    assert calls == ["2026-11-29", "2026-11-30"]
    assert count(AuditEvent, AuditEvent.action == "test.job") == 2
    run = db.session.scalar(sa.select(JobRun).where(JobRun.period_key == "2026-11-29"))
    assert run.status == JobRunStatus.SUCCEEDED and run.summary == "ran 2026-11-29"


def test_a_failed_run_leaves_nothing_half_done_and_can_be_retried():
    attempts = []

    def flaky(ctx):
        attempts.append(1)
        db.session.add(AuditEvent(action="test.flaky"))
        db.session.flush()
        if len(attempts) == 1:
            raise RuntimeError("disk on fire")
        return "ok"

    spec = JobSpec(id="test-flaky", func=flaky)
    assert run_job(spec, "2026-11-29") == Outcome.FAILED
    failed = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == "test-flaky"))
    assert failed.status == JobRunStatus.FAILED and "disk on fire" in failed.error
    assert count(AuditEvent, AuditEvent.action == "test.flaky") == 0
    assert run_job(spec, "2026-11-29") == Outcome.SUCCEEDED
    runs = db.session.scalars(
        sa.select(JobRun).where(JobRun.job_id == "test-flaky").order_by(JobRun.attempts)
    ).all()
    # The failed attempt stays as history; the retry is attempt 2 and holds the period.
    assert [(r.attempts, r.status) for r in runs] == [
        (1, JobRunStatus.FAILED),
        (2, JobRunStatus.SUCCEEDED),
    ]
    assert runs[1].error is None and runs[1].summary == "ok"
    assert count(AuditEvent, AuditEvent.action == "test.flaky") == 1
    assert run_job(spec, "2026-11-29") == Outcome.SKIPPED


def test_a_job_that_breaks_the_database_is_a_database_error_not_a_claim():
    """A database error inside the job is neither 'already claimed' nor the job's own bug."""

    def bad_sql(ctx):
        db.session.execute(sa.text("SELECT * FROM no_such_table"))
        return "unreachable"

    spec = JobSpec(id="test-bad-sql", func=bad_sql)
    assert run_job(spec, "2026-11-29") == Outcome.DATABASE_ERROR
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == "test-bad-sql"))
    assert run.status == JobRunStatus.FAILED and "no_such_table" in run.error


def test_catch_up_runs_a_missed_yearly_period_once(app, frozen):
    calls = []
    spec = JobSpec(
        id="test-september",
        func=counting_job(calls),
        period_of=yearly,
        cron={"month": 9, "day": 1, "hour": 8},
        catch_up_window=timedelta(days=60),
    )
    original = registry

    def fake_registry():
        return {spec.id: spec}

    import sponsorship.jobs.scheduler as scheduler_module

    scheduler_module.registry = fake_registry
    try:
        frozen(datetime(2026, 8, 31, 23, 0, tzinfo=UTC))  # before the first due date: nothing
        assert catch_up(app) == {}
        frozen(datetime(2026, 9, 3, 2, 0, tzinfo=UTC))  # server was down on 1 September
        assert catch_up(app) == {spec.id: Outcome.SUCCEEDED}
        assert catch_up(app) == {spec.id: Outcome.SKIPPED}  # restarted again: nothing twice
        frozen(datetime(2026, 12, 1, tzinfo=UTC))  # too long ago to catch up safely
        assert catch_up(app) == {}
    finally:
        scheduler_module.registry = original
    assert calls == ["2026"]


def test_last_due_finds_the_latest_fire_time():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    spec = JobSpec(id="x", func=lambda ctx: "", cron={"hour": 3, "minute": 15})
    now = datetime(2026, 11, 29, 10, 0, tzinfo=zone)
    assert spec.last_due(now, zone) == datetime(2026, 11, 29, 3, 15, tzinfo=zone)
    assert replace(spec, catch_up_window=None).last_due(now, zone) is None


def test_scheduler_registers_every_job(app):
    scheduler = build_scheduler(app)
    assert {job.id for job in scheduler.get_jobs()} == set(registry())


def test_housekeeping_prunes_only_old_successful_frequent_runs(frozen):
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    frozen(now)
    old = now - timedelta(days=200)
    db.session.add_all(
        [
            JobRun(
                job_id="deliver",
                period_key="2026-05-01T10:00",
                status=JobRunStatus.SUCCEEDED,
                started_at=old,
            ),
            JobRun(
                job_id="daily", period_key="2026-05-01", status=JobRunStatus.FAILED, started_at=old
            ),
            JobRun(
                job_id="september", period_key="2026", status=JobRunStatus.SUCCEEDED, started_at=old
            ),
            JobRun(
                job_id="daily",
                period_key="2026-11-28",
                status=JobRunStatus.SUCCEEDED,
                started_at=now - timedelta(days=1),
            ),
        ]
    )
    db.session.flush()
    assert run_job(registry()["housekeeping"], "2026-11-29") == Outcome.SUCCEEDED
    left = set(db.session.scalars(sa.select(JobRun.period_key)))
    assert left == {"2026-05-01", "2026", "2026-11-28", "2026-11-29"}


def test_cli_run_once_runs_a_period_once(runner):
    first = runner.invoke(args=["jobs", "run-once", "housekeeping", "--period", "2026-11-29"])
    second = runner.invoke(args=["jobs", "run-once", "housekeeping", "--period", "2026-11-29"])
    assert "succeeded" in first.output and "skipped" in second.output
    assert first.output.strip() == "housekeeping: succeeded" and first.exit_code == 0
    assert second.output.strip() == "housekeeping: skipped" and second.exit_code == 0
    runs = db.session.scalars(sa.select(JobRun).where(JobRun.job_id == "housekeeping")).all()
    assert [(r.period_key, r.status, r.trigger) for r in runs] == [
        ("2026-11-29", JobRunStatus.SUCCEEDED, "manual")
    ]
    listing = runner.invoke(args=["jobs", "list"])
    assert "housekeeping" in listing.output and "上次 2026-11-29 成功" in listing.output
    unknown = runner.invoke(args=["jobs", "run-once", "nope"])
    assert unknown.exit_code != 0
    assert "unknown job 'nope'" in unknown.output
    assert count(JobRun, JobRun.job_id == "nope") == 0


@__import__("pytest").mark.commits
def test_concurrent_claims_of_one_period_run_exactly_once(app):
    """Two threads, each its own connection, claim the same (job, period) at the same moment."""
    barrier = threading.Barrier(2)
    started = []
    outcomes = []

    def slow_job(ctx):
        started.append(ctx.period_key)
        db.session.add(AuditEvent(action="test.concurrent"))
        db.session.flush()
        return "done"

    spec = JobSpec(id="test-race", func=slow_job)

    def worker():
        with app.app_context():
            barrier.wait()
            outcomes.append(run_job(spec, "2026-09"))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [Outcome.SKIPPED, Outcome.SUCCEEDED]
    assert started == ["2026-09"]
    assert count(AuditEvent, AuditEvent.action == "test.concurrent") == 1
    assert count(JobRun, JobRun.job_id == "test-race") == 1


def test_every_job_describes_itself_in_chinese_for_the_admin():
    import re

    for spec in registry().values():
        assert re.search(r"[\u4e00-\u9fff]", str(spec.description)), spec.id
