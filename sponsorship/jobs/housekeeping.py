"""Daily housekeeping: prune old records of successful runs of frequent jobs."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.extensions import db
from sponsorship.jobs.spec import JobSpec, daily
from sponsorship.models import JobRun
from sponsorship.models.enums import JobRunStatus
from sponsorship.work.job_runs import JobContext

#: Successful runs older than this are pruned, except the yearly and monthly ones kept for history.
KEEP_FOR = timedelta(days=90)
#: Period keys of these lengths belong to daily ("2026-11-29") and minute-level jobs.
FREQUENT_KEY_LENGTHS = (10, 16)


def prune_job_runs(ctx: JobContext) -> str:
    """Delete successful daily and minute-level job records older than KEEP_FOR."""
    cutoff = ctx.now - KEEP_FOR
    result = db.session.execute(
        sa.delete(JobRun).where(
            JobRun.status == JobRunStatus.SUCCEEDED,
            JobRun.started_at < cutoff,
            sa.func.length(JobRun.period_key).in_(FREQUENT_KEY_LENGTHS),
        )
    )
    return _("Pruned %(count)s job-run records.", count=result.rowcount)


SPEC = JobSpec(
    id="housekeeping",
    func=prune_job_runs,
    cron={"hour": 3, "minute": 15},
    period_of=daily,
    description=_l("Prune old records of frequent jobs' successful runs"),
)
