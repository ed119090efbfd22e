"""A campaign's fund: gifts earmarked to it, grants from the general fund, hand-overs.

Legs (see the schema contract): gift BANK/CASH +a, CAMPAIGN(c) -a; grant GENERAL +a,
CAMPAIGN(c) -a; hand-over CAMPAIGN(c) +a, HANDED_ON -a. A campaign's balance is negative
while it holds money, like every fund. Everything here flushes and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm
from flask_babel import lazy_gettext as _l

from sponsorship.clock import today
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import (
    Campaign,
    CampaignHandOver,
    Donation,
    DonationBatch,
    LedgerEntry,
    LedgerTransaction,
    Sponsor,
    User,
)
from sponsorship.models.enums import Account, DonationMethod, TransactionKind
from sponsorship.money import check_amount, format_fen
from sponsorship.services.campaigns.campaigns import ensure_open
from sponsorship.services.core import audit
from sponsorship.services.money import ledger, promised
from sponsorship.services.money.donations import record_donation, reverse_donation
from sponsorship.services.money.ledger import Leg

#: Transaction kinds that bring money into a campaign's fund, and those that take it out.
GIFT_KINDS = (TransactionKind.DONATION, TransactionKind.REVERSAL)
OUT_KINDS = (TransactionKind.PAYOUT, TransactionKind.HANDOUT)


@dataclass(frozen=True)
class FundFigures:
    """A campaign's money: raised (gifts, net of reversals), granted, paid out, handed on, held.

    raised + granted = held + paid out + handed on, because every transaction sums to zero.
    """

    raised_fen: int
    granted_fen: int
    paid_out_fen: int
    handed_on_fen: int
    held_fen: int

    @property
    def balanced(self) -> bool:
        """Whether money in equals money held and gone."""
        return self.raised_fen + self.granted_fen == (
            self.held_fen + self.paid_out_fen + self.handed_on_fen
        )


def held(campaign: Campaign) -> int:
    """Return the money the campaign's fund holds, as a positive amount."""
    return -ledger.balance(Account.CAMPAIGN, campaign_id=campaign.id)


def figures(campaign: Campaign) -> FundFigures:
    """Add up the campaign's legs by the kind of their transaction (one grouped query).

    A reversal counts with what it reverses: a gift's reversal nets the gifts, an undone cash
    handout's reversal nets the handouts.
    """
    reversed_txn = sa.orm.aliased(LedgerTransaction)
    kind = sa.func.coalesce(reversed_txn.kind, LedgerTransaction.kind)
    rows = db.session.execute(
        sa.select(kind, sa.func.sum(LedgerEntry.amount_fen))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .outerjoin(reversed_txn, reversed_txn.id == LedgerTransaction.reverses_id)
        .where(LedgerEntry.account == Account.CAMPAIGN, LedgerEntry.campaign_id == campaign.id)
        .group_by(kind)
    ).all()
    by_kind = {TransactionKind(kind): int(total or 0) for kind, total in rows}
    return FundFigures(
        raised_fen=-sum(by_kind.get(k, 0) for k in GIFT_KINDS),
        granted_fen=-by_kind.get(TransactionKind.CAMPAIGN_GRANT, 0),
        paid_out_fen=sum(by_kind.get(k, 0) for k in OUT_KINDS),
        handed_on_fen=by_kind.get(TransactionKind.HAND_OVER, 0),
        held_fen=held(campaign),
    )


def record_gift(
    campaign: Campaign,
    *,
    amount_fen: int,
    received_on: date,
    method: DonationMethod,
    by: User,
    sponsor: Sponsor | None = None,
    donor_name: str = "",
    bank_reference: str = "",
    note: str = "",
    batch: DonationBatch | None = None,
) -> Donation:
    """Record a gift to the campaign: from a caring parent, a named donor, or anonymous."""
    ensure_open(campaign)
    return record_donation(
        sponsor=sponsor,
        amount_fen=amount_fen,
        received_on=received_on,
        method=method,
        bank_reference=bank_reference,
        campaign=campaign.name,
        donor_name=donor_name,
        note=note,
        batch=batch,
        by=by,
        for_campaign=campaign,
    )


def reverse_gift(donation: Donation, reason: str, *, by: User) -> LedgerTransaction:
    """Reverse a mistaken gift to a campaign through the donations' reversal path (which
    refuses once the campaign's fund no longer holds the money)."""
    if donation.campaign_id is None:
        raise DomainError(_l("This donation was not a gift to a campaign."))
    return reverse_donation(donation, reason, by=by)


def grant_from_general(
    campaign: Campaign, amount_fen: int, *, by: User, memo: str = ""
) -> LedgerTransaction:
    """Move money from the general fund to the campaign's fund."""
    ensure_open(campaign)
    check_amount(amount_fen)
    available = promised.general_free()
    if amount_fen > available:
        raise DomainError(
            _l(
                "The general fund holds only %(held)s: it cannot grant %(amount)s.",
                held=format_fen(available),
                amount=format_fen(amount_fen),
            )
        )
    txn = ledger.post(
        TransactionKind.CAMPAIGN_GRANT,
        [
            Leg(Account.GENERAL, amount_fen, campaign_id=campaign.id),
            Leg(Account.CAMPAIGN, -amount_fen, campaign_id=campaign.id),
        ],
        memo=(memo.strip() or campaign.name)[:255],
        by=by,
    )
    audit.record(
        "campaign.granted", campaign, detail=f"amount_fen={amount_fen} txn={txn.id}", user=by
    )
    return txn


def hand_over(
    campaign: Campaign,
    *,
    receiving_body: str,
    amount_fen: int,
    handed_on: date,
    by: User,
    reference: str = "",
    note: str = "",
) -> CampaignHandOver:
    """Hand the campaign's money on to another body (上缴县慈善总会): its own ledger movement."""
    check_amount(amount_fen)
    body = receiving_body.strip()
    if not body:
        raise DomainError(_l("Name the body that receives the money."))
    if len(body) > 100 or len(reference.strip()) > 100:
        raise DomainError(_l("The receiving body and the reference are at most 100 characters."))
    if handed_on > today():
        raise DomainError(_l("The date handed on cannot be in the future."))
    available = promised.campaign_free(campaign.id)
    if amount_fen > available:
        raise DomainError(
            _l(
                "The campaign's fund has only %(held)s free (money for approved bank batches "
                "is kept for them): it cannot hand on %(amount)s.",
                held=format_fen(available),
                amount=format_fen(amount_fen),
            )
        )
    txn = ledger.post(
        TransactionKind.HAND_OVER,
        [
            Leg(Account.CAMPAIGN, amount_fen, campaign_id=campaign.id),
            Leg(Account.HANDED_ON, -amount_fen, campaign_id=campaign.id),
        ],
        memo=f"{body} {reference.strip()}".strip()[:255],
        by=by,
    )
    row = CampaignHandOver(
        campaign_id=campaign.id,
        receiving_body=body,
        reference=reference.strip(),
        amount_fen=amount_fen,
        handed_on=handed_on,
        transaction_id=txn.id,
        note=note.strip(),
        recorded_by=by,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "campaign.handed_over",
        campaign,
        detail=f"amount_fen={amount_fen} body={body} ref={reference.strip()}",
        user=by,
    )
    return row


def gifts(campaign: Campaign, limit: int = 200) -> list[Donation]:
    """Return the campaign's gifts, newest first."""
    return list(
        db.session.scalars(
            sa.select(Donation)
            .where(Donation.campaign_id == campaign.id)
            .order_by(Donation.received_on.desc(), Donation.id.desc())
            .limit(limit)
        )
    )


def grants(campaign: Campaign) -> list[tuple[LedgerTransaction, int]]:
    """Return the grants from the general fund to the campaign, with their amounts."""
    rows = db.session.execute(
        sa.select(LedgerTransaction, -LedgerEntry.amount_fen)
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(
            LedgerTransaction.kind == TransactionKind.CAMPAIGN_GRANT,
            LedgerEntry.account == Account.CAMPAIGN,
            LedgerEntry.campaign_id == campaign.id,
        )
        .order_by(LedgerTransaction.id)
    ).all()
    return [(txn, int(amount)) for txn, amount in rows]


def hand_overs(campaign: Campaign) -> list[CampaignHandOver]:
    """Return the campaign's hand-overs, oldest first."""
    return list(
        db.session.scalars(
            sa.select(CampaignHandOver)
            .where(CampaignHandOver.campaign_id == campaign.id)
            .order_by(CampaignHandOver.handed_on, CampaignHandOver.id)
        )
    )


def gift_batches(campaign: Campaign) -> list[DonationBatch]:
    """Return the campaign's batches of small gifts, newest first."""
    return list(
        db.session.scalars(
            sa.select(DonationBatch)
            .where(DonationBatch.campaign_id == campaign.id)
            .order_by(DonationBatch.created_at.desc(), DonationBatch.id.desc())
        )
    )
