"""Prove the ledger's invariants: each one an aggregate query that returns only its offenders.

Nothing is summed in Python: at a province's size (millions of legs) the database adds up,
groups and compares, and only rows that break a rule come back to be named.
"""

from __future__ import annotations

import sqlalchemy as sa

from sponsorship.database import is_postgresql
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    Allocation,
    CampaignHandOver,
    Donation,
    Instalment,
    LedgerEntry,
    LedgerTransaction,
)
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.services.money.ledger import RECEIPT_ACCOUNTS


def verify() -> list[str]:
    """Check the ledger and the money tables against each other; return what is wrong."""
    return [
        *_unbalanced_transactions(),
        *_empty_transactions(),
        *_wrong_balances(),
        *_wrong_instalments(),
        *_wrong_donations(),
        *_wrong_hand_overs(),
        *_unbalanced_books(),
    ]


def _unbalanced_transactions() -> list[str]:
    total, legs = sa.func.sum(LedgerEntry.amount_fen), sa.func.count()
    rows = db.session.execute(
        sa.select(LedgerEntry.transaction_id, total, legs)
        .group_by(LedgerEntry.transaction_id)
        .having(sa.or_(total != 0, legs < 2))
        .order_by(LedgerEntry.transaction_id)
    )
    return [f"transaction {txn}: {n} legs sum to {amount}, not 0" for txn, amount, n in rows]


def _empty_transactions() -> list[str]:
    has_legs = sa.exists().where(LedgerEntry.transaction_id == LedgerTransaction.id)
    rows = db.session.scalars(
        sa.select(LedgerTransaction.id).where(~has_legs).order_by(LedgerTransaction.id)
    )
    return [f"transaction {txn}: no legs" for txn in rows]


def _entry_key() -> sa.ColumnElement[str]:
    """The balance key of a leg, in SQL: what `balance_key` makes in Python."""
    account = LedgerEntry.account
    return sa.case(
        (
            account == Account.RESTRICTED,
            sa.literal(f"{Account.RESTRICTED}:") + sa.cast(LedgerEntry.pairing_id, sa.String),
        ),
        (
            account == Account.SPONSOR_CREDIT,
            sa.literal(f"{Account.SPONSOR_CREDIT}:") + sa.cast(LedgerEntry.sponsor_id, sa.String),
        ),
        (
            account == Account.CAMPAIGN,
            sa.literal(f"{Account.CAMPAIGN}:") + sa.cast(LedgerEntry.campaign_id, sa.String),
        ),
        else_=sa.cast(account, sa.String),
    )


def _wrong_balances() -> list[str]:
    """Every running balance equals the sum of its legs, and no legs lack a balance row."""
    key = _entry_key().label("key")
    sums = (
        sa.select(key, sa.func.sum(LedgerEntry.amount_fen).label("total")).group_by(key).subquery()
    )
    stored = sa.func.coalesce(AccountBalance.balance_fen, 0)
    with_legs = db.session.execute(
        sa.select(sums.c.key, stored, sums.c.total)
        .outerjoin(AccountBalance, AccountBalance.key == sums.c.key)
        .where(stored != sums.c.total)
    ).all()
    # Balances with no legs at all: each database's fast anti-join. SQLite keeps NOT IN's list in
    # a b-tree, where a correlated EXISTS or a LEFT JOIN on the grouped legs was re-scanned for
    # every balance row. PostgreSQL hashes a NOT IN list only while it fits in work_mem (at
    # 100,000 pairings it did not, and the check ran for minutes): a LEFT JOIN is a hash anti-join.
    stmt = sa.select(AccountBalance.key, AccountBalance.balance_fen, sa.literal(0)).where(
        AccountBalance.balance_fen != 0
    )
    if is_postgresql():
        stmt = stmt.outerjoin(sums, sums.c.key == AccountBalance.key).where(sums.c.key.is_(None))
    else:
        stmt = stmt.where(AccountBalance.key.not_in(sa.select(_entry_key()).distinct()))
    without_legs = db.session.execute(stmt).all()
    return [
        f"balance {key}: stored {stored}, legs sum to {total}"
        for key, stored, total in sorted(with_legs + without_legs)
    ]


def _wrong_instalments() -> list[str]:
    live = (
        sa.select(Allocation.instalment_id, sa.func.sum(Allocation.amount_fen).label("total"))
        .where(Allocation.undone.is_(False))
        .group_by(Allocation.instalment_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Instalment.id, Instalment.paid_fen, live.c.total)
        .outerjoin(live, live.c.instalment_id == Instalment.id)
        .where(Instalment.paid_fen != sa.func.coalesce(live.c.total, 0))
        .order_by(Instalment.id)
    )
    return [
        f"instalment {inst}: paid {paid}, live allocations {total or 0}"
        for inst, paid, total in rows
    ]


def _wrong_donations() -> list[str]:
    received = (
        sa.select(LedgerTransaction.donation_id, sa.func.sum(LedgerEntry.amount_fen).label("total"))
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(
            LedgerEntry.account.in_(RECEIPT_ACCOUNTS), LedgerTransaction.donation_id.is_not(None)
        )
        .group_by(LedgerTransaction.donation_id)
        .subquery()
    )
    expected = sa.case((Donation.reversed, 0), else_=Donation.amount_fen)
    total = sa.func.coalesce(received.c.total, 0)
    rows = db.session.execute(
        sa.select(Donation.receipt_no, total, expected)
        .outerjoin(received, received.c.donation_id == Donation.id)
        .where(total != expected)
        .order_by(Donation.id)
    )
    return [
        f"donation {receipt}: received {got} on the ledger, expected {want}"
        for receipt, got, want in rows
    ]


def _wrong_hand_overs() -> list[str]:
    """Each hand-over row matches its transaction: the campaign's fund +a, handed on -a, and
    every hand-over transaction has its row (campaign money never leaves unexplained)."""
    campaign_leg = sa.func.sum(
        sa.case(
            (
                sa.and_(
                    LedgerEntry.account == Account.CAMPAIGN,
                    LedgerEntry.campaign_id == CampaignHandOver.campaign_id,
                ),
                LedgerEntry.amount_fen,
            ),
            else_=0,
        )
    )
    handed_leg = sa.func.sum(
        sa.case((LedgerEntry.account == Account.HANDED_ON, -LedgerEntry.amount_fen), else_=0)
    )
    rows = db.session.execute(
        sa.select(CampaignHandOver.id, CampaignHandOver.amount_fen, campaign_leg, handed_leg)
        .join(LedgerEntry, LedgerEntry.transaction_id == CampaignHandOver.transaction_id)
        .group_by(CampaignHandOver.id, CampaignHandOver.amount_fen)
        .having(
            sa.or_(
                campaign_leg != CampaignHandOver.amount_fen,
                handed_leg != CampaignHandOver.amount_fen,
            )
        )
        .order_by(CampaignHandOver.id)
    ).all()
    problems = [
        f"hand-over {row_id}: amount {amount}, campaign fund moved {moved}, handed on {handed}"
        for row_id, amount, moved, handed in rows
    ]
    has_row = sa.exists().where(CampaignHandOver.transaction_id == LedgerTransaction.id)
    orphans = db.session.scalars(
        sa.select(LedgerTransaction.id)
        .where(LedgerTransaction.kind == TransactionKind.HAND_OVER, ~has_row)
        .order_by(LedgerTransaction.id)
    )
    problems += [f"transaction {txn}: a hand-over with no hand-over record" for txn in orphans]
    return problems


def _unbalanced_books() -> list[str]:
    """All running balances together sum to zero: raised = held + paid out + refunded + handed
    on (a campaign's fund is one of the held balances, checked against its legs above)."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(AccountBalance.balance_fen), 0))
    )
    return [] if not total else [f"balances: all accounts sum to {total}, not 0"]
