"""Nightly: refresh the matcher's proposals so staff start the day with current ones."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.jobs.spec import JobSpec, daily
from sponsorship.services.pairing.matching import run_matching
from sponsorship.work.job_runs import JobContext


def refresh_proposals(ctx: JobContext) -> str:
    """Replace every unconfirmed proposal with the matcher's fresh ones."""
    summary = run_matching(None)
    return _(
        "Proposed %(proposed)s pairings; %(unmatched)s of %(children)s children left unmatched.",
        proposed=summary.proposed,
        unmatched=summary.unmatched,
        children=summary.children,
    )


SPEC = JobSpec(
    id="matching-refresh",
    func=refresh_proposals,
    cron={"hour": 2, "minute": 0},
    period_of=daily,
    description=_l("Refresh the matcher's unconfirmed pairing proposals"),
)
