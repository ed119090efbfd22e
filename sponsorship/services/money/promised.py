"""Money promised to the bank: what approved or exported batches will still take from a fund.

Once finance has approved a batch (and the bank file may have gone out), its waiting payouts
will be paid from their funds whatever else happens; a fund's money is only free for anything
else — a hand-over, a cash handout, a grant, a reversal — once those promises are set aside.
Otherwise the bank pays and the ledger cannot record it (the fund would be overdrawn).
"""

from __future__ import annotations

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch
from sponsorship.models.enums import Account, PayoutBatchStatus, PayoutDecision, PayoutStatus
from sponsorship.services.money import ledger

#: Batches whose waiting payouts are promised to the bank.
PROMISING = (PayoutBatchStatus.APPROVED, PayoutBatchStatus.EXPORTED)


def _promised(amount, *conditions) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(amount), 0))
            .select_from(Payout)
            .join(PayoutBatch, PayoutBatch.id == Payout.batch_id)
            .where(
                PayoutBatch.status.in_(PROMISING),
                Payout.decision == PayoutDecision.INCLUDED,
                Payout.status == PayoutStatus.PROPOSED,
                *conditions,
            )
        )
    )


def promised_from_campaign(campaign_id: int) -> int:
    """Return what the campaign's approved bank batches will still take from its fund."""
    return _promised(Payout.amount_fen, PayoutBatch.campaign_id == campaign_id)


def promised_from_general() -> int:
    """Return the shortfalls the general fund covers in approved batches, still to be paid."""
    return _promised(Payout.shortfall_fen, Payout.general_fund_cover.is_(True))


def campaign_free(campaign_id: int) -> int:
    """Return the campaign's money not promised to the bank: what may be spent otherwise."""
    held = -ledger.balance(Account.CAMPAIGN, campaign_id=campaign_id)
    return held - promised_from_campaign(campaign_id)


def general_free() -> int:
    """Return the general fund's money not promised to the bank."""
    return -ledger.balance(Account.GENERAL) - promised_from_general()
