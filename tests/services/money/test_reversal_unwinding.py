"""Reversing a bounced donation whose surplus only moved inside the caring parent's own funds."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Allocation, Instalment, Pledge
from sponsorship.models.enums import Account, InstalmentStatus, TransactionKind
from sponsorship.services.money import credit, ledger, ledger_check, statements
from sponsorship.services.money.donations import reverse_donation
from tests.factories import make_donation, make_pairing, make_pledge, make_sponsor

SECOND_CHILD_CONFIRMED = datetime(2026, 10, 10, 2, tzinfo=UTC)


def instalments_of(pairing) -> list[Instalment]:
    return list(
        db.session.scalars(
            sa.select(Instalment).join(Pledge).where(Pledge.pairing_id == pairing.id)
        )
    )


def two_children_one_bounced_donation():
    """She pays ¥1,500 for her first child's ¥1,000; the ¥500 surplus waits as credit and then
    pays her second child's instalment when that pairing is confirmed."""
    sponsor = make_sponsor(pledge_per_child_fen=100_000)
    first = make_pairing(sponsor=sponsor)
    make_pledge(first)
    donation = make_donation(sponsor, 150_000)
    assert ledger.sponsor_credit(sponsor.id) == 50_000
    second = make_pairing(sponsor=sponsor)
    make_pledge(second, confirmed_at=SECOND_CHILD_CONFIRMED)  # starting it applies her credit
    assert ledger.sponsor_credit(sponsor.id) == 0
    assert sum(i.paid_fen for i in instalments_of(second)) == 50_000
    return sponsor, first, second, donation


def test_the_reversal_unwinds_the_credit_and_the_second_childs_instalment_is_owed_again(runner):
    sponsor, first, second, donation = two_children_one_bounced_donation()
    txn = reverse_donation(donation, "银行退票")
    assert donation.reversed
    for instalment in instalments_of(first) + instalments_of(second):
        assert instalment.paid_fen == 0
        assert instalment.status in (InstalmentStatus.DUE, InstalmentStatus.OVERDUE)
    # The history stays: the payment from credit is kept, marked undone.
    kept = db.session.scalars(
        sa.select(Allocation).where(
            Allocation.instalment_id.in_([i.id for i in instalments_of(second)])
        )
    ).all()
    assert [(a.from_credit, a.undone, a.amount_fen) for a in kept] == [(True, True, 50_000)]
    # One ledger transaction takes everything back: the bank, both funds, the credit nets out.
    legs = {(e.account, e.pairing_id): e.amount_fen for e in txn.entries}
    assert legs == {
        (Account.BANK, None): -150_000,
        (Account.RESTRICTED, first.id): 100_000,
        (Account.RESTRICTED, second.id): 50_000,
    }
    assert txn.kind == TransactionKind.REVERSAL
    assert ledger.held_for_pairing(first.id) == ledger.held_for_pairing(second.id) == 0
    assert ledger.sponsor_credit(sponsor.id) == 0
    totals = statements.programme_totals()
    assert totals.raised_fen == 0 and totals.reconciles
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert "Ledger OK" in result.output


def test_only_what_is_needed_is_unwound_when_her_credit_still_holds_part():
    sponsor, _first, second, donation = two_children_one_bounced_donation()
    make_donation(sponsor, 20_000)  # pays the second child's instalment further, not credit
    credit_before = ledger.sponsor_credit(sponsor.id)
    reverse_donation(donation, "银行退票")
    assert sum(i.paid_fen for i in instalments_of(second)) == 20_000
    assert ledger.sponsor_credit(sponsor.id) == credit_before
    assert ledger_check.verify() == []


def test_refused_when_the_credit_was_refunded():
    sponsor = make_sponsor()
    donation = make_donation(sponsor, 30_000)
    credit.refund_credit(sponsor, 10_000, "多缴退回")
    with pytest.raises(DomainError, match="已有部分发放给监护人或已退款"):
        reverse_donation(donation, "银行退票")
    assert not donation.reversed


def test_refused_when_the_second_childs_money_was_paid_out():
    _sponsor, _first, second, donation = two_children_one_bounced_donation()
    ledger.post(
        TransactionKind.PAYOUT,
        [
            ledger.Leg(Account.RESTRICTED, 50_000, pairing_id=second.id),
            ledger.Leg(Account.PAYOUTS, -50_000, pairing_id=second.id),
        ],
    )
    with pytest.raises(DomainError, match="已有部分发放给监护人或已退款"):
        reverse_donation(donation, "银行退票")
    assert not donation.reversed
    assert sum(i.paid_fen for i in instalments_of(second)) == 50_000
    assert ledger_check.verify() == []
