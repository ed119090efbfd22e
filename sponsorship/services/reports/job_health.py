"""How the scheduled jobs are doing: each job's last run, and periods left failed."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from sponsorship.extensions import db
from sponsorship.models import JobRun
from sponsorship.models.enums import JobRunStatus
from sponsorship.models.job_run import LIVE_STATUSES

#: The most unresolved failures the dashboard and the jobs page list.
FAILURES_SHOWN = 20


def last_runs(job_ids: Iterable[str]) -> dict[str, JobRun]:
    """Return each job's most recent attempt by id; jobs that never ran are absent."""
    ids = list(job_ids)
    latest = (
        sa.select(sa.func.max(JobRun.id).label("id"))
        .where(JobRun.job_id.in_(ids))
        .group_by(JobRun.job_id)
        .subquery()
    )
    runs = db.session.scalars(sa.select(JobRun).join(latest, JobRun.id == latest.c.id))
    return {run.job_id: run for run in runs}


def unresolved_failures(limit: int = FAILURES_SHOWN) -> list[JobRun]:
    """Return failed or abandoned attempts whose period has not run since, newest first."""
    other = aliased(JobRun)
    settled_or_later = (
        sa.select(other.id)
        .where(
            other.job_id == JobRun.job_id,
            other.period_key == JobRun.period_key,
            sa.or_(other.status.in_(LIVE_STATUSES), other.id > JobRun.id),
        )
        .exists()
    )
    return list(
        db.session.scalars(
            sa.select(JobRun)
            .where(
                JobRun.status.in_([JobRunStatus.FAILED, JobRunStatus.ABANDONED]),
                ~settled_or_later,
            )
            .order_by(JobRun.started_at.desc(), JobRun.id.desc())
            .limit(limit)
        )
    )


def recent_runs(limit: int = 50) -> list[JobRun]:
    """Return the latest attempts of every job, newest first."""
    return list(
        db.session.scalars(
            sa.select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
        )
    )
