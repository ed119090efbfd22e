"""Job runs: the claim that makes each scheduled job run exactly once per period."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.enums import JobRunStatus
from sponsorship.models.types import UTCDateTime, str_enum

#: Statuses that hold a period: at most one such run per (job, period), enforced by the database.
LIVE_STATUSES = (JobRunStatus.RUNNING, JobRunStatus.SUCCEEDED)
_LIVE_SQL = sa.text("status IN ('running', 'succeeded')")


class JobRun(db.Model):
    """One attempt at one period of a job; failed and abandoned attempts stay as history."""

    __tablename__ = "job_runs"
    __table_args__ = (
        sa.Index(
            "uq_job_runs_live",
            "job_id",
            "period_key",
            unique=True,
            sqlite_where=_LIVE_SQL,
            postgresql_where=_LIVE_SQL,
        ),
        sa.Index("ix_job_runs_job_id_started_at", "job_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(50))
    #: The period this run is for: "2026-11-29" for a daily job, "2026" for a yearly one.
    period_key: Mapped[str] = mapped_column(sa.String(30))
    status: Mapped[JobRunStatus] = mapped_column(str_enum(JobRunStatus))
    #: scheduled, catch-up, retry or manual.
    trigger: Mapped[str] = mapped_column(sa.String(20), default="scheduled")
    #: 1 for the period's first attempt, counting up over failed and abandoned ones.
    attempts: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the job reported: a one-line summary, or the error.
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    error: Mapped[str | None] = mapped_column(sa.Text)
