"""Run a job exactly once per period: claim (job, period) in JobRun, then do the job's work."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from sponsorship.clock import local_zone, utcnow
from sponsorship.extensions import db
from sponsorship.models import JobRun
from sponsorship.models.enums import JobRunStatus
from sponsorship.models.job_run import LIVE_STATUSES

log = logging.getLogger(__name__)

#: PostgreSQL's codes for a lock another transaction holds: lock_not_available,
#: serialization_failure, deadlock_detected.
_PG_LOCK_CONFLICTS = {"55P03", "40001", "40P01"}


@dataclass(frozen=True)
class JobContext:
    """What a job is told about the run it is part of."""

    period_key: str
    #: When the run started, aware UTC (the frozen clock in tests).
    now: datetime


class Job(Protocol):
    """What the runner needs of a job (sponsorship.jobs.spec.JobSpec is one)."""

    id: str
    func: Callable[[JobContext], str]
    period_of: Callable[[datetime], str]
    lease: timedelta


class Outcome(StrEnum):
    """How one run of a job ended, as the runner reports it."""

    SUCCEEDED = "succeeded"
    #: The period was claimed by another run: done already, or running now.
    SKIPPED = "skipped"
    #: The job itself raised; recorded as a failed run.
    FAILED = "failed"
    #: The database failed or could not be reached; recorded when it could be reached.
    DATABASE_ERROR = "database error"


def current_period(job: Job) -> str:
    """Return the period key the job would claim now."""
    return job.period_of(utcnow().astimezone(local_zone()))


def run_job(job: Job, period_key: str | None = None, trigger: str = "scheduled") -> Outcome:
    """Claim (job, period) and run the job in one unit of work; skip if claimed already.

    The claim is written in the job's own transaction, so a crash before the job commits
    leaves nothing and the period runs again. A job that commits as it goes makes its claim
    visible early; if its process dies, the claim outlives it until the job's lease runs out.
    """
    period_key = period_key or current_period(job)
    try:
        run = _claim(job, period_key, trigger)
    except SQLAlchemyError as exc:
        db.session.rollback()
        if _is_claim_conflict(exc):
            log.info("job %s %s already claimed (%s)", job.id, period_key, type(exc).__name__)
            return Outcome.SKIPPED
        log.error("job %s %s: the database failed while claiming: %s", job.id, period_key, exc)
        return _record_failure(job.id, period_key, trigger, None, exc)
    if run is None:
        db.session.rollback()
        return Outcome.SKIPPED
    claimed = (run.id, run.attempts)
    try:
        summary = job.func(JobContext(period_key=period_key, now=utcnow()))
        run.status = JobRunStatus.SUCCEEDED
        run.summary = summary or ""
        run.finished_at = utcnow()
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.error("job %s %s: the database failed during the run: %s", job.id, period_key, exc)
        return _record_failure(job.id, period_key, trigger, claimed, exc)
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s %s failed", job.id, period_key)
        return _record_failure(job.id, period_key, trigger, claimed, exc)
    log.info("job %s %s succeeded: %s", job.id, period_key, summary)
    return Outcome.SUCCEEDED


def _claim(job: Job, period_key: str, trigger: str) -> JobRun | None:
    """Insert a running attempt, taking over a dead one; None when the period is held."""
    now = utcnow()
    live = db.session.scalar(
        sa.select(JobRun).where(
            JobRun.job_id == job.id,
            JobRun.period_key == period_key,
            JobRun.status.in_(LIVE_STATUSES),
        )
    )
    if live is not None:
        if live.status == JobRunStatus.SUCCEEDED or live.started_at > now - job.lease:
            return None
        _abandon(live, now)
    previous = db.session.scalar(
        sa.select(sa.func.max(JobRun.attempts)).where(
            JobRun.job_id == job.id, JobRun.period_key == period_key
        )
    )
    run = JobRun(
        job_id=job.id,
        period_key=period_key,
        status=JobRunStatus.RUNNING,
        trigger=trigger,
        attempts=(previous or 0) + 1,
        started_at=now,
    )
    db.session.add(run)
    # Two claimants meet here: the partial unique index lets only one live run per period.
    db.session.flush()
    return run


def _abandon(run: JobRun, now: datetime) -> None:
    """Record a run whose lease ran out as abandoned, in its own committed transaction."""
    what = (run.job_id, run.period_key, run.attempts)
    abandoned = db.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run.id, JobRun.status == JobRunStatus.RUNNING)
        .values(
            status=JobRunStatus.ABANDONED,
            finished_at=now,
            error=f"no result since {run.started_at:%Y-%m-%d %H:%M} UTC: its process stopped",
        )
        .execution_options(synchronize_session=False)
    )
    # Committed on its own: even if the new attempt fails, the dead one stays recorded.
    db.session.commit()
    if abandoned.rowcount == 1:
        log.warning("job %s %s: attempt %s abandoned", *what)


def _is_claim_conflict(exc: SQLAlchemyError) -> bool:
    """Tell a concurrent claimant's unique key or lock from any other database error."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if isinstance(exc, IntegrityError):
        sqlstate = getattr(orig, "sqlstate", None)
        if sqlstate is not None:
            return sqlstate == "23505"
        return str(orig).startswith("UNIQUE constraint failed: job_runs.")
    if isinstance(orig, sqlite3.OperationalError):
        # SQLITE_BUSY and SQLITE_LOCKED, with their extended codes (such as BUSY_SNAPSHOT).
        code = getattr(orig, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return getattr(orig, "sqlstate", None) in _PG_LOCK_CONFLICTS


def _record_failure(
    job_id: str,
    period_key: str,
    trigger: str,
    claimed: tuple[int, int] | None,
    exc: Exception,
) -> Outcome:
    """Record the attempt as failed, so the admin sees the error and a retry can follow."""
    outcome = Outcome.DATABASE_ERROR if isinstance(exc, SQLAlchemyError) else Outcome.FAILED
    error = f"{type(exc).__name__}: {exc}"[:2000]
    try:
        # A job that committed as it went left its claim behind: that is the row to mark.
        run = None
        if claimed is not None:
            run = db.session.scalar(
                sa.select(JobRun).where(
                    JobRun.id == claimed[0],
                    JobRun.job_id == job_id,
                    JobRun.period_key == period_key,
                    JobRun.attempts == claimed[1],
                    JobRun.status == JobRunStatus.RUNNING,
                )
            )
        if run is None:
            previous = db.session.scalar(
                sa.select(sa.func.max(JobRun.attempts)).where(
                    JobRun.job_id == job_id, JobRun.period_key == period_key
                )
            )
            run = JobRun(
                job_id=job_id,
                period_key=period_key,
                trigger=trigger,
                attempts=(previous or 0) + 1,
                started_at=utcnow(),
            )
            db.session.add(run)
        run.status = JobRunStatus.FAILED
        run.error = error
        run.finished_at = utcnow()
        db.session.commit()
    except SQLAlchemyError as again:
        db.session.rollback()
        log.error(
            "job %s %s: the failure could not be recorded, the database is unreachable: %s",
            job_id,
            period_key,
            again,
        )
    return outcome
