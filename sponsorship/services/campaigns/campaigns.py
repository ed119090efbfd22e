"""Create, edit, close and find campaigns, within the user's area.

A campaign belongs to the county or to one town. A town's users see and act on their own
town's campaigns only; users responsible for the whole county see every campaign.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError, NotFoundError
from sponsorship.extensions import db
from sponsorship.models import Campaign, Region, User
from sponsorship.models.enums import CampaignKind, CampaignStatus, RegionLevel
from sponsorship.services.core import audit
from sponsorship.services.core.scope import in_scope

NOT_FOUND = _l("No such campaign in your area.")


def get_in_reach(campaign_id: int, user: User) -> Campaign:
    """Return the campaign if it lies in the user's area, else raise NotFoundError."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not user.can_see(campaign.region):
        raise NotFoundError(NOT_FOUND)
    return campaign


def in_reach_stmt(user: User) -> sa.Select:
    """Select the campaigns in the user's area: open ones first, newest first."""
    stmt = sa.select(Campaign).order_by(
        sa.case((Campaign.status == CampaignStatus.OPEN, 0), else_=1),
        Campaign.starts_on.desc(),
        Campaign.id.desc(),
    )
    return in_scope(stmt, Campaign.region_id, user)


def owner_regions(user: User) -> list[Region]:
    """Return the regions the user may own a campaign in: the county and towns in the area."""
    stmt = (
        sa.select(Region)
        .where(Region.level.in_([RegionLevel.COUNTY, RegionLevel.TOWN]))
        .order_by(Region.level, Region.code)
    )
    return [r for r in db.session.scalars(stmt) if user.can_see(r)]


def _check(name: str, starts_on: date, ends_on: date | None, region: Region, user: User) -> str:
    name = name.strip()
    if not name:
        raise DomainError(_l("A campaign needs a name."))
    if len(name) > 100:
        raise DomainError(_l("The name is too long (at most 100 characters)."))
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_l("The campaign cannot end before it starts."))
    if region.level not in (RegionLevel.COUNTY, RegionLevel.TOWN):
        raise DomainError(_l("A campaign belongs to the county or to one town."))
    if not user.can_see(region):
        raise DomainError(_l("You can only create campaigns for your own area."))
    return name


def _ensure_unique(name: str, region: Region, campaign: Campaign | None = None) -> None:
    stmt = sa.select(Campaign.id).where(Campaign.region_id == region.id, Campaign.name == name)
    if campaign is not None:
        stmt = stmt.where(Campaign.id != campaign.id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(_l("This area already has a campaign of that name."))


def create_campaign(
    *,
    name: str,
    kind: CampaignKind,
    starts_on: date,
    region: Region,
    by: User,
    ends_on: date | None = None,
    description: str = "",
) -> Campaign:
    """Open a campaign for the county or a town in the user's area."""
    name = _check(name, starts_on, ends_on, region, by)
    _ensure_unique(name, region)
    campaign = Campaign(
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        region=region,
        description=description.strip(),
        created_by=by,
    )
    db.session.add(campaign)
    db.session.flush()
    audit.record("campaign.created", campaign, detail=f"{name} {kind} region={region.id}", user=by)
    return campaign


def edit_campaign(
    campaign: Campaign,
    *,
    name: str,
    kind: CampaignKind,
    starts_on: date,
    by: User,
    ends_on: date | None = None,
    description: str = "",
) -> Campaign:
    """Change a campaign's name, kind, dates or description (not its owner region)."""
    ensure_open(campaign)
    name = _check(name, starts_on, ends_on, campaign.region, by)
    _ensure_unique(name, campaign.region, campaign)
    campaign.name = name
    campaign.kind = kind
    campaign.starts_on = starts_on
    campaign.ends_on = ends_on
    campaign.description = description.strip()
    db.session.flush()
    audit.record("campaign.edited", campaign, detail=f"{name} {kind}", user=by)
    return campaign


def close_campaign(campaign: Campaign, *, by: User) -> Campaign:
    """Close a campaign: nothing more is added to it; its figures stay for the report."""
    ensure_open(campaign)
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = utcnow()
    campaign.closed_by = by
    db.session.flush()
    audit.record("campaign.closed", campaign, detail=campaign.name, user=by)
    return campaign


def ensure_open(campaign: Campaign) -> None:
    """Refuse changes to a closed campaign."""
    if not campaign.is_open:
        raise DomainError(_l("This campaign is closed; nothing more can be added or changed."))
