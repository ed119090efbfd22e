"""Post many transactions in SQL: one per row of a query, each statement over all the rows.

`post_selected` is the ledger's entry point for set-based money work (paying a batch's chunk):
the legs are expressions over the source's columns, checked to sum to zero for every row before
anything is written, then transactions, entries and balances are written by INSERT … SELECT and
UPDATE … FROM, however many rows. `ledger.post` and `ledger.post_many` remain the entry points
for Python-built postings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from sponsorship.bulk_sql import IdSet, insert_ignoring_conflicts, rows_table
from sponsorship.clock import utcnow
from sponsorship.database import is_postgresql
from sponsorship.extensions import db
from sponsorship.models import AccountBalance, LedgerEntry, LedgerTransaction, User
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.services.money.ledger import reserve_transaction_ids


@dataclass(frozen=True)
class SqlLeg:
    """One leg of every transaction `post_selected` posts: SQL over the source's columns."""

    account: Account
    amount_fen: sa.ColumnElement
    pairing_id: sa.ColumnElement | None = None
    sponsor_id: sa.ColumnElement | None = None
    campaign_id: sa.ColumnElement | None = None


def post_selected(
    kind: TransactionKind,
    source: sa.Subquery,
    *,
    legs: Sequence[SqlLeg],
    memo: sa.ColumnElement,
    by: User | None = None,
):
    """Post one transaction per row of `source` (keyed by its `key` column), in SQL.

    Each row's `legs` (expressions over `source`) must sum to zero with at least two that move
    money, checked over every row before anything is written, as `post_many` checks its
    postings. Transactions, entries and balances are each written by a statement over the
    rows, not a loop. Returns a table of (key, transaction_id) to join the new ids.
    """
    moving = [sa.case((leg.amount_fen != 0, 1), else_=0) for leg in legs]
    unbalanced = sa.or_(sum(leg.amount_fen for leg in legs) != 0, sum(moving) < 2)
    rows = db.session.execute(sa.select(source.c.key, unbalanced).order_by(source.c.key)).all()
    for key, wrong in rows:
        if wrong:
            raise ValueError(f"unbalanced transaction for {key}")
    keys = [key for key, _ in rows]
    if not keys:
        return None
    transaction_ids = reserve_transaction_ids(len(keys))
    posted = rows_table(
        "posted",
        {"key": sa.BigInteger(), "transaction_id": sa.BigInteger()},
        list(zip(keys, transaction_ids, strict=True)),
    )
    now = utcnow()
    joined = source.join(posted, posted.c.key == source.c.key)
    txn = LedgerTransaction.__table__
    db.session.execute(
        txn.insert().from_select(
            ["id", "kind", "memo", "created_at", "created_by_id"],
            sa.select(
                posted.c.transaction_id,
                sa.literal(kind, txn.c.kind.type),
                memo,
                sa.literal(now, txn.c.created_at.type),
                sa.literal(by.id if by else None, txn.c.created_by_id.type),
            ).select_from(joined),
        )
    )
    entry = LedgerEntry.__table__
    db.session.execute(
        entry.insert().from_select(
            [
                "transaction_id",
                "account",
                "amount_fen",
                "pairing_id",
                "sponsor_id",
                "campaign_id",
                "created_at",
            ],
            sa.union_all(
                *(
                    sa.select(
                        posted.c.transaction_id,
                        sa.literal(leg.account, entry.c.account.type),
                        leg.amount_fen,
                        _or_null(leg.pairing_id, entry.c.pairing_id),
                        _or_null(leg.sponsor_id, entry.c.sponsor_id),
                        _or_null(leg.campaign_id, entry.c.campaign_id),
                        sa.literal(now, entry.c.created_at.type),
                    )
                    .select_from(joined)
                    .where(leg.amount_fen != 0)
                    for leg in legs
                )
            ),
        )
    )
    _move_balances_of(
        IdSet("posted_transactions", transaction_ids, held_in=posted.c.transaction_id)
    )
    return posted


def _or_null(value: sa.ColumnElement | None, column: sa.Column) -> sa.ColumnElement:
    return value if value is not None else sa.null().cast(column.type)


def _move_balances_of(transactions: IdSet) -> None:
    """Add the entries of `transactions` to their accounts' balances.

    The entries are summed per balance key in one query; the sums then move the balances as
    `_move_balances` moves them (rows made to exist at zero, then moved in place, in key order
    on PostgreSQL so two bulk posts cannot deadlock), each one statement over all the keys.
    """
    entry = LedgerEntry.__table__
    account = entry.c.account
    name = sa.cast(account, sa.String)
    key = sa.case(
        (account == Account.RESTRICTED, name + ":" + sa.cast(entry.c.pairing_id, sa.String)),
        (account == Account.SPONSOR_CREDIT, name + ":" + sa.cast(entry.c.sponsor_id, sa.String)),
        (account == Account.CAMPAIGN, name + ":" + sa.cast(entry.c.campaign_id, sa.String)),
        else_=name,
    )
    sums = db.session.execute(
        sa.select(
            key,
            sa.func.min(name),
            sa.func.min(sa.case((account == Account.RESTRICTED, entry.c.pairing_id))),
            sa.func.min(sa.case((account == Account.SPONSOR_CREDIT, entry.c.sponsor_id))),
            sa.func.min(sa.case((account == Account.CAMPAIGN, entry.c.campaign_id))),
            sa.func.sum(entry.c.amount_fen),
        )
        .where(transactions.has(entry.c.transaction_id))
        .group_by(key)
        .having(sa.func.sum(entry.c.amount_fen) != 0)
        .order_by(key)
    ).all()
    if not sums:
        return
    keys = [row[0] for row in sums]
    moves = rows_table(
        "balance_moves",
        {
            "key": sa.String(),
            "account": sa.String(),
            "pairing_id": sa.BigInteger(),
            "sponsor_id": sa.BigInteger(),
            "campaign_id": sa.BigInteger(),
            "total": sa.BigInteger(),
        },
        [tuple(row) for row in sums],
    )
    balances = AccountBalance.__table__
    db.session.execute(
        insert_ignoring_conflicts(balances, "key").from_select(
            ["key", "account", "pairing_id", "sponsor_id", "campaign_id", "balance_fen"],
            sa.select(
                moves.c.key,
                moves.c.account,
                moves.c.pairing_id,
                moves.c.sponsor_id,
                moves.c.campaign_id,
                sa.literal(0, balances.c.balance_fen.type),
            ).where(sa.true()),  # SQLite: a WHERE keeps ON CONFLICT from reading as a join's ON
        )
    )
    if is_postgresql():
        db.session.execute(
            sa.select(balances.c.key)
            .where(balances.c.key == sa.any_(sa.bindparam(None, keys, type_=ARRAY(sa.String))))
            .order_by(balances.c.key)
            .with_for_update()
        )
    db.session.execute(
        sa.update(balances)
        .where(balances.c.key == moves.c.key)
        .values(balance_fen=balances.c.balance_fen + moves.c.total)
        .execution_options(synchronize_session=False)
    )
