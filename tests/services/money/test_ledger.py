"""The ledger's posting paths, one at a time or many at once: every transaction sums to zero."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sponsorship.extensions import db
from sponsorship.models import AccountBalance, LedgerEntry, LedgerTransaction
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.services.money import ledger, ledger_check
from sponsorship.services.money.credit import refund_credit
from sponsorship.services.money.ledger import Leg, Posting
from tests.conftest import count
from tests.factories import make_donation, make_paid_pairing, make_sponsor


def _ledger_state() -> tuple:
    balances = db.session.execute(sa.select(AccountBalance.key, AccountBalance.balance_fen))
    return count(LedgerTransaction), count(LedgerEntry), dict(balances.all())


def _payout(pairing_id: int, fen: int, spent_fen: int | None = None) -> Posting:
    spent = fen if spent_fen is None else spent_fen
    return Posting(
        [
            Leg(Account.RESTRICTED, fen, pairing_id=pairing_id),
            Leg(Account.PAYOUTS, -spent, pairing_id=pairing_id),
        ],
        memo=f"payout {pairing_id}",
    )


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda p: _payout(p, 30_000, spent_fen=29_999), id="legs-do-not-sum-to-zero"),
        pytest.param(lambda p: Posting([Leg(Account.RESTRICTED, 5, pairing_id=p)]), id="one-leg"),
        pytest.param(lambda p: _payout(p, 0), id="no-money-moves"),
    ],
)
def test_post_many_refuses_an_unbalanced_transaction_and_posts_none_of_them(bad):
    pairing = make_paid_pairing()  # 100,000 fen held in its restricted fund
    before = _ledger_state()
    with pytest.raises(ValueError, match="unbalanced"):
        ledger.post_many(TransactionKind.PAYOUT, [_payout(pairing.id, 40_000), bad(pairing.id)])
    assert _ledger_state() == before
    assert ledger.held_for_pairing(pairing.id) == 100_000


def test_post_many_posts_each_transaction_in_order_and_moves_the_balances():
    first, second = make_paid_pairing(), make_paid_pairing()
    assert ledger.balance(Account.PAYOUTS) == 0  # no row yet: post_many must create it
    ids = ledger.post_many(
        TransactionKind.PAYOUT, [_payout(first.id, 60_000), _payout(second.id, 100_000)]
    )
    posted = [db.session.get(LedgerTransaction, txn_id) for txn_id in ids]
    assert [t.memo for t in posted] == [f"payout {first.id}", f"payout {second.id}"]
    assert [t.kind for t in posted] == [TransactionKind.PAYOUT] * 2
    assert [sorted(e.amount_fen for e in t.entries) for t in posted] == [
        [-60_000, 60_000],
        [-100_000, 100_000],
    ]
    assert ledger.held_for_pairing(first.id) == 40_000
    assert ledger.held_for_pairing(second.id) == 0
    assert -ledger.balance(Account.PAYOUTS) == 160_000
    assert ledger_check.verify() == []


def test_post_many_adds_two_transactions_on_one_balance_and_cannot_overdraw_it():
    pairing = make_paid_pairing()
    ledger.post_many(
        TransactionKind.PAYOUT, [_payout(pairing.id, 30_000), _payout(pairing.id, 50_000)]
    )
    assert ledger.held_for_pairing(pairing.id) == 20_000
    with pytest.raises(IntegrityError), db.session.begin_nested():
        ledger.post_many(TransactionKind.PAYOUT, [_payout(pairing.id, 20_001)])
    assert ledger.held_for_pairing(pairing.id) == 20_000
    assert ledger_check.verify() == []


def test_a_long_reason_is_kept_whole_in_the_memo():
    sponsor = make_sponsor()
    make_donation(sponsor, 50_000, received_on=date(2026, 8, 20))  # no pledge: all credit
    reason = "爱心父母来电要求退回部分预存款。" * 20  # 320 characters, as the form allows
    txn = refund_credit(sponsor, 10_000, reason)
    db.session.expire_all()
    assert db.session.get(LedgerTransaction, txn.id).memo == reason
