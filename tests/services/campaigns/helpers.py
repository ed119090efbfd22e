"""Campaign fixtures for the tests: a campaign in the county or a town."""

from datetime import date

from sponsorship.models import Campaign, Region, User
from sponsorship.models.enums import CampaignKind, Role
from sponsorship.services.campaigns.campaigns import create_campaign
from tests.factories import county, make_user


def make_campaign(
    name: str = "春节送温暖",
    *,
    kind: CampaignKind = CampaignKind.RELIEF,
    region: Region | None = None,
    by: User | None = None,
) -> Campaign:
    """Create a campaign through the service (audited like a clerk's)."""
    return create_campaign(
        name=name,
        kind=kind,
        starts_on=date(2026, 1, 10),
        region=region or county(),
        by=by or make_user(Role.ADMIN),
    )
