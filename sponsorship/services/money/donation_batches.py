"""Batch entry of a bank statement's lines, checked against its expected count and total."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Campaign, DonationBatch, StatementLine, User
from sponsorship.models.enums import DonationBatchStatus
from sponsorship.services.core import audit


@dataclass(frozen=True)
class BatchTally:
    """The count and total of a batch's live lines, and whether each matches the statement."""

    count: int
    total_fen: int
    count_matches: bool
    total_matches: bool

    @property
    def matches(self) -> bool:
        """Return True when both the count and the total match the statement."""
        return self.count_matches and self.total_matches


def open_batch(
    title: str,
    expected_count: int,
    expected_total_fen: int,
    *,
    by: User | None = None,
    campaign: Campaign | None = None,
) -> DonationBatch:
    """Open a batch for one bank statement, or for a campaign's many small gifts."""
    if not title.strip():
        raise DomainError(_l("A title is required."))
    if expected_count < 0 or expected_total_fen < 0:
        raise DomainError(_l("The count and total cannot be negative."))
    batch = DonationBatch(
        title=title.strip(),
        expected_count=expected_count,
        expected_total_fen=expected_total_fen,
        created_by=by,
        campaign_id=campaign.id if campaign else None,
    )
    db.session.add(batch)
    db.session.flush()
    audit.record("batch.opened", batch, detail=batch.title, user=by)
    return batch


def tally(batch: DonationBatch) -> BatchTally:
    """Count and total the batch's live (not reversed) lines against what was expected."""
    live = [d for d in batch.donations if not d.reversed]
    total = sum(d.amount_fen for d in live)
    return BatchTally(
        count=len(live),
        total_fen=total,
        count_matches=len(live) == batch.expected_count,
        total_matches=total == batch.expected_total_fen,
    )


def close_batch(batch: DonationBatch, *, by: User | None = None) -> BatchTally:
    """Close the batch, flagging it when its lines do not match the statement."""
    if batch.status != DonationBatchStatus.OPEN:
        raise DomainError(_l("This batch is already closed."))
    waiting = sa.select(StatementLine.id).where(
        StatementLine.batch_id == batch.id, StatementLine.donation_id.is_(None)
    )
    if db.session.scalar(waiting.limit(1)) is not None:
        # Closing now would freeze a statement half recorded.
        raise DomainError(
            _l("A statement is still being imported into this batch; wait for it to finish.")
        )
    result = tally(batch)
    batch.status = DonationBatchStatus.CLOSED
    batch.mismatch = not result.matches
    batch.closed_at = utcnow()
    db.session.flush()
    audit.record(
        "batch.closed",
        batch,
        detail=f"count={result.count}/{batch.expected_count} "
        f"total_fen={result.total_fen}/{batch.expected_total_fen}",
        user=by,
    )
    return result
