"""Setting a campaign's handouts: amounts (one for all, by group), method, scope, closed."""

from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import AuditEvent
from sponsorship.models.enums import (
    BeneficiaryGroup,
    CampaignStatus,
    HandoutMethod,
    HandoutStatus,
    Role,
)
from sponsorship.services.campaigns import handouts
from sponsorship.services.campaigns.handouts_amounts import AmountRule
from sponsorship.services.campaigns.handouts_summary import summary
from tests import factories
from tests.services.campaigns.handout_data import make_adult, make_campaign, make_child_beneficiary


def test_one_amount_for_all_reaches_everyone_waiting_and_no_one_handed_out():
    campaign = make_campaign()
    waiting = [make_adult(campaign) for _ in range(3)]
    signed = make_adult(campaign, status=HandoutStatus.SIGNED, amount_fen=10000)
    in_batch = make_adult(campaign, status=HandoutStatus.IN_BATCH, amount_fen=10000)
    staff = factories.make_user(Role.STAFF)
    assert handouts.set_amounts(campaign, AmountRule(one_fen=30000), by=staff) == 3
    assert [p.amount_fen for p in waiting] == [30000] * 3
    assert signed.amount_fen == in_batch.amount_fen == 10000
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "campaign.amounts_set")
    )
    assert "count=3 total_fen=90000" in event.detail and event.user_id == staff.id


def test_the_spring_festival_list_of_55_totals_16500_yuan():
    campaign = make_campaign()
    groups = [BeneficiaryGroup.POOR_SINGLE_MOTHER] * 20 + [BeneficiaryGroup.ORPHAN] * 15
    groups += [BeneficiaryGroup.OLD_WOMEN_CADRE] * 10 + [BeneficiaryGroup.RED_BANNER] * 10
    for group in groups:
        make_adult(campaign, group=group)
    handouts.set_amounts(campaign, AmountRule(one_fen=30000))
    figures = summary(campaign)
    assert (figures.people, figures.planned_fen) == (55, 1650000)


def test_amounts_by_group_and_a_group_left_without_one_is_named():
    campaign = make_campaign()
    mother = make_adult(campaign, group=BeneficiaryGroup.POOR_SINGLE_MOTHER)
    child = make_child_beneficiary(campaign)
    rule = AmountRule(by_group={"poor_single_mother": 50000})
    with pytest.raises(DomainError) as refused:
        handouts.set_amounts(campaign, rule)
    assert "困境儿童" in render(refused.value, "zh")
    assert mother.amount_fen == child.amount_fen == 0
    handouts.set_amounts(
        campaign, AmountRule(by_group={"poor_single_mother": 50000, "child": 20000})
    )
    assert (mother.amount_fen, child.amount_fen) == (50000, 20000)


def test_bank_needs_bank_details_and_the_default_follows_them():
    campaign = make_campaign()
    with_bank = make_adult(campaign, bank=True, method=HandoutMethod.CASH)
    without = make_adult(campaign)
    with pytest.raises(DomainError):
        handouts.set_method(campaign, HandoutMethod.BANK, ids=[without.id])
    assert without.method == HandoutMethod.CASH
    assert handouts.default_methods(campaign) == (1, 1)
    assert (with_bank.method, without.method) == (HandoutMethod.BANK, HandoutMethod.CASH)
    handouts.set_method(campaign, HandoutMethod.CASH, ids=[with_bank.id])
    assert with_bank.method == HandoutMethod.CASH


def test_a_town_user_works_only_on_the_towns_campaign_and_sees_only_its_people():
    town, other = factories.make_town(), factories.make_town()
    town_user = factories.make_user(Role.STAFF, scope=town)
    county_campaign = make_campaign()
    make_adult(county_campaign)
    with pytest.raises(DomainError):
        handouts.set_amounts(county_campaign, AmountRule(one_fen=100), by=town_user)
    assert list(db.session.scalars(handouts.people(county_campaign, town_user))) == []
    own = make_campaign(region=town)
    mine = make_adult(own, region=factories.make_village(town))
    make_adult(own, region=factories.make_village(other))  # listed by mistake elsewhere
    assert list(db.session.scalars(handouts.people(own, town_user))) == [mine]
    assert handouts.set_amounts(own, AmountRule(one_fen=100), by=town_user) == 1


def test_a_closed_campaign_changes_no_more():
    campaign = make_campaign(status=CampaignStatus.CLOSED, ends_on=date(2027, 2, 1))
    make_adult(campaign)
    with pytest.raises(DomainError):
        handouts.set_amounts(campaign, AmountRule(one_fen=100))
