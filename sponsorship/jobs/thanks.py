"""10 January: thank every caring parent for the year just ended, with the year's figures."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.jobs.spec import JobSpec
from sponsorship.services.letters.thanks import queue_yearly_thanks, yearly_figures
from sponsorship.work.job_runs import JobContext


def previous_year(moment: datetime) -> str:
    """The period a January run belongs to: the calendar year that just ended."""
    return str(moment.year - 1)


def thank(ctx: JobContext) -> str:
    """Queue one yearly thank-you per caring parent for the year named by the period key."""
    year = int(ctx.period_key)
    rows = yearly_figures(year)
    queued = queue_yearly_thanks(rows, year)
    return _("Queued %(count)s yearly thank-you letters for %(year)s.", count=queued, year=year)


SPEC = JobSpec(
    id="yearly-thanks",
    func=thank,
    cron={"month": 1, "day": 10, "hour": 9, "minute": 0},
    period_of=previous_year,
    catch_up_window=timedelta(days=60),
    description=_l("Thank every caring parent for the year just ended, with its figures"),
)
