"""Apply the bank's result file to a batch, as often as it is uploaded: each line takes once.

An upload cut short (a timeout, a closed tab) leaves part of the file applied. Uploading the
same file again applies the rest: a line whose payout is already paid or failed is reported and
skipped (its bank reference and reason stay as first recorded), the others are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch, User
from sponsorship.models.enums import PayoutDecision, PayoutStatus
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts.payments import mark_failed


@dataclass
class Applied:
    """What one upload of a result file did."""

    #: Payouts failed by this upload, and payouts to pay now with their bank references.
    failed: int = 0
    to_pay: dict[int, str] = field(default_factory=dict)
    #: Lines whose payout was already paid or failed (by an earlier upload or by hand).
    skipped: int = 0


def apply_result(batch: PayoutBatch, text: str, *, by: User | None = None) -> Applied:
    """Record the file's failures now and return the payouts still to pay; skip what is done."""
    outcome = bank_file.parse_result(batch, text)
    listed = set(outcome.failed) | set(outcome.paid)
    states = dict(
        db.session.execute(
            sa.select(Payout.id, Payout.status).where(
                Payout.batch_id == batch.id,
                Payout.decision == PayoutDecision.INCLUDED,
                Payout.id.in_(listed),
            )
        )
        .tuples()
        .all()
    )
    applied = Applied()
    for payout_id, reason in sorted(outcome.failed.items()):
        if states.get(payout_id) != PayoutStatus.PROPOSED:
            applied.skipped += payout_id in states
            continue
        mark_failed(db.session.get(Payout, payout_id), reason, by=by)
        applied.failed += 1
    for payout_id, reference in sorted(outcome.paid.items()):
        if states.get(payout_id) != PayoutStatus.PROPOSED:
            applied.skipped += payout_id in states
            continue
        applied.to_pay[payout_id] = reference
    return applied
