"""Every minute: run background money work still waiting, or whose runner died mid-way."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.jobs.spec import JobSpec, minutely
from sponsorship.work.background import run_pending
from sponsorship.work.job_runs import JobContext


def background_work(ctx: JobContext) -> str:
    """The scheduled job: run what is waiting."""
    return _("Ran %(count)s pieces of background work.", count=run_pending())


SPEC = JobSpec(
    id="background_work",
    func=background_work,
    cron={"minute": "*"},
    period_of=minutely,
    catch_up_window=None,
    # Paying 100,000 payouts takes about a minute; a run still "running" after this died.
    lease=timedelta(minutes=30),
    description=_l("Run background money work: paying batches, importing bank statements"),
)
