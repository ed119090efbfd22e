"""A run whose process died is not left "running" forever: after its lease it is taken over."""

import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs.registry import registry
from sponsorship.jobs.spec import JobSpec
from sponsorship.models import AuditEvent, JobRun
from sponsorship.models.enums import JobRunStatus
from sponsorship.services.reports.job_health import unresolved_failures
from sponsorship.work.job_runs import Outcome, run_job
from tests.conftest import count

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2026-11-30T08:00"


def runs_of(job_id: str) -> list[tuple[int, JobRunStatus]]:
    db.session.expire_all()
    return [
        (run.attempts, run.status)
        for run in db.session.scalars(
            sa.select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.attempts)
        )
    ]


@pytest.mark.commits
def test_a_killed_delivery_run_is_left_running_then_taken_over(frozen):
    url = db.engine.url.render_as_string(hide_password=False)
    worker = subprocess.run(
        [sys.executable, "-m", "tests.jobs.job_kill_worker", url, PERIOD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == -signal.SIGKILL, worker.stdout + worker.stderr
    [dead] = db.session.scalars(sa.select(JobRun).where(JobRun.job_id == "deliver_letters")).all()
    assert dead.status == JobRunStatus.RUNNING  # what the issue measured: left behind

    spec = registry()["deliver_letters"]
    frozen(dead.started_at + spec.lease - timedelta(seconds=1))
    # Within its lease the run might still be alive: the period stays claimed.
    assert run_job(spec, PERIOD) == Outcome.SKIPPED
    assert runs_of("deliver_letters") == [(1, JobRunStatus.RUNNING)]

    frozen(dead.started_at + spec.lease + timedelta(seconds=1))
    assert run_job(spec, PERIOD) == Outcome.SUCCEEDED
    assert runs_of("deliver_letters") == [(1, JobRunStatus.ABANDONED), (2, JobRunStatus.SUCCEEDED)]
    db.session.refresh(dead)
    assert "process stopped" in dead.error and dead.finished_at is not None
    assert unresolved_failures() == []  # the period ran after all
    assert run_job(spec, PERIOD) == Outcome.SKIPPED


@pytest.mark.commits
def test_two_claimants_taking_over_one_dead_run_run_it_once(app, frozen):
    lease = timedelta(minutes=10)
    dead_since = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    db.session.add(
        JobRun(
            job_id="test-takeover",
            period_key=PERIOD,
            status=JobRunStatus.RUNNING,
            started_at=dead_since,
        )
    )
    db.session.commit()
    frozen(dead_since + lease + timedelta(minutes=1))
    started = []

    def job(ctx):
        started.append(ctx.period_key)
        db.session.add(AuditEvent(action="test.takeover"))
        db.session.flush()
        return "done"

    spec = JobSpec(id="test-takeover", func=job, lease=lease)
    barrier = threading.Barrier(2)
    outcomes = []

    def claimant():
        with app.app_context():
            barrier.wait()
            outcomes.append(run_job(spec, PERIOD))

    threads = [threading.Thread(target=claimant) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [Outcome.SKIPPED, Outcome.SUCCEEDED]
    assert started == [PERIOD]
    assert count(AuditEvent, AuditEvent.action == "test.takeover") == 1
    assert runs_of("test-takeover") == [(1, JobRunStatus.ABANDONED), (2, JobRunStatus.SUCCEEDED)]
