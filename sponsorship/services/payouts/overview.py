"""The payout batches' state for the dashboard: the last batch, and how many await approval."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import PayoutBatch
from sponsorship.models.enums import PayoutBatchStatus


@dataclass(frozen=True)
class BatchState:
    """The dashboard's view of payouts: the last batch and how many await approval."""

    key: str
    status: object
    to_approve: int


def batch_state() -> BatchState:
    """Return the last batch's key and status and the number of batches awaiting approval."""
    last = db.session.scalar(sa.select(PayoutBatch).order_by(PayoutBatch.id.desc()).limit(1))
    waiting = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PayoutBatch)
        .where(PayoutBatch.status == PayoutBatchStatus.SUBMITTED)
    )
    if last is None:
        return BatchState("", "", 0)
    return BatchState(last.key, last.status, int(waiting or 0))
