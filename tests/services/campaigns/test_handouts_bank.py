"""A campaign's bank handout through the September batch's machinery: build, maker-checker,
bank file, paid from the campaign's fund (not a pairing's), failed, cancelled, left out."""

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import LedgerEntry, LedgerTransaction, Letter, Payout, PayoutBatch
from sponsorship.models.enums import (
    Account,
    HandoutMethod,
    HandoutStatus,
    PayoutBatchStatus,
    PayoutDecision,
    Role,
    TransactionKind,
)
from sponsorship.services.campaigns.handouts_bank import build_bank_batch
from sponsorship.services.money import ledger_check
from sponsorship.services.payouts import bank_file, bulk, review
from sponsorship.services.payouts.payments import mark_failed, pay_chunk
from tests import factories
from tests.conftest import count
from tests.services.campaigns.handout_data import (
    fund_campaign,
    held,
    make_adult,
    make_campaign,
    make_child_beneficiary,
)

PAID_ON = date(2027, 1, 25)
GIVEN = date(2026, 11, 1)


def bank_people(campaign, n=3, amount=30000):
    people = [make_adult(campaign, bank=True, amount_fen=amount) for _ in range(n)]
    return people


def approved(batch, staff=None):
    staff = staff or factories.make_user(Role.STAFF)
    finance = factories.make_user(Role.FINANCE)
    review.submit(batch, by=staff)
    review.approve(batch, by=finance)
    return finance


def test_the_batch_holds_one_payout_per_bank_beneficiary_with_their_details():
    town = factories.make_town()
    village = factories.make_village(town)
    campaign = make_campaign()
    adult = make_adult(campaign, bank=True, amount_fen=30000, region=village)
    child = make_child_beneficiary(
        campaign,
        bank_name="农行",
        bank_account="6228480000000000001",
        amount_fen=20000,
        method=HandoutMethod.BANK,
    )
    nowhere = make_adult(campaign, bank=True, amount_fen=30000, region=None)
    cash = make_adult(campaign, amount_fen=30000)
    staff = factories.make_user(Role.STAFF)
    batch = build_bank_batch(campaign, by=staff)
    assert batch.campaign_id == campaign.id and not batch.periodic
    assert batch.status == PayoutBatchStatus.DRAFT and batch.key.startswith("2027-C")
    payouts = {p.beneficiary_id: p for p in db.session.scalars(sa.select(Payout))}
    assert set(payouts) == {adult.id, child.id, nowhere.id}
    paid_adult = payouts[adult.id]
    assert paid_adult.child_id is None and paid_adult.pairing_id is None
    assert paid_adult.aid_group is None and paid_adult.school_year == 2027
    assert (paid_adult.region_id, paid_adult.town_id) == (village.id, town.id)
    assert paid_adult.guardian_name == adult.name
    assert (paid_adult.bank_name, paid_adult.bank_account) == (adult.bank_name, adult.bank_account)
    assert paid_adult.funded_fen == paid_adult.amount_fen == 30000 and paid_adult.shortfall_fen == 0
    assert payouts[child.id].guardian_name == child.payee_name
    assert (payouts[nowhere.id].region_id, payouts[nowhere.id].town_id) == (
        campaign.region_id,
        None,
    )
    assert {adult.status, child.status, nowhere.status} == {HandoutStatus.IN_BATCH}
    assert cash.status == HandoutStatus.PENDING
    with pytest.raises(DomainError):
        build_bank_batch(campaign, by=staff)  # nobody waits any more


def test_the_build_refuses_people_without_an_amount():
    campaign = make_campaign()
    make_adult(campaign, bank=True)
    with pytest.raises(DomainError):
        build_bank_batch(campaign)
    assert count(Payout) == 0


def test_approval_needs_a_second_person_and_the_campaigns_money():
    campaign = make_campaign()
    bank_people(campaign, 2)
    staff, finance = factories.make_user(Role.STAFF), factories.make_user(Role.FINANCE)
    batch = build_bank_batch(campaign, by=staff)
    review.submit(batch, by=staff)
    with pytest.raises(DomainError) as short:
        review.approve(batch, by=finance)
    assert "¥600.00" in render(short.value, "en") and "¥0.00" in render(short.value, "en")
    fund_campaign(campaign, 60000)
    with pytest.raises(DomainError):
        review.approve(batch, by=factories.make_user(Role.STAFF))
    review.approve(batch, by=finance)
    assert batch.status == PayoutBatchStatus.APPROVED


def test_paying_posts_campaign_to_payouts_marks_people_paid_and_sends_no_letters():
    campaign = make_campaign(name="春节送温暖")
    people = bank_people(campaign, 3)
    fund_campaign(campaign, 100000)
    batch = build_bank_batch(campaign)
    finance = approved(batch)
    data, _name = bank_file.export(batch, "csv", by=finance)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    assert sorted(row[1] for row in rows) == sorted(p.name for p in people)
    assert {row[5] for row in rows} == {"春节送温暖慰问金"}
    assert {row[3] for row in rows} == {p.bank_account for p in people}
    letters_before = count(Letter)
    assert pay_chunk(batch, paid_on=PAID_ON, by=finance) == 3
    assert count(Letter) == letters_before
    assert held(campaign) == 10000
    for payout in db.session.scalars(sa.select(Payout)):
        txn = db.session.get(LedgerTransaction, payout.transaction_id)
        assert txn.kind == TransactionKind.PAYOUT
        legs = sorted((e.account, e.amount_fen, e.campaign_id) for e in txn.entries)
        assert legs == sorted(
            [(Account.CAMPAIGN, 30000, campaign.id), (Account.PAYOUTS, -30000, campaign.id)]
        )
    assert {p.status for p in people} == {HandoutStatus.PAID}
    assert batch.status == PayoutBatchStatus.CLOSED
    assert ledger_check.verify() == []


def test_paying_refuses_when_the_fund_was_spent_since_approval():
    campaign = make_campaign()
    bank_people(campaign, 2)
    fund_campaign(campaign, 60000)
    batch = build_bank_batch(campaign)
    finance = approved(batch)
    bank_file.export(batch, "csv", by=finance)
    # The fund is spent elsewhere meanwhile (a cash handout, a hand-over).
    from sponsorship.services.money import ledger
    from sponsorship.services.money.ledger import Leg

    ledger.post(
        TransactionKind.HANDOUT,
        [Leg(Account.CAMPAIGN, 30000, campaign_id=campaign.id), Leg(Account.PAYOUTS, -30000)],
    )
    with pytest.raises(DomainError) as short:
        pay_chunk(batch, paid_on=PAID_ON, by=finance)
    assert "¥300.00" in render(short.value, "en")


def test_a_failed_payout_fails_its_person_who_a_later_batch_pays_again():
    campaign = make_campaign()
    first, second = bank_people(campaign, 2)
    fund_campaign(campaign, 60000)
    batch = build_bank_batch(campaign)
    finance = approved(batch)
    bank_file.export(batch, "csv", by=finance)
    failing = db.session.scalar(sa.select(Payout).where(Payout.beneficiary_id == first.id))
    mark_failed(failing, "账户已销户", by=finance)
    assert first.status == HandoutStatus.FAILED and first.status_note == "账户已销户"
    pay_chunk(batch, paid_on=PAID_ON, by=finance)
    assert second.status == HandoutStatus.PAID and held(campaign) == 30000
    again = build_bank_batch(campaign)
    assert (
        db.session.scalar(sa.select(Payout.beneficiary_id).where(Payout.batch_id == again.id))
        == first.id
    )
    assert again.key != batch.key
    finance = approved(again)
    bank_file.export(again, "csv", by=finance)
    pay_chunk(again, paid_on=PAID_ON, by=finance)
    assert first.status == HandoutStatus.PAID and held(campaign) == 0
    assert ledger_check.verify() == []


def test_cancelling_the_batch_gives_the_people_back():
    campaign = make_campaign()
    people = bank_people(campaign, 2)
    batch = build_bank_batch(campaign)
    staff = factories.make_user(Role.STAFF)
    review.cancel(batch, "金额有误", by=staff)
    assert {p.status for p in people} == {HandoutStatus.PENDING}
    assert build_bank_batch(campaign).status == PayoutBatchStatus.DRAFT


def test_a_payout_left_out_gives_its_person_back_and_can_come_back_in():
    campaign = make_campaign()
    first, second = bank_people(campaign, 2)
    batch = build_bank_batch(campaign)
    staff = factories.make_user(Role.STAFF)
    payout = db.session.scalar(sa.select(Payout).where(Payout.beneficiary_id == first.id))
    review.exclude(payout, "本人已领现金", by=staff)
    assert first.status == HandoutStatus.PENDING
    decided = bulk.decide(batch, bulk.INCLUDE, by=staff, ids=[payout.id])
    assert decided.changed == 1 and payout.decision == PayoutDecision.INCLUDED
    assert first.status == HandoutStatus.IN_BATCH and second.status == HandoutStatus.IN_BATCH


def test_a_child_cannot_be_added_by_hand_to_a_campaign_batch():
    campaign = make_campaign()
    bank_people(campaign, 1)
    batch = build_bank_batch(campaign)
    with pytest.raises(DomainError):
        review.add_child(batch, factories.make_child(), amount_fen=100)


def test_a_town_user_builds_only_the_towns_campaign_batch_and_may_take_its_steps():
    from sponsorship.services.payouts.reach import batch_within

    town = factories.make_town()
    town_user = factories.make_user(Role.STAFF, scope=town)
    county_campaign = make_campaign()
    bank_people(county_campaign, 1)
    with pytest.raises(DomainError):
        build_bank_batch(county_campaign, by=town_user)
    own = make_campaign(region=town)
    make_adult(own, bank=True, amount_fen=100, region=factories.make_village(town))
    batch = build_bank_batch(own, by=town_user)
    assert batch_within(batch, town_user)
    assert not batch_within(build_bank_batch(county_campaign), town_user)


def test_ledger_legs_of_handouts_carry_the_campaign():
    campaign = make_campaign()
    bank_people(campaign, 1)
    fund_campaign(campaign, 30000)
    batch = build_bank_batch(campaign)
    finance = approved(batch)
    bank_file.export(batch, "xlsx", by=finance)
    pay_chunk(batch, paid_on=PAID_ON, by=finance)
    payouts_leg = db.session.scalar(
        sa.select(LedgerEntry).where(
            LedgerEntry.account == Account.PAYOUTS, LedgerEntry.campaign_id == campaign.id
        )
    )
    assert payouts_leg.amount_fen == -30000 and payouts_leg.pairing_id is None


def test_the_banks_result_file_pays_and_fails_campaign_payouts():
    from sponsorship.services.payouts.results import apply_result

    campaign = make_campaign()
    paid, returned = bank_people(campaign, 2)
    fund_campaign(campaign, 60000)
    batch = build_bank_batch(campaign)
    finance = approved(batch)
    bank_file.export(batch, "csv", by=finance)
    refs = {
        p.beneficiary_id: p.reference
        for p in db.session.scalars(sa.select(Payout).where(Payout.batch_id == batch.id))
    }
    text = f"参考号,结果,失败原因\n{refs[paid.id]},成功,\n{refs[returned.id]},失败,户名不符\n"
    applied = apply_result(batch, text, by=finance)
    assert applied.failed == 1 and len(applied.to_pay) == 1
    assert returned.status == HandoutStatus.FAILED and returned.status_note == "户名不符"
    pay_chunk(batch, paid_on=PAID_ON, only=list(applied.to_pay), by=finance)
    assert paid.status == HandoutStatus.PAID and held(campaign) == 30000
    assert batch.status == PayoutBatchStatus.CLOSED
    assert ledger_check.verify() == []


def test_leaving_a_payout_out_twice_never_puts_its_person_in_two_batches():
    """A stale page's second 'exclude' must not hand back someone another batch now pays."""
    campaign = make_campaign()
    (person,) = bank_people(campaign, 1)
    first = build_bank_batch(campaign)
    staff = factories.make_user(Role.STAFF)
    payout = db.session.scalar(sa.select(Payout).where(Payout.batch_id == first.id))
    review.exclude(payout, "改下一批", by=staff)
    second = build_bank_batch(campaign)
    assert person.status == HandoutStatus.IN_BATCH
    review.exclude(payout, "改下一批", by=staff)  # the same press again, from a stale tab
    assert person.status == HandoutStatus.IN_BATCH
    with pytest.raises(DomainError):
        build_bank_batch(campaign)  # nobody is waiting: no third batch
    live = db.session.scalars(
        sa.select(Payout.batch_id).where(
            Payout.beneficiary_id == person.id, Payout.decision == PayoutDecision.INCLUDED
        )
    ).all()
    assert live == [second.id]


def _one_handout_and_its_row():
    """A bank batch of one person, and its payout's columns to insert again by raw SQL."""
    campaign = make_campaign()
    (person,) = bank_people(campaign, 1)
    batch = build_bank_batch(campaign)
    payout = db.session.scalar(sa.select(Payout).where(Payout.batch_id == batch.id))
    columns = {
        c.name: getattr(payout, c.name)
        for c in Payout.__table__.columns
        if c.name not in ("id", "transaction_id")
    }
    return person, batch, columns


def test_the_database_refuses_a_second_live_handout_for_one_person():
    person, batch, columns = _one_handout_and_its_row()
    other = PayoutBatch(key="2027-C-raw", cutoff_on=batch.cutoff_on, periodic=False)
    db.session.add(other)
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError, match="beneficiary"), db.session.begin_nested():
        db.session.execute(sa.insert(Payout.__table__).values(**{**columns, "batch_id": other.id}))
    assert count(Payout) == 1 and person.status == HandoutStatus.IN_BATCH


def test_the_database_refuses_one_person_twice_in_a_batch_even_left_out():
    _, _, columns = _one_handout_and_its_row()
    # Excluded: not a live handout, so only the batch-and-person index can refuse it.
    row = {**columns, "decision": PayoutDecision.EXCLUDED.value}
    with pytest.raises(sa.exc.IntegrityError, match="beneficiary"), db.session.begin_nested():
        db.session.execute(sa.insert(Payout.__table__).values(**row))
    assert count(Payout) == 1


def test_money_an_approved_bank_batch_needs_is_kept_from_hand_overs_cash_and_reversals():
    """Once the batch is approved the bank will pay it: the fund's rest is all that is free."""
    from sponsorship.services.campaigns import fund
    from sponsorship.services.campaigns.handouts_cash import record_signed
    from sponsorship.services.money import promised

    campaign = make_campaign()
    bank_people(campaign, 2, amount=30000)
    cash = make_adult(campaign, amount_fen=20000)
    fund_campaign(campaign, 70000)
    batch = build_bank_batch(campaign)
    finance = approved(batch)
    assert promised.campaign_free(campaign.id) == 10000
    with pytest.raises(DomainError):
        fund.hand_over(
            campaign, receiving_body="县慈善总会", amount_fen=20000, handed_on=GIVEN, by=finance
        )
    with pytest.raises(DomainError):
        record_signed(campaign, [cash.id], PAID_ON, by=finance)
    assert cash.status == HandoutStatus.PENDING and held(campaign) == 70000
    bank_file.export(batch, "csv", by=finance)
    assert pay_chunk(batch, paid_on=PAID_ON, by=finance) == 2
    assert held(campaign) == 10000 and ledger_check.verify() == []
    fund.hand_over(
        campaign, receiving_body="县慈善总会", amount_fen=10000, handed_on=GIVEN, by=finance
    )
    assert held(campaign) == 0
