"""The ledger's posting in SQL (`post_selected`): transactions over the rows of a query, checked
to sum to zero before anything is written, with the entries and balances `post_many` gives."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sponsorship.bulk_sql import rows_table
from sponsorship.extensions import db
from sponsorship.models import AccountBalance, LedgerEntry, LedgerTransaction
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.services.money import ledger, ledger_check
from sponsorship.services.money.ledger import Leg, Posting
from sponsorship.services.money.ledger_selected import SqlLeg, post_selected
from tests.conftest import count
from tests.factories import make_paid_pairing


def _state() -> tuple:
    balances = db.session.execute(sa.select(AccountBalance.key, AccountBalance.balance_fen))
    return count(LedgerTransaction), count(LedgerEntry), dict(balances.all())


def _source(rows: list[tuple[int, int, int, int]]):
    """Rows of (key, pairing id, restricted fen, payouts fen) as a subquery to post from."""
    table = rows_table(
        "test_postings",
        {
            "key": sa.BigInteger(),
            "pairing_id": sa.BigInteger(),
            "held": sa.BigInteger(),
            "spent": sa.BigInteger(),
        },
        rows,
    )
    return sa.select(table).subquery("source")


def _post(rows):
    source = _source(rows)
    return post_selected(
        TransactionKind.PAYOUT,
        source,
        legs=[
            SqlLeg(Account.RESTRICTED, source.c.held, pairing_id=source.c.pairing_id),
            SqlLeg(Account.PAYOUTS, -source.c.spent, pairing_id=source.c.pairing_id),
        ],
        memo=sa.literal("payout ", sa.String) + sa.cast(source.c.key, sa.String),
    )


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param((30_000, 29_999), id="legs-do-not-sum-to-zero"),
        pytest.param((5, 0), id="one-leg"),
        pytest.param((0, 0), id="no-money-moves"),
    ],
)
def test_post_selected_refuses_an_unbalanced_transaction_and_posts_none(bad):
    pairing = make_paid_pairing()
    before = _state()
    with pytest.raises(ValueError, match="unbalanced"):
        _post([(1, pairing.id, 40_000, 40_000), (2, pairing.id, *bad)])
    assert _state() == before


def test_post_selected_writes_what_post_many_writes():
    first, second = make_paid_pairing(), make_paid_pairing()
    rows = [(7, first.id, 60_000, 60_000), (9, second.id, 100_000, 100_000)]

    attempt = db.session.begin_nested()
    ledger.post_many(
        TransactionKind.PAYOUT,
        [
            Posting(
                [
                    Leg(Account.RESTRICTED, held, pairing_id=pairing_id),
                    Leg(Account.PAYOUTS, -spent, pairing_id=pairing_id),
                ],
                memo=f"payout {key}",
            )
            for key, pairing_id, held, spent in rows
        ],
    )
    many = _written()
    attempt.rollback()

    posted = _post(rows)
    by_key = dict(db.session.execute(sa.select(posted.c.key, posted.c.transaction_id)).all())
    assert set(by_key) == {7, 9}
    assert db.session.get(LedgerTransaction, by_key[9]).memo == "payout 9"
    assert _written() == many
    assert ledger.held_for_pairing(first.id) == 40_000
    assert ledger.held_for_pairing(second.id) == 0
    assert ledger_check.verify() == []


def test_post_selected_cannot_overdraw_a_fund():
    pairing = make_paid_pairing()  # 100,000 fen held
    with pytest.raises(IntegrityError), db.session.begin_nested():
        _post([(1, pairing.id, 100_001, 100_001)])
    assert ledger.held_for_pairing(pairing.id) == 100_000


def _written() -> tuple:
    """The payout transactions' memos and legs, and every balance: what posting leaves."""
    txns = db.session.scalars(
        sa.select(LedgerTransaction).where(LedgerTransaction.kind == TransactionKind.PAYOUT)
    )
    legs = {
        t.memo: sorted((e.account, e.amount_fen, e.pairing_id, e.sponsor_id) for e in t.entries)
        for t in txns
    }
    balances = db.session.execute(sa.select(AccountBalance.key, AccountBalance.balance_fen))
    return legs, dict(balances.all())
