"""1 September 08:00: build the September batch's draft and tell finance it waits."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.extensions import db
from sponsorship.jobs.spec import JobSpec, yearly
from sponsorship.models import Payout, PayoutBatch
from sponsorship.models.enums import PayoutBatchStatus
from sponsorship.services.core import audit
from sponsorship.services.payouts.build import (
    NothingToPayError,
    build_batch,
    left_out,
    left_out_message,
    period_key,
)
from sponsorship.work.job_runs import JobContext


def september_batch(ctx: JobContext) -> str:
    """Build the draft batch of the year named by the period key, and tell finance it waits."""
    year = int(ctx.period_key)
    key = period_key(year)
    if (
        db.session.scalar(
            sa.select(PayoutBatch.id).where(
                PayoutBatch.key == key, PayoutBatch.status != PayoutBatchStatus.CANCELLED
            )
        )
        is not None
    ):
        # Built by hand before the scheduler came round.
        return _("Batch %(key)s exists already.", key=key)
    try:
        batch = build_batch(key, date(year, 9, 1))
    except NothingToPayError as nothing:
        # Nobody to pay is an answer, not a failure to retry: the summary says why.
        return nothing.message
    payouts = db.session.scalar(
        sa.select(sa.func.count()).select_from(Payout).where(Payout.batch_id == batch.id)
    )
    audit.record("batch.finance_notified", batch, detail=f"{key} draft ready: {payouts} payouts")
    summary = _("Batch %(key)s built with %(count)s payouts.", key=key, count=payouts)
    skipped = left_out(batch)
    return f"{summary} {left_out_message(skipped)}" if skipped else summary


SPEC = JobSpec(
    id="september_batch",
    func=september_batch,
    cron={"month": 9, "day": 1, "hour": 8, "minute": 0},
    period_of=yearly,
    catch_up_window=timedelta(days=60),
    description=_l("Build the September payout batch as a draft and tell finance"),
)
