"""Campaigns at a glance: each with its fund balance and its people, for lists and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Campaign, User
from sponsorship.models.enums import CampaignStatus
from sponsorship.services.campaigns import fund
from sponsorship.services.campaigns.beneficiaries import Summary, summary
from sponsorship.services.campaigns.campaigns import in_reach_stmt


@dataclass(frozen=True)
class CampaignLine:
    """One campaign's line: the campaign, the money its fund holds, and its people."""

    campaign: Campaign
    held_fen: int
    people: Summary


def lines(user: User, *, open_only: bool = False, limit: int = 200) -> list[CampaignLine]:
    """Return the campaigns in the user's area (open ones first), with fund and people."""
    stmt = in_reach_stmt(user)
    if open_only:
        stmt = stmt.where(Campaign.status == CampaignStatus.OPEN)
    campaigns = db.session.scalars(stmt.limit(limit)).all()
    return [CampaignLine(c, fund.held(c), summary(c)) for c in campaigns]


def open_count(user: User) -> int:
    """Count the open campaigns in the user's area."""
    stmt = in_reach_stmt(user).where(Campaign.status == CampaignStatus.OPEN).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
