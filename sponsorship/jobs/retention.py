"""The monthly retention run: anonymise the personal data whose keeping time has run out."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.jobs.spec import JobSpec
from sponsorship.services.data.retention import apply_retention
from sponsorship.work.job_runs import JobContext


def monthly(moment: datetime) -> str:
    """Key a local moment by its month: "2026-11"."""
    return moment.strftime("%Y-%m")


def anonymise_expired(ctx: JobContext) -> str:
    """Anonymise the children and caring parents kept past their retention period."""
    result = apply_retention(ctx.now)
    return _(
        "Anonymised %(children)s children and %(sponsors)s caring parents.",
        children=result.children,
        sponsors=result.sponsors,
    )


SPEC = JobSpec(
    id="retention",
    func=anonymise_expired,
    cron={"day": 1, "hour": 4, "minute": 0},
    period_of=monthly,
    # A month missed while the machine was off is caught up on the next start, within the month.
    catch_up_window=timedelta(days=28),
    description=_l("Anonymise personal data kept past its retention period"),
)
