"""1 September 00:30: promote every child one school year."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from sponsorship.jobs.spec import JobSpec, yearly
from sponsorship.services.children.school_year import promote_school_year
from sponsorship.work.job_runs import JobContext


def promote(ctx: JobContext) -> str:
    """Promote children for the school year named by the period key."""
    return str(promote_school_year(int(ctx.period_key)))


SPEC = JobSpec(
    id="promote_school_year",
    func=promote,
    cron={"month": 9, "day": 1, "hour": 0, "minute": 30},
    period_of=yearly,
    # A server down on 1 September catches up; children registered since are never promoted.
    catch_up_window=timedelta(days=60),
    description=_l("Promote every child one school year; graduates exit"),
)
