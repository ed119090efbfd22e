"""A caring parent's own credit covers her child's short payout before the general fund does."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Allocation, Instalment, Payout, Pledge
from sponsorship.models.enums import (
    Account,
    InstalmentStatus,
    PayoutDecision,
    Role,
    TransactionKind,
)
from sponsorship.services.money import ledger, ledger_check
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch, open_adhoc_batch
from sponsorship.services.payouts.payments import pay_chunk
from tests.factories import (
    fund_general,
    make_donation,
    make_paid_pairing,
    make_pairing,
    make_pledge,
    make_sponsor,
    make_user,
)

CUTOFF = date(2026, 11, 30)


def short_pairing(paid_fen: int):
    """The issue's case: ¥1,200 a year pledged in November, so the first year asks ¥1,000 pro
    rata; she pays `paid_fen` and what is beyond ¥1,000 waits as her credit. The payout is the
    pledge, ¥1,200: the pairing's fund is ¥200 short."""
    sponsor = make_sponsor(pledge_per_child_fen=120_000)
    pairing = make_pairing(sponsor=sponsor)
    make_pledge(pairing, confirmed_at=datetime(2026, 11, 10, 2, tzinfo=UTC))
    make_donation(sponsor, paid_fen, received_on=date(2026, 11, 20))
    assert ledger.held_for_pairing(pairing.id) == 100_000
    assert ledger.sponsor_credit(sponsor.id) == paid_fen - 100_000
    return pairing


def pay(batch):
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    pay_chunk(batch, paid_on=CUTOFF, by=finance)


def test_her_credit_makes_the_payout_whole_and_the_general_fund_is_not_touched():
    pairing = short_pairing(120_000)
    fund_general(500_000)
    batch = build_batch("2026-09", CUTOFF)
    payout = db.session.scalar(sa.select(Payout).where(Payout.batch_id == batch.id))
    assert (payout.funded_fen, payout.shortfall_fen) == (120_000, 0)
    assert payout.decision == PayoutDecision.INCLUDED and not payout.flagged
    assert ledger.sponsor_credit(pairing.sponsor_id) == 0
    assert ledger.held_for_pairing(pairing.id) == 120_000
    pay(batch)
    assert ledger.held_for_pairing(pairing.id) == 0
    assert -ledger.balance(Account.GENERAL) == 500_000  # the general fund paid nothing
    assert -ledger.balance(Account.PAYOUTS) == 120_000
    assert ledger_check.verify() == []


def test_what_her_credit_cannot_cover_is_left_for_the_general_fund():
    pairing = short_pairing(105_000)
    fund_general(500_000)
    batch = build_batch("2026-09", CUTOFF)
    payout = db.session.scalar(sa.select(Payout).where(Payout.batch_id == batch.id))
    assert (payout.funded_fen, payout.shortfall_fen) == (105_000, 15_000)
    assert payout.decision == PayoutDecision.HELD
    batches.include(payout, general_fund=True)
    pay(batch)
    assert -ledger.balance(Account.GENERAL) == 500_000 - 15_000
    assert ledger.sponsor_credit(pairing.sponsor_id) == 0
    assert ledger_check.verify() == []


def test_credit_that_arrives_after_the_build_is_used_when_staff_include():
    pairing = short_pairing(100_000)
    fund_general(500_000)
    batch = build_batch("2026-09", CUTOFF)
    payout = db.session.scalar(sa.select(Payout).where(Payout.batch_id == batch.id))
    assert payout.shortfall_fen == 20_000
    make_donation(pairing.sponsor, 20_000, received_on=date(2026, 9, 2))
    batches.include(payout, general_fund=True)
    assert (payout.shortfall_fen, payout.general_fund_cover) == (0, False)
    pay(batch)
    assert -ledger.balance(Account.GENERAL) == 500_000
    assert ledger_check.verify() == []


def test_credit_pays_the_pairings_open_instalment_first_so_her_statement_shows_it_paid():
    pairing = make_paid_pairing(60_000)  # ¥400 of the ¥1,000 instalment still owed
    sponsor = pairing.sponsor
    other = make_paid_pairing()
    make_donation(other.sponsor, 30_000, received_on=date(2026, 8, 25))
    # Credit beside an open instalment (as when a pledge is raised after a surplus was kept).
    ledger.post(
        TransactionKind.DONATION,
        [
            ledger.Leg(Account.BANK, 40_000, sponsor_id=sponsor.id),
            ledger.Leg(Account.SPONSOR_CREDIT, -40_000, sponsor_id=sponsor.id),
        ],
    )
    batch = open_adhoc_batch("补发-1", cutoff=date(2026, 9, 1))
    payout = batches.add_child(batch, pairing.child)
    assert payout.shortfall_fen == 0 and payout.decision == PayoutDecision.INCLUDED
    instalment = db.session.scalar(
        sa.select(Instalment).join(Pledge).where(Pledge.pairing_id == pairing.id)
    )
    assert instalment.paid_fen == instalment.amount_fen == 100_000
    assert instalment.status == InstalmentStatus.PAID
    (from_credit,) = db.session.scalars(
        sa.select(Allocation).where(
            Allocation.instalment_id == instalment.id, Allocation.from_credit
        )
    )
    assert from_credit.amount_fen == 40_000
    assert ledger.sponsor_credit(other.sponsor_id) == 30_000  # nobody else's credit moves
    assert ledger_check.verify() == []
