"""Daily at 09:00: queue pledge reminders before instalments fall due, and overdue reminders."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.clock import local_zone
from sponsorship.jobs.spec import JobSpec, daily
from sponsorship.services.letters.reminders import open_instalments, queue_reminders
from sponsorship.work.job_runs import JobContext


def remind(ctx: JobContext) -> str:
    """Queue today's reminders; the letters' dedupe keys make a re-run harmless."""
    today = ctx.now.astimezone(local_zone()).date()
    candidates = open_instalments(today)
    queued = queue_reminders(candidates, today)
    return _(
        "Queued %(queued)s reminders for %(open)s open instalments.",
        queued=queued,
        open=len(candidates),
    )


SPEC = JobSpec(
    id="pledge-reminders",
    func=remind,
    # After the 01:10 overdue marking, in office hours so letters go out by day.
    cron={"hour": 9, "minute": 0},
    period_of=daily,
    description=_l("Queue pledge and overdue reminders to caring parents"),
)
