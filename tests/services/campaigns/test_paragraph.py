"""The campaign paragraph reproduces the programme's own wording, from data."""

from datetime import date

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import CampaignBeneficiary, CampaignGift
from sponsorship.models.enums import (
    BeneficiaryGroup,
    CampaignKind,
    DonationMethod,
    HandoutStatus,
    Hardship,
    Role,
)
from sponsorship.services.campaigns import fund, gift_batches
from sponsorship.services.campaigns.beneficiaries import ChildFilter, add_children
from sponsorship.services.campaigns.paragraph import campaigns_in_period, paragraph
from sponsorship.services.reports.measures import Period
from tests.factories import id_number, make_child, make_user, make_village
from tests.services.campaigns.helpers import make_campaign

DAY = date(2026, 1, 20)


def _adult(campaign, group, amount_fen, status=HandoutStatus.SIGNED):
    person = CampaignBeneficiary(
        campaign_id=campaign.id,
        name="妇女",
        id_number=id_number(date(1960, 1, 1)),
        group=group,
        amount_fen=amount_fen,
        status=status,
    )
    db.session.add(person)
    return person


def test_the_55_people_16500_yuan_relief_reproduces_the_report_exactly():
    campaign = make_campaign("春节送温暖")
    # 55 women of four special groups, 300 yuan each: 16,500 yuan (C2 records the signatures;
    # here their statuses are set directly).
    plan = [
        (BeneficiaryGroup.RED_BANNER, 5),
        (BeneficiaryGroup.POOR_SINGLE_MOTHER, 30),
        (BeneficiaryGroup.OLD_WOMEN_CADRE, 10),
        (BeneficiaryGroup.ORPHAN, 10),
    ]
    for group, people in plan:
        for i in range(people):
            status = HandoutStatus.PAID if i % 2 else HandoutStatus.SIGNED
            _adult(campaign, group, 30_000, status)
    # Not counted: one who did not sign, one still waiting, one whose bank payment failed.
    _adult(campaign, BeneficiaryGroup.PATIENT, 30_000, HandoutStatus.NOT_SIGNED)
    _adult(campaign, BeneficiaryGroup.OTHER, 30_000, HandoutStatus.PENDING)
    _adult(campaign, BeneficiaryGroup.PATIENT, 30_000, HandoutStatus.FAILED)
    db.session.flush()
    assert paragraph(campaign) == (
        "发放慰问金16500元，慰问单亲特困母亲、孤儿、基层老妇干、困难三八红旗手等特殊群体55人"
    )


def test_gifts_in_kind_are_added_to_the_money():
    campaign = make_campaign()
    _adult(campaign, BeneficiaryGroup.PATIENT, 200_000)
    db.session.add(
        CampaignGift(
            campaign_id=campaign.id, description="米油", count=10, value_fen=150_050, given_on=DAY
        )
    )
    db.session.flush()
    assert paragraph(campaign) == (
        "发放慰问金2000元及价值1500.50元的慰问品，慰问困难患病妇女等特殊群体1人"
    )


def test_a_childrens_handout_names_orphans_disabled_and_poor_children():
    campaign = make_campaign("六一慰问")
    village = make_village()
    make_child(village, hardships=[Hardship.ORPHAN])
    make_child(village, hardships=[Hardship.DISABLED, Hardship.LEFT_BEHIND])
    make_child(village, hardships=[Hardship.LOW_INCOME])
    added, skipped = add_children(campaign, ChildFilter(), by=make_user(Role.ADMIN))
    assert (added, skipped) == (3, 0)
    db.session.execute(
        sa.update(CampaignBeneficiary)
        .where(CampaignBeneficiary.campaign_id == campaign.id)
        .values(status=HandoutStatus.SIGNED, amount_fen=10_000)
    )
    assert paragraph(campaign) == "走访慰问孤儿、残疾、贫困儿童3人，发放慰问金300元"


def test_only_poor_children_are_called_poor():
    campaign = make_campaign("六一慰问")
    make_child(make_village(), hardships=[Hardship.LEFT_BEHIND])
    add_children(campaign, ChildFilter(), by=make_user(Role.ADMIN))
    db.session.execute(
        sa.update(CampaignBeneficiary).values(status=HandoutStatus.PAID, amount_fen=20_000)
    )
    assert paragraph(campaign) == "走访慰问贫困儿童1人，发放慰问金200元"


def _drive(total_gifts):
    campaign = make_campaign("姐妹情深10元捐", kind=CampaignKind.DRIVE)
    by = make_user(Role.FINANCE)
    batch = gift_batches.open_gift_batch(
        campaign, "十元捐", len(total_gifts), sum(total_gifts), by=by
    )
    lines = [gift_batches.GiftLine(f"单位{i}", fen, i + 2) for i, fen in enumerate(total_gifts)]
    gift_batches.record_gift_lines(batch, lines, received_on=DAY, method=DonationMethod.BANK, by=by)
    return campaign, by


def test_the_79161_yuan_drive_handed_on_in_full_reproduces_the_report_exactly():
    # 79,161 yuan in many small gifts: 200 sisters giving 10 yuan, 100 units 700 yuan each,
    # and the federation's own staff 7,161 yuan.
    gifts = [1_000] * 200 + [70_000] * 100 + [716_100]
    assert sum(gifts) == 7_916_100
    campaign, by = _drive(gifts)
    fund.hand_over(
        campaign, receiving_body="县慈善总会", amount_fen=7_916_100, handed_on=DAY, by=by
    )
    assert paragraph(campaign) == "共募捐善款79161元，已全额上缴县慈善总会"


def test_a_drive_handed_on_in_part_says_what_is_left():
    campaign, by = _drive([5_000, 5_000, 2_050])
    fund.hand_over(campaign, receiving_body="县慈善总会", amount_fen=10_000, handed_on=DAY, by=by)
    assert paragraph(campaign) == "共募捐善款120.50元，已上缴县慈善总会100元，结余20.50元"


def test_the_statistics_list_the_periods_campaigns_in_the_users_area():
    campaign = make_campaign("春节送温暖")
    _adult(campaign, BeneficiaryGroup.ORPHAN, 50_000)
    db.session.flush()
    lines = campaigns_in_period(Period(date(2026, 1, 1), date(2026, 6, 30)), make_user(Role.VIEWER))
    assert [(line.campaign.name, line.paragraph) for line in lines] == [
        ("春节送温暖", "发放慰问金500元，慰问孤儿等特殊群体1人")
    ]
    later = campaigns_in_period(Period(date(2025, 7, 1), date(2025, 12, 31)), make_user())
    assert later == []


def test_orphans_alone_are_not_called_orphan_children():
    campaign = make_campaign("六一慰问")
    village = make_village()
    make_child(village, hardships=[Hardship.ORPHAN])
    make_child(village, hardships=[Hardship.ORPHAN, Hardship.LOW_INCOME])
    add_children(campaign, ChildFilter(), by=make_user(Role.ADMIN))
    db.session.execute(
        sa.update(CampaignBeneficiary).values(status=HandoutStatus.SIGNED, amount_fen=15_000)
    )
    assert paragraph(campaign) == "走访慰问孤儿2人，发放慰问金300元"
