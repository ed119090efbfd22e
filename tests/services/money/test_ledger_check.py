"""`ledger_check.verify` in SQL: a clean ledger passes, and each kind of offender is named."""

from datetime import date

import sqlalchemy as sa

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    Donation,
    Instalment,
    LedgerEntry,
    LedgerTransaction,
)
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.services.money import ledger_check
from tests.factories import fund_general, make_donation, make_paid_pairing, make_sponsor


def _books():
    """A small clean ledger: a paid pairing, a sponsor's credit and the general fund."""
    pairing = make_paid_pairing()
    sponsor = make_sponsor()
    make_donation(sponsor, 2_500)
    fund_general(10_000)
    db.session.flush()
    return pairing, sponsor


def _transaction(*legs: tuple[Account, int, int | None, int | None]) -> int:
    """Write a transaction and its legs around the ledger's guards, as a broken import might."""
    txn = db.session.execute(
        sa.insert(LedgerTransaction.__table__)
        .values(kind=TransactionKind.TRANSFER.value, memo="tampered", created_at=utcnow())
        .returning(LedgerTransaction.__table__.c.id)
    ).scalar_one()
    for account, amount, pairing_id, sponsor_id in legs:
        db.session.execute(
            sa.insert(LedgerEntry.__table__).values(
                transaction_id=txn,
                account=account.value,
                amount_fen=amount,
                pairing_id=pairing_id,
                sponsor_id=sponsor_id,
                created_at=utcnow(),
            )
        )
    return txn


def _set_balance(key: str, value: int) -> None:
    db.session.execute(
        sa.update(AccountBalance.__table__)
        .where(AccountBalance.__table__.c.key == key)
        .values(balance_fen=value)
    )


def test_a_clean_ledger_has_no_problems():
    _books()
    assert ledger_check.verify() == []


def test_a_transaction_whose_legs_do_not_sum_to_zero_is_named():
    _books()
    txn = _transaction((Account.BANK, 300, None, None), (Account.GENERAL, -200, None, None))
    problems = ledger_check.verify()
    assert f"transaction {txn}: 2 legs sum to 100, not 0" in problems


def test_a_transaction_of_one_leg_is_named():
    _books()
    txn = _transaction((Account.BANK, 0 + 5, None, None))
    assert f"transaction {txn}: 1 legs sum to 5, not 0" in ledger_check.verify()


def test_a_transaction_without_legs_is_named():
    _books()
    txn = _transaction()
    assert ledger_check.verify() == [f"transaction {txn}: no legs"]


def test_a_stored_balance_that_is_not_the_sum_of_its_legs_is_named():
    pairing, sponsor = _books()
    _set_balance(f"restricted:{pairing.id}", -1)
    _set_balance(f"sponsor_credit:{sponsor.id}", 0)
    problems = ledger_check.verify()
    assert f"balance restricted:{pairing.id}: stored -1, legs sum to -100000" in problems
    assert f"balance sponsor_credit:{sponsor.id}: stored 0, legs sum to -2500" in problems
    assert any(p.startswith("balances: all accounts sum to") for p in problems)


def test_a_balance_without_legs_and_legs_without_a_balance_are_named():
    _books()
    db.session.execute(sa.delete(AccountBalance.__table__).where(AccountBalance.key == "general"))
    db.session.execute(
        sa.insert(AccountBalance.__table__).values(
            key="refunds", account=Account.REFUNDS.value, balance_fen=7
        )
    )
    problems = ledger_check.verify()
    assert "balance general: stored 0, legs sum to -10000" in problems
    assert "balance refunds: stored 7, legs sum to 0" in problems


def test_an_instalment_paid_other_than_its_allocations_is_named():
    _books()
    instalment = db.session.scalar(sa.select(Instalment).where(Instalment.paid_fen > 0))
    db.session.execute(
        sa.update(Instalment.__table__)
        .where(Instalment.__table__.c.id == instalment.id)
        .values(paid_fen=instalment.paid_fen - 1)
    )
    problems = ledger_check.verify()
    paid = instalment.paid_fen
    assert problems == [f"instalment {instalment.id}: paid {paid - 1}, live allocations {paid}"]


def test_a_donation_the_ledger_did_not_receive_in_full_is_named():
    _books()
    donation = make_donation(make_sponsor(), 4_000, received_on=date(2026, 9, 2))
    db.session.execute(
        sa.update(Donation.__table__)
        .where(Donation.__table__.c.id == donation.id)
        .values(amount_fen=4_001)
    )
    problems = ledger_check.verify()
    assert problems == [
        f"donation {donation.receipt_no}: received 4000 on the ledger, expected 4001"
    ]


def test_a_reversed_donation_still_on_the_ledger_is_named():
    _books()
    donation = make_donation(make_sponsor(), 4_000, received_on=date(2026, 9, 2))
    db.session.execute(
        sa.update(Donation.__table__)
        .where(Donation.__table__.c.id == donation.id)
        .values(reversed=True, reversal_reason="test")
    )
    problems = ledger_check.verify()
    assert problems == [f"donation {donation.receipt_no}: received 4000 on the ledger, expected 0"]
