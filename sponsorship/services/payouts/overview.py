"""The payout batches a user is shown: the list, the last one, and how many await approval.

A user of part of the programme (a town) sees only the batches their area has a part in, and
counts as awaiting approval only those they may approve (see `reach`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import PayoutBatch, User
from sponsorship.models.enums import PayoutBatchStatus
from sponsorship.services.payouts import reach


@dataclass(frozen=True)
class BatchState:
    """The dashboard's view of payouts: the last batch and how many await approval."""

    key: str
    status: object
    to_approve: int


def batches_seen(user: User) -> list[PayoutBatch]:
    """Return the batches the user may see, the newest first."""
    return list(
        db.session.scalars(
            sa.select(PayoutBatch)
            .where(reach.seen_by(user))
            .order_by(PayoutBatch.built_at.desc(), PayoutBatch.id.desc())
        )
    )


def awaiting_approval(user: User) -> int:
    """Count the submitted batches the user's area holds wholly: those they may approve."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PayoutBatch)
        .where(PayoutBatch.status == PayoutBatchStatus.SUBMITTED, reach.within(user))
    )


def batch_state(user: User) -> BatchState:
    """Return the last batch the user sees, and the number of batches awaiting their approval."""
    last = db.session.scalar(
        sa.select(PayoutBatch).where(reach.seen_by(user)).order_by(PayoutBatch.id.desc()).limit(1)
    )
    if last is None:
        return BatchState("", "", 0)
    return BatchState(last.key, last.status, awaiting_approval(user))
