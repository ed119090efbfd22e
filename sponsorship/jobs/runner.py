"""Run a job exactly once per period: claim (job, period) in JobRun in the job's own transaction."""

from __future__ import annotations

import logging
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from sponsorship.clock import local_zone, utcnow
from sponsorship.extensions import db
from sponsorship.jobs import JobContext, JobSpec
from sponsorship.models import JobRun
from sponsorship.models.enums import JobRunStatus

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"


def current_period(spec: JobSpec) -> str:
    """Return the period key the job would claim now."""
    return spec.period_of(utcnow().astimezone(local_zone()))


def run_job(spec: JobSpec, period_key: str | None = None, trigger: str = "scheduled") -> Outcome:
    """Claim (job, period) and run the job in one unit of work; skip if claimed already.

    The claim row is written in the same transaction as the job's work, so a crash leaves
    neither: the period stays unclaimed and runs again. A concurrent claimant blocks on the
    unique key until the first commits, then finds the claim and skips.
    """
    period_key = period_key or current_period(spec)
    try:
        run = _claim(spec.id, period_key, trigger)
    except (IntegrityError, OperationalError) as exc:
        db.session.rollback()
        log.info(
            "job %s %s already claimed elsewhere (%s)", spec.id, period_key, type(exc).__name__
        )
        return Outcome.SKIPPED
    if run is None:
        db.session.rollback()
        return Outcome.SKIPPED
    try:
        summary = spec.func(JobContext(period_key=period_key, now=utcnow()))
        run.status = JobRunStatus.SUCCEEDED
        run.summary = summary or ""
        run.finished_at = utcnow()
        db.session.commit()
        log.info("job %s %s succeeded: %s", spec.id, period_key, summary)
        return Outcome.SUCCEEDED
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s %s failed", spec.id, period_key)
        _record_failure(spec.id, period_key, trigger, f"{type(exc).__name__}: {exc}")
        return Outcome.FAILED


def _claim(job_id: str, period_key: str, trigger: str) -> JobRun | None:
    """Insert the claim, or take over a failed one; None when someone else holds it."""
    existing = db.session.scalar(
        sa.select(JobRun).where(JobRun.job_id == job_id, JobRun.period_key == period_key)
    )
    if existing is None:
        run = JobRun(
            job_id=job_id,
            period_key=period_key,
            status=JobRunStatus.RUNNING,
            trigger=trigger,
            started_at=utcnow(),
        )
        db.session.add(run)
        db.session.flush()
        return run
    if existing.status != JobRunStatus.FAILED:
        return None
    # Retry of a failed period: only one claimant's conditional update can match.
    taken = db.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == existing.id, JobRun.status == JobRunStatus.FAILED)
        .values(
            status=JobRunStatus.RUNNING,
            attempts=JobRun.attempts + 1,
            trigger=trigger,
            started_at=utcnow(),
            finished_at=None,
            error=None,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    db.session.refresh(existing)
    return existing


def _record_failure(job_id: str, period_key: str, trigger: str, error: str) -> None:
    """Leave a failed claim behind, so the admin sees the error and a retry can take it over."""
    try:
        run = db.session.scalar(
            sa.select(JobRun).where(JobRun.job_id == job_id, JobRun.period_key == period_key)
        )
        if run is None:
            run = JobRun(job_id=job_id, period_key=period_key, trigger=trigger)
            db.session.add(run)
        elif run.status == JobRunStatus.SUCCEEDED:  # another process finished it meanwhile
            db.session.rollback()
            return
        run.status = JobRunStatus.FAILED
        run.error = error[:2000]
        run.finished_at = utcnow()
        db.session.commit()
    except (IntegrityError, OperationalError):
        db.session.rollback()
