"""Campaign verbs: create, edit, close, and finding one within a user's reach."""

from datetime import date

import pytest

from sponsorship.errors import DomainError, NotFoundError
from sponsorship.models.enums import CampaignKind, CampaignStatus, Role
from sponsorship.services.campaigns import campaigns
from tests.factories import county, make_town, make_user
from tests.services.campaigns.helpers import make_campaign


def test_a_town_user_creates_only_in_her_town_and_reaches_only_its_campaigns():
    ours, theirs = make_town(), make_town()
    clerk = make_user(Role.STAFF, scope=ours)
    assert [r.id for r in campaigns.owner_regions(clerk)] == [ours.id]
    with pytest.raises(DomainError):
        campaigns.create_campaign(
            name="县级活动",
            kind=CampaignKind.RELIEF,
            starts_on=date(2026, 1, 1),
            region=county(),
            by=clerk,
        )
    mine = campaigns.create_campaign(
        name="镇级活动",
        kind=CampaignKind.RELIEF,
        starts_on=date(2026, 1, 1),
        region=ours,
        by=clerk,
    )
    other = make_campaign("外镇活动", region=theirs)
    county_campaign = make_campaign("县级慰问")
    assert campaigns.get_in_reach(mine.id, clerk) is mine
    for hidden in (other, county_campaign):
        with pytest.raises(NotFoundError):
            campaigns.get_in_reach(hidden.id, clerk)
    with pytest.raises(NotFoundError):
        campaigns.get_in_reach(999_999, clerk)
    county_staff = make_user(Role.STAFF, scope=county())
    for campaign in (mine, other, county_campaign):
        assert campaigns.get_in_reach(campaign.id, county_staff) is campaign


def test_names_are_unique_per_owner_and_dates_in_order():
    town = make_town()
    make_campaign("春节送温暖")
    make_campaign("春节送温暖", region=town)  # another owner may use the name
    with pytest.raises(DomainError, match="同名"):
        make_campaign("春节送温暖")
    with pytest.raises(DomainError, match="结束日期"):
        campaigns.create_campaign(
            name="六一",
            kind=CampaignKind.RELIEF,
            starts_on=date(2026, 6, 1),
            ends_on=date(2026, 5, 1),
            region=county(),
            by=make_user(Role.ADMIN),
        )


def test_a_closed_campaign_cannot_be_edited_or_closed_again():
    campaign = make_campaign()
    by = make_user(Role.ADMIN)
    campaigns.edit_campaign(
        campaign, name="春节慰问", kind=CampaignKind.BOTH, starts_on=date(2026, 1, 15), by=by
    )
    assert (campaign.name, campaign.kind) == ("春节慰问", CampaignKind.BOTH)
    campaigns.close_campaign(campaign, by=by)
    assert campaign.status == CampaignStatus.CLOSED and campaign.closed_by is by
    with pytest.raises(DomainError, match="已结束"):
        campaigns.close_campaign(campaign, by=by)
    with pytest.raises(DomainError, match="已结束"):
        campaigns.edit_campaign(
            campaign, name="x", kind=CampaignKind.BOTH, starts_on=date(2026, 1, 15), by=by
        )
