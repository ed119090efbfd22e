"""Gifts in kind (慰问品): a count of one thing and its total value, to a person or the campaign.

They are recorded beside the money, not in the ledger: the federation hands on goods it was
given or bought, and the report counts them ("慰问品 200 份，价值 8000 元").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Campaign, CampaignBeneficiary, CampaignGift, User
from sponsorship.money import MAX_FEN
from sponsorship.services.campaigns.handouts import ensure_may_hand_out
from sponsorship.services.core import audit

DESCRIPTION_MAX = 100
COUNT_MAX = 1_000_000


def record_gift(
    campaign: Campaign,
    *,
    description: str,
    count: int,
    value_fen: int,
    given_on: date,
    beneficiary: CampaignBeneficiary | None = None,
    by: User | None = None,
) -> CampaignGift:
    """Record gifts in kind given for the campaign, or to one of its beneficiaries."""
    ensure_may_hand_out(campaign, by)
    description = description.strip()
    if not description:
        raise DomainError(_l("Say what was given."))
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_l("Describe the gift in at most 100 characters."))
    if not 0 < count <= COUNT_MAX:
        raise DomainError(_l("The count must be a whole number more than zero."))
    if not 0 <= value_fen <= MAX_FEN:
        raise DomainError(_l("The value must be zero or more."))
    if beneficiary is not None and beneficiary.campaign_id != campaign.id:
        raise DomainError(_l("That person is not on this campaign's list."))
    gift = CampaignGift(
        campaign_id=campaign.id,
        beneficiary_id=beneficiary.id if beneficiary else None,
        description=description,
        count=count,
        value_fen=value_fen,
        given_on=given_on,
        recorded_by=by,
    )
    db.session.add(gift)
    db.session.flush()
    audit.record(
        "campaign.gift_recorded",
        campaign,
        detail=f"count={count} value_fen={value_fen} {description}",
        user=by,
    )
    return gift


@dataclass(frozen=True)
class GiftTotals:
    """How many things were given in all, and their value (fen)."""

    count: int
    value_fen: int


def gifts(campaign: Campaign) -> list[CampaignGift]:
    """Return the campaign's gifts in kind, newest first."""
    return list(
        db.session.scalars(
            sa.select(CampaignGift)
            .where(CampaignGift.campaign_id == campaign.id)
            .order_by(CampaignGift.given_on.desc(), CampaignGift.id.desc())
        )
    )


def gift_totals(campaign: Campaign) -> GiftTotals:
    """Add up the campaign's gifts in kind: count and value."""
    count, value = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(CampaignGift.count), 0),
            sa.func.coalesce(sa.func.sum(CampaignGift.value_fen), 0),
        ).where(CampaignGift.campaign_id == campaign.id)
    ).one()
    return GiftTotals(int(count), int(value))
