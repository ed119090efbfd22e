"""Campaigns and beneficiaries for the handout tests, and money in their funds."""

from __future__ import annotations

from datetime import date

from sponsorship.extensions import db
from sponsorship.models import Campaign, CampaignBeneficiary, Region
from sponsorship.models.enums import (
    Account,
    BeneficiaryGroup,
    CampaignKind,
    HandoutMethod,
    TransactionKind,
)
from sponsorship.services.money import ledger
from sponsorship.services.money.ledger import Leg
from tests import factories

_counter = iter(range(1, 10**9))


def make_campaign(region: Region | None = None, **fields) -> Campaign:
    """Make an open relief campaign of the county (or of `region`)."""
    values = dict(
        name=f"春节送温暖{next(_counter)}",
        kind=CampaignKind.RELIEF,
        starts_on=date(2027, 1, 20),
        region=region or factories.county(),
    )
    values.update(fields)
    campaign = Campaign(**values)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def make_adult(
    campaign: Campaign,
    *,
    bank: bool = False,
    group: BeneficiaryGroup = BeneficiaryGroup.POOR_SINGLE_MOTHER,
    **fields,
) -> CampaignBeneficiary:
    """Put an adult (with a valid resident ID) on the campaign's list."""
    n = next(_counter)
    number = factories.id_number(date(1970 + n % 20, 1, 1))
    values = dict(
        campaign=campaign,
        name=f"李秀{n}",
        id_number=number,
        id_tail=number[-4:],
        group=group,
        payee_name="",
        region=campaign.region,
    )
    if bank:
        values.update(
            bank_name="惠东农商银行",
            bank_account=f"62290000{n:010d}",
            method=HandoutMethod.BANK,
        )
    values.update(fields)
    person = CampaignBeneficiary(**values)
    db.session.add(person)
    db.session.flush()
    return person


def make_child_beneficiary(campaign: Campaign, child=None, **fields) -> CampaignBeneficiary:
    """Put a child of the register on the campaign's list; the guardian is the payee."""
    child = child or factories.make_child(id_number=factories.id_number())
    values = dict(
        campaign=campaign,
        child_id=child.id,
        name=child.name,
        group=BeneficiaryGroup.CHILD,
        payee_name=child.guardian.name,
        region_id=child.region_id,
    )
    values.update(fields)
    person = CampaignBeneficiary(**values)
    db.session.add(person)
    db.session.flush()
    return person


def fund_campaign(campaign: Campaign, amount_fen: int) -> None:
    """Put money in the campaign's fund: a gift to the general fund, granted on."""
    factories.fund_general(amount_fen)
    ledger.post(
        TransactionKind.CAMPAIGN_GRANT,
        [
            Leg(Account.GENERAL, amount_fen),
            Leg(Account.CAMPAIGN, -amount_fen, campaign_id=campaign.id),
        ],
        memo=f"grant to campaign {campaign.id}",
    )


def held(campaign: Campaign) -> int:
    """Return what the campaign's fund holds (positive)."""
    return -ledger.balance(Account.CAMPAIGN, campaign_id=campaign.id)
