"""Pledge jobs: the school-year rollover on 1 September, and the daily overdue marking."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.clock import local_zone
from sponsorship.jobs.spec import JobSpec, daily, yearly
from sponsorship.services.money import pledges
from sponsorship.work.job_runs import JobContext


def rollover(ctx: JobContext) -> str:
    """Create the new school year's pledges for pairings still active."""
    created = pledges.rollover(int(ctx.period_key))
    return _(
        "Created %(count)s pledges for school year %(year)s.",
        count=len(created),
        year=ctx.period_key,
    )


def mark_overdue(ctx: JobContext) -> str:
    """Mark instalments overdue once their due date plus the grace days has passed."""
    marked = pledges.mark_overdue(ctx.now.astimezone(local_zone()).date())
    return _("Marked %(count)s instalments overdue.", count=marked)


ROLLOVER = JobSpec(
    id="pledge-rollover",
    func=rollover,
    # After the 00:30 promotion, so each child's group (and standard amount) is the new one.
    cron={"month": 9, "day": 1, "hour": 0, "minute": 45},
    period_of=yearly,
    # A missed rollover must still happen: catch it up for the whole autumn.
    catch_up_window=timedelta(days=90),
    description=_l("Create the new school year's pledges for active pairings"),
)

OVERDUE = JobSpec(
    id="instalments-overdue",
    func=mark_overdue,
    cron={"hour": 1, "minute": 10},
    period_of=daily,
    description=_l("Mark unpaid instalments overdue after their grace days"),
)
