"""Donations: allocation order, over- and under-payment, receipts, reversal, the ledger."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, LedgerEntry, LedgerTransaction, Letter
from sponsorship.models.enums import (
    Account,
    DonationMethod,
    InstalmentStatus,
    LetterKind,
    PaymentFrequency,
    RemainderTo,
    TransactionKind,
)
from sponsorship.money import MAX_FEN, format_fen, parse_yuan
from sponsorship.services.money import donation_batches, ledger, ledger_check, pledges, statements
from sponsorship.services.money.donations import reverse_donation
from tests.conftest import count
from tests.factories import make_donation, make_pairing, make_pledge, make_sponsor


def balances() -> dict[str, int]:
    from sponsorship.models import AccountBalance

    return dict(db.session.execute(sa.select(AccountBalance.key, AccountBalance.balance_fen)).all())


def test_donation_pays_the_oldest_instalments_first_across_pairings():
    sponsor = make_sponsor(payment_frequency=PaymentFrequency.SEMESTER, capacity=2)
    older = make_pledge(make_pairing(sponsor=sponsor))
    newer = make_pledge(
        make_pairing(sponsor=sponsor), confirmed_at=datetime(2026, 12, 1, tzinfo=UTC)
    )
    donation = make_donation(sponsor, 80_000)
    paid = [(a.instalment.pledge_id, a.instalment.seq, a.amount_fen) for a in donation.allocations]
    # 15 Feb (older), 15 Feb (newer, mid-year), 15 Aug (older)
    assert paid == [(older.id, 1, 50_000), (newer.id, 1, 30_000)]
    assert older.instalments[0].status == InstalmentStatus.PAID
    assert newer.instalments[0].status == InstalmentStatus.DUE
    assert ledger.held_for_pairing(older.pairing_id) == 50_000
    assert ledger.held_for_pairing(newer.pairing_id) == 30_000


def test_overpayment_goes_to_sponsor_credit_or_general_fund_as_chosen():
    pledge = make_pledge(amount_fen=100_000)
    sponsor = pledge.pairing.sponsor
    make_donation(sponsor, 130_000, remainder_to=RemainderTo.CREDIT)
    assert ledger.sponsor_credit(sponsor.id) == 30_000
    make_donation(sponsor, 5_000, remainder_to=RemainderTo.GENERAL)
    assert -ledger.balance(Account.GENERAL) == 5_000
    assert ledger.held_for_pairing(pledge.pairing_id) == 100_000


def test_underpayment_leaves_the_instalment_partly_paid():
    pledge = make_pledge(amount_fen=100_000)
    make_donation(pledge.pairing.sponsor, 40_000)
    (instalment,) = pledge.instalments
    assert instalment.paid_fen == 40_000 and instalment.outstanding_fen == 60_000
    assert instalment.status == InstalmentStatus.DUE


def test_anonymous_donation_goes_to_the_general_fund():
    donation = make_donation(None, 88_800, donor_name="某单位", method=DonationMethod.CASH)
    assert donation.remainder_to == RemainderTo.GENERAL
    assert ledger.balance(Account.CASH) == 88_800
    assert -ledger.balance(Account.GENERAL) == 88_800


def test_receipt_numbers_are_unique_and_sequential_per_year():
    sponsor = make_sponsor()
    first = make_donation(sponsor, 100)
    second = make_donation(sponsor, 100)
    other_year = make_donation(sponsor, 100, received_on=date(2025, 12, 31))
    assert first.receipt_no.startswith("HD-2026-")
    assert int(second.receipt_no[-6:]) == int(first.receipt_no[-6:]) + 1
    assert other_year.receipt_no.startswith("HD-2025-")


def test_donation_writes_one_balanced_transaction_and_an_audit_event():
    pledge = make_pledge()
    donation = make_donation(pledge.pairing.sponsor, 120_000)
    txn = db.session.scalar(
        sa.select(LedgerTransaction).where(LedgerTransaction.donation_id == donation.id)
    )
    assert txn.kind == TransactionKind.DONATION
    assert sum(e.amount_fen for e in txn.entries) == 0
    assert count(AuditEvent, AuditEvent.action == "donation.recorded") == 1
    thanks = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.DONATION_THANKS))
    assert thanks.recipient_id == donation.sponsor_id and donation.receipt_no in thanks.body
    assert "2026年10月1日" in thanks.body


@pytest.mark.parametrize("amount", [0, -1, 100_000_000_000])
def test_amounts_out_of_range_are_refused(amount):
    with pytest.raises(DomainError):
        make_donation(make_sponsor(), amount)


def test_an_amount_above_the_maximum_is_refused_as_too_large_not_as_zero():
    with pytest.raises(DomainError) as caught:
        make_donation(make_sponsor(), MAX_FEN + 1)
    assert caught.value.message == "金额不能超过 ¥999,999,999.99。"
    assert render(caught.value, "en") == "The amount cannot be more than ¥999,999,999.99."


def test_money_never_passes_through_float():
    with pytest.raises(TypeError):
        make_donation(make_sponsor(), 0.1 + 0.2)
    assert parse_yuan("0.1") + parse_yuan("0.2") == parse_yuan("0.3") == 30
    sponsor = make_sponsor()
    donation = make_donation(sponsor, parse_yuan("999,999,999.99"))
    assert donation.amount_fen == 99_999_999_999
    assert ledger.sponsor_credit(sponsor.id) == 99_999_999_999
    assert format_fen(statements.programme_totals().raised_fen) == "¥999,999,999.99"
    db.session.expire_all()
    assert isinstance(donation.amount_fen, int)


def test_reversal_restores_every_balance_exactly():
    pledge = make_pledge(frequency=PaymentFrequency.MONTHLY, amount_fen=120_000)
    sponsor = pledge.pairing.sponsor
    make_donation(sponsor, 25_000)
    before = balances()
    paid_before = [(i.paid_fen, i.status) for i in pledge.instalments]
    donation = make_donation(sponsor, 200_000, remainder_to=RemainderTo.CREDIT)
    assert balances() != before
    reverse_donation(donation, "银行退票")
    after = {key: fen for key, fen in balances().items() if fen or key in before}
    assert after == before
    assert [(i.paid_fen, i.status) for i in pledge.instalments] == paid_before
    assert donation.reversed and all(a.undone for a in donation.allocations)
    assert ledger_check.verify() == []


def test_reversal_needs_a_reason_and_happens_once():
    donation = make_donation(make_sponsor(), 1_000)
    with pytest.raises(DomainError):
        reverse_donation(donation, " ")
    reverse_donation(donation, "重复录入")
    with pytest.raises(DomainError):
        reverse_donation(donation, "again")
    assert count(LedgerTransaction, LedgerTransaction.kind == TransactionKind.REVERSAL) == 1


def test_reversal_refused_when_the_money_has_left_the_fund():
    pledge = make_pledge()
    donation = make_donation(pledge.pairing.sponsor, 100_000)
    # A payout (a later capability) moves the fund's money to the payouts account.
    ledger.post(
        TransactionKind.PAYOUT,
        [
            ledger.Leg(Account.RESTRICTED, 100_000, pairing_id=pledge.pairing_id),
            ledger.Leg(Account.PAYOUTS, -100_000, pairing_id=pledge.pairing_id),
        ],
    )
    with pytest.raises(DomainError):
        reverse_donation(donation, "退款")
    totals = statements.programme_totals()
    assert totals.paid_out_fen == 100_000 and totals.reconciles


def test_ledger_rows_cannot_be_edited_or_deleted():
    make_donation(make_sponsor(), 1_000)
    entry = db.session.scalar(sa.select(LedgerEntry))
    entry.amount_fen = 5
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_verify_reports_a_tampered_balance():
    make_donation(make_sponsor(), 1_000)
    db.session.execute(sa.text("UPDATE account_balances SET balance_fen = 7 WHERE key = 'bank'"))
    problems = ledger_check.verify()
    assert any("balance bank" in p for p in problems)


def test_batch_closing_flags_a_mismatch():
    sponsor = make_sponsor()
    batch = donation_batches.open_batch(
        "11月工行对账单", expected_count=2, expected_total_fen=3_000
    )
    make_donation(sponsor, 1_000, batch=batch)
    make_donation(sponsor, 1_500, batch=batch)
    result = donation_batches.close_batch(batch)
    assert result.count_matches and not result.total_matches
    assert batch.mismatch
    with pytest.raises(DomainError):
        make_donation(sponsor, 500, batch=batch)


def test_batch_closing_without_mismatch():
    batch = donation_batches.open_batch("对账单", expected_count=1, expected_total_fen=1_000)
    make_donation(make_sponsor(), 1_000, batch=batch)
    assert donation_batches.close_batch(batch).matches and not batch.mismatch


def test_sponsor_statement_by_school_year():
    pledge = make_pledge(frequency=PaymentFrequency.SEMESTER, amount_fen=100_000)
    sponsor = pledge.pairing.sponsor
    make_donation(sponsor, 70_000)
    statement = statements.sponsor_statement(sponsor)
    (year,) = statement.years
    assert (year.school_year, year.pledged_fen, year.received_fen) == (2026, 100_000, 70_000)
    assert year.outstanding_fen == 30_000 and statement.received_fen == 70_000
    child = statements.child_statement(pledge.pairing.child)
    assert (child.received_fen, child.held_fen, child.paid_out_fen) == (70_000, 70_000, 0)


def test_credit_pays_the_next_school_years_instalments():
    pledge = make_pledge(amount_fen=100_000)
    sponsor = pledge.pairing.sponsor
    make_donation(sponsor, 150_000, remainder_to=RemainderTo.CREDIT)
    assert ledger.sponsor_credit(sponsor.id) == 50_000
    (next_year,) = pledges.rollover(2027)
    (instalment,) = next_year.instalments
    assert instalment.paid_fen == 50_000 and instalment.status == InstalmentStatus.DUE
    assert ledger.sponsor_credit(sponsor.id) == 0
    assert ledger.held_for_pairing(pledge.pairing_id) == 150_000
    assert ledger_check.verify() == []


def test_a_donation_whose_credit_paid_next_years_instalment_reverses_and_unpays_it():
    pledge = make_pledge(amount_fen=100_000)
    donation = make_donation(pledge.pairing.sponsor, 150_000)
    (next_year,) = pledges.rollover(2027)
    (instalment,) = next_year.instalments
    assert instalment.paid_fen == 50_000
    reverse_donation(donation, "退款")
    assert donation.reversed
    assert instalment.paid_fen == 0 and instalment.status == InstalmentStatus.DUE
    assert ledger.held_for_pairing(pledge.pairing_id) == 0
    assert ledger_check.verify() == []


def test_refund_of_credit_reconciles_and_is_bounded():
    from sponsorship.services.money.credit import refund_credit

    sponsor = make_sponsor()
    make_donation(sponsor, 30_000)
    with pytest.raises(DomainError):
        refund_credit(sponsor, 30_001, "多缴")
    with pytest.raises(DomainError):
        refund_credit(sponsor, 100, " ")
    refund_credit(sponsor, 10_000, "多缴退回")
    totals = statements.programme_totals()
    assert (totals.raised_fen, totals.refunded_fen, totals.held_fen) == (30_000, 10_000, 20_000)
    assert totals.reconciles and ledger_check.verify() == []
