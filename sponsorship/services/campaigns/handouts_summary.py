"""A campaign's handouts at a glance: how many people, how much, handed out how far."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Campaign, CampaignBeneficiary, PayoutBatch, User
from sponsorship.models.enums import HandoutMethod, HandoutStatus
from sponsorship.services.campaigns.beneficiaries import HANDED_OUT
from sponsorship.services.campaigns.gifts_in_kind import GiftTotals, gift_totals
from sponsorship.services.campaigns.handouts import people
from sponsorship.services.payouts.campaign_payouts import held

#: Handed out: paid by the bank, or signed for in cash (as the report's paragraph counts).
HANDED = HANDED_OUT


@dataclass(frozen=True)
class Summary:
    """The figures of the handouts page and of the campaign page's handouts panel."""

    people: int
    planned_fen: int
    handed: int
    handed_fen: int
    by_status: dict
    bank_waiting: int
    cash_to_sign: int
    fund_fen: int
    gifts: GiftTotals

    @property
    def still_to_hand_fen(self) -> int:
        """What is set for people not handed anything yet (fen)."""
        return self.planned_fen - self.handed_fen


def summary(campaign: Campaign, user: User | None = None) -> Summary:
    """Add up the campaign's handouts (the people in the user's area, if given)."""
    listed = people(campaign, user).order_by(None).subquery()
    rows = db.session.execute(
        sa.select(
            listed.c.status,
            listed.c.method,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(listed.c.amount_fen), 0),
        ).group_by(listed.c.status, listed.c.method)
    ).all()
    by_status: dict = {}
    total = planned = handed = handed_fen = bank_waiting = cash_to_sign = 0
    for status, method, n, fen in rows:
        status, method, fen = HandoutStatus(status), HandoutMethod(method), int(fen)
        by_status[status] = by_status.get(status, 0) + n
        total += n
        planned += fen
        if status in HANDED:
            handed, handed_fen = handed + n, handed_fen + fen
        elif method == HandoutMethod.BANK and status in (
            HandoutStatus.PENDING,
            HandoutStatus.FAILED,
        ):
            bank_waiting += n
        elif method == HandoutMethod.CASH and status in (
            HandoutStatus.PENDING,
            HandoutStatus.NOT_SIGNED,
        ):
            cash_to_sign += n
    return Summary(
        people=total,
        planned_fen=planned,
        handed=handed,
        handed_fen=handed_fen,
        by_status=by_status,
        bank_waiting=bank_waiting,
        cash_to_sign=cash_to_sign,
        fund_fen=held(campaign.id),
        gifts=gift_totals(campaign),
    )


def bank_batches(campaign: Campaign) -> list[PayoutBatch]:
    """Return the campaign's bank handout batches, newest first."""
    return list(
        db.session.scalars(
            sa.select(PayoutBatch)
            .where(PayoutBatch.campaign_id == campaign.id)
            .order_by(PayoutBatch.id.desc())
        )
    )


def beneficiary_ids(campaign: Campaign) -> sa.Select:
    """Select the ids of the campaign's beneficiaries (for a lookup by id within it)."""
    return sa.select(CampaignBeneficiary.id).where(CampaignBeneficiary.campaign_id == campaign.id)
