"""A caring parent's own money first: a short payout takes her unused credit (预存款) before
staff are offered the general fund."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AccountBalance, Pairing, Payout, PayoutBatch, User
from sponsorship.models.enums import Account, PayoutDecision, PayoutStatus
from sponsorship.services.money.credit import cover_pairing_from_credit
from sponsorship.services.payouts.once_a_year import is_paying_elsewhere


def cover_from_own_credit(
    payout_ids: Iterable[int] | None = None,
    *,
    batch: PayoutBatch | None = None,
    by: User | None = None,
) -> int:
    """Fund short payouts (given, or of a draft batch) from their caring parents' credit.

    A payout made whole this way is included, unless it is held for another reason (no bank
    account) or the child is paid elsewhere this year. Return the fen moved.
    """
    stmt = (
        sa.select(Payout)
        .join(Pairing, Pairing.id == Payout.pairing_id)
        .join(
            AccountBalance,
            sa.and_(
                AccountBalance.sponsor_id == Pairing.sponsor_id,
                AccountBalance.account == Account.SPONSOR_CREDIT.value,
            ),
        )
        .where(
            Payout.shortfall_fen > 0,
            Payout.general_fund_cover.is_(False),
            Payout.status == PayoutStatus.PROPOSED,
            Payout.decision != PayoutDecision.EXCLUDED,
            AccountBalance.balance_fen < 0,
        )
        .order_by(Payout.id)
    )
    if batch is not None:
        stmt = stmt.where(Payout.batch_id == batch.id)
    if payout_ids is not None:
        stmt = stmt.where(Payout.id.in_(list(payout_ids)))
    moved_total = 0
    for payout in db.session.scalars(stmt).all():
        moved = cover_pairing_from_credit(payout.pairing, payout.shortfall_fen, by=by)
        if not moved:
            continue
        moved_total += moved
        payout.funded_fen += moved
        payout.shortfall_fen -= moved
        payout.flagged = payout.shortfall_fen > 0
        if (
            not payout.shortfall_fen
            and payout.bank_account
            and payout.decision == PayoutDecision.HELD
            and not is_paying_elsewhere(payout.child_id, payout.school_year, but=payout.id)
        ):
            payout.decision = PayoutDecision.INCLUDED
        db.session.flush()
    return moved_total
