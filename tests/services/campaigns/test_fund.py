"""A campaign's fund: gifts, batches of small gifts, grants, hand-overs, and the ledger check."""

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import AccountBalance, AuditEvent, CampaignHandOver, LedgerEntry
from sponsorship.models.enums import Account, CampaignKind, DonationMethod, RemainderTo, Role
from sponsorship.services.campaigns import fund, gift_batches
from sponsorship.services.money import donation_batches, ledger, ledger_check
from tests.conftest import count
from tests.factories import fund_general, make_donation, make_sponsor, make_user
from tests.services.campaigns.helpers import make_campaign

DAY = date(2026, 3, 8)


def _gift(campaign, amount_fen, **kw):
    return fund.record_gift(
        campaign,
        amount_fen=amount_fen,
        received_on=DAY,
        method=kw.pop("method", DonationMethod.BANK),
        by=kw.pop("by", None) or make_user(Role.FINANCE),
        **kw,
    )


def test_gifts_from_a_parent_a_named_donor_and_anonymous_all_go_to_the_campaign():
    campaign = make_campaign("姐妹情深10元捐", kind=CampaignKind.DRIVE)
    sponsor = make_sponsor()
    a = _gift(campaign, 1_000, sponsor=sponsor)
    b = _gift(campaign, 2_000, donor_name="县妇联机关")
    c = _gift(campaign, 500, method=DonationMethod.CASH)
    assert {d.remainder_to for d in (a, b, c)} == {RemainderTo.CAMPAIGN}
    assert {d.campaign_id for d in (a, b, c)} == {campaign.id}
    assert a.receipt_no != b.receipt_no != c.receipt_no
    assert fund.held(campaign) == 3_500
    assert ledger.sponsor_credit(sponsor.id) == 0  # nothing went to her credit
    assert fund.figures(campaign).raised_fen == 3_500
    assert ledger_check.verify() == []


def test_a_gift_marked_for_a_campaign_without_naming_it_is_refused():
    with pytest.raises(DomainError):
        make_donation(None, 100, remainder_to=RemainderTo.CAMPAIGN)


def test_a_mistaken_gift_is_reversed_through_the_reversal_path():
    campaign = make_campaign()
    gift = _gift(campaign, 5_000)
    fund.reverse_gift(gift, "录错金额", by=make_user(Role.FINANCE))
    assert gift.reversed
    assert fund.held(campaign) == 0
    assert fund.figures(campaign).raised_fen == 0
    assert ledger_check.verify() == []


def test_a_gift_already_handed_on_cannot_be_reversed():
    campaign = make_campaign()
    gift = _gift(campaign, 5_000)
    fund.hand_over(
        campaign, receiving_body="县慈善总会", amount_fen=5_000, handed_on=DAY, by=make_user()
    )
    with pytest.raises(DomainError, match="不能冲正"):
        fund.reverse_gift(gift, "录错", by=make_user(Role.FINANCE))
    assert not gift.reversed


def test_a_grant_from_the_general_fund_moves_money_to_the_campaign():
    fund_general(10_000)
    campaign = make_campaign()
    fund.grant_from_general(campaign, 4_000, by=make_user(Role.FINANCE))
    assert fund.held(campaign) == 4_000
    assert -ledger.balance(Account.GENERAL) == 6_000
    assert fund.figures(campaign).granted_fen == 4_000
    assert [amount for _txn, amount in fund.grants(campaign)] == [4_000]
    assert ledger_check.verify() == []


def test_a_grant_larger_than_the_general_fund_is_refused():
    fund_general(1_000)
    campaign = make_campaign()
    with pytest.raises(DomainError, match="非定向资金仅结余"):
        fund.grant_from_general(campaign, 1_001, by=make_user(Role.FINANCE))
    assert fund.held(campaign) == 0


def test_hand_over_more_than_the_fund_holds_is_refused():
    campaign = make_campaign()
    _gift(campaign, 1_000)
    with pytest.raises(DomainError, match="活动资金可用余额仅"):
        fund.hand_over(
            campaign, receiving_body="县慈善总会", amount_fen=1_001, handed_on=DAY, by=make_user()
        )
    assert count(CampaignHandOver) == 0


@pytest.mark.parametrize("amount", [0, -1, 100_000_000_000])
def test_grants_and_hand_overs_of_no_money_or_too_much_are_refused(amount):
    fund_general(10_000)
    campaign = make_campaign()
    _gift(campaign, 1_000)
    with pytest.raises(DomainError):
        fund.grant_from_general(campaign, amount, by=make_user(Role.FINANCE))
    with pytest.raises(DomainError):
        fund.hand_over(
            campaign, receiving_body="县慈善总会", amount_fen=amount, handed_on=DAY, by=make_user()
        )
    assert fund.held(campaign) == 1_000 and count(CampaignHandOver) == 0


def test_a_batch_of_small_gifts_tallies_against_its_count_and_total():
    campaign = make_campaign(kind=CampaignKind.DRIVE)
    by = make_user(Role.FINANCE)
    batch = gift_batches.open_gift_batch(campaign, "机关单位捐款", 3, 3_000, by=by)
    gift_batches.record_gift_lines(
        batch,
        [gift_batches.GiftLine("县妇联", 1_000, 2), gift_batches.GiftLine("县教育局", 1_000, 3)],
        received_on=DAY,
        method=DonationMethod.BANK,
        by=by,
    )
    tally = donation_batches.tally(batch)
    assert (tally.count, tally.total_fen, tally.matches) == (2, 2_000, False)
    gift_batches.record_gift_lines(
        batch,
        [gift_batches.GiftLine("陈某", 1_000, 4)],
        received_on=DAY,
        method=DonationMethod.CASH,
        by=by,
    )
    assert donation_batches.tally(batch).matches
    assert fund.held(campaign) == 3_000


def test_a_batch_line_without_a_donor_refuses_the_whole_batch():
    campaign = make_campaign(kind=CampaignKind.DRIVE)
    by = make_user(Role.FINANCE)
    batch = gift_batches.open_gift_batch(campaign, "机关", 2, 2_000, by=by)
    with pytest.raises(DomainError, match="第3行"):
        gift_batches.record_gift_lines(
            batch,
            [gift_batches.GiftLine("县妇联", 1_000, 2), gift_batches.GiftLine("  ", 1_000, 3)],
            received_on=DAY,
            method=DonationMethod.BANK,
            by=by,
        )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(amounts=st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=40))
def test_a_drive_of_many_small_gifts_handed_on_in_full_leaves_the_fund_at_zero(amounts):
    with db.session.begin_nested() as nested:
        campaign = make_campaign(f"十元捐{len(amounts)}-{sum(amounts)}", kind=CampaignKind.DRIVE)
        by = make_user(Role.FINANCE)
        batch = gift_batches.open_gift_batch(campaign, "十元捐", len(amounts), sum(amounts), by=by)
        lines = [gift_batches.GiftLine(f"捐款人{i}", fen, i) for i, fen in enumerate(amounts)]
        gift_batches.record_gift_lines(
            batch, lines, received_on=DAY, method=DonationMethod.CASH, by=by
        )
        assert donation_batches.tally(batch).matches
        fund.hand_over(
            campaign,
            receiving_body="县慈善总会",
            reference="慈收2026-01",
            amount_fen=sum(amounts),
            handed_on=DAY,
            by=by,
        )
        figures = fund.figures(campaign)
        assert figures.held_fen == 0
        assert figures.raised_fen == figures.handed_on_fen == sum(amounts)
        assert figures.balanced
        assert ledger_check.verify() == []
        nested.rollback()


def test_verify_reports_a_broken_campaign_balance():
    campaign = make_campaign()
    _gift(campaign, 1_000)
    db.session.execute(
        sa.update(AccountBalance.__table__)
        .where(AccountBalance.__table__.c.key == f"campaign:{campaign.id}")
        .values(balance_fen=-900)
    )
    problems = ledger_check.verify()
    assert f"balance campaign:{campaign.id}: stored -900, legs sum to -1000" in problems


def test_verify_reports_a_hand_over_whose_record_does_not_match_its_transaction():
    campaign = make_campaign()
    _gift(campaign, 1_000)
    row = fund.hand_over(
        campaign, receiving_body="县慈善总会", amount_fen=600, handed_on=DAY, by=make_user()
    )
    db.session.execute(
        sa.update(CampaignHandOver.__table__)
        .where(CampaignHandOver.__table__.c.id == row.id)
        .values(amount_fen=700)
    )
    assert any(p.startswith(f"hand-over {row.id}:") for p in ledger_check.verify())


def test_money_moves_are_audited_and_legs_carry_the_campaign():
    fund_general(5_000)
    campaign = make_campaign()
    fund.grant_from_general(campaign, 2_000, by=make_user(Role.FINANCE))
    fund.hand_over(
        campaign, receiving_body="县慈善总会", amount_fen=2_000, handed_on=DAY, by=make_user()
    )
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"campaign.created", "campaign.granted", "campaign.handed_over"} <= actions
    legs = db.session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.account == Account.CAMPAIGN)
    ).all()
    assert {leg.campaign_id for leg in legs} == {campaign.id}


def test_the_federations_books_reconcile_with_campaign_funds_and_hand_overs():
    """raised = paid out + held (campaign funds too) + refunded + handed on."""
    from sponsorship.services.money import statements

    fund_general(10_000)
    campaign = make_campaign(kind=CampaignKind.BOTH)
    fund.grant_from_general(campaign, 4_000, by=make_user(Role.FINANCE))
    _gift(campaign, 3_000)
    fund.hand_over(
        campaign, receiving_body="县慈善总会", amount_fen=2_500, handed_on=DAY, by=make_user()
    )
    totals = statements.programme_totals()
    assert (totals.raised_fen, totals.campaign_funds_fen, totals.handed_on_fen) == (
        13_000,
        4_500,
        2_500,
    )
    assert totals.general_fund_fen == 6_000 and totals.held_fen == 10_500
    assert totals.reconciles and ledger_check.verify() == []
