"""The nightly backup: one checked copy of the database per day, rotated."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.extensions import db
from sponsorship.jobs.spec import JobSpec, daily
from sponsorship.services.data import backups
from sponsorship.work.job_runs import JobContext


def nightly_backup(ctx: JobContext) -> str:
    """Take tonight's backup and rotate the old ones."""
    # Commit the claim first: on SQLite a pending claim holds the write lock, and the copy may
    # take minutes; the lease protects the period if this process dies meanwhile.
    db.session.commit()
    made = backups.create(ctx.now)
    return _(
        "Backed up %(rows)s rows to %(file)s.",
        rows=sum(made.counts.values()),
        file=made.path.name,
    )


SPEC = JobSpec(
    id="backup",
    func=nightly_backup,
    cron={"hour": 2, "minute": 30},
    period_of=daily,
    lease=timedelta(hours=2),
    description=_l("Back up the database and keep the rotation"),
)
