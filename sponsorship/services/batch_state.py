"""The payout batches' state for the dashboard, when the payout capability is installed."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from sponsorship import models
from sponsorship.extensions import db

#: The batch status that waits for finance's approval (payout capability, issue 7).
AWAITING_APPROVAL = "submitted"


@dataclass(frozen=True)
class BatchState:
    key: str
    status: object
    to_approve: int


def batch_state() -> BatchState | None:
    """Return the last batch and how many wait for approval; None without the Batch model."""
    batch_model = getattr(models, "Batch", None)
    if batch_model is None:
        return None
    last = db.session.scalar(sa.select(batch_model).order_by(batch_model.id.desc()).limit(1))
    if last is None:
        return BatchState("", "", 0)
    waiting = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(batch_model)
        .where(batch_model.status == AWAITING_APPROVAL)
    )
    return BatchState(str(getattr(last, "key", last.id)), last.status, int(waiting or 0))
