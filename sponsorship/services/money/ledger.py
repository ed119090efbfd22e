"""Post double-entry transactions and read balances (`ledger_check` proves the invariants)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.bulk_sql import insert_rows, update_many
from sponsorship.clock import utcnow
from sponsorship.database import is_postgresql
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    Donation,
    LedgerEntry,
    LedgerTransaction,
    User,
)
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.models.ledger import balance_key

#: Accounts money comes in on; the funds that hold it; where it goes out.
RECEIPT_ACCOUNTS = (Account.BANK, Account.CASH)
FUND_ACCOUNTS = (Account.RESTRICTED, Account.GENERAL, Account.SPONSOR_CREDIT)


@dataclass(frozen=True)
class Leg:
    """One leg to post: positive brings money in, negative holds or spends it."""

    account: Account
    amount_fen: int
    pairing_id: int | None = None
    sponsor_id: int | None = None
    campaign_id: int | None = None


@dataclass(frozen=True)
class Posting:
    """One transaction for `post_many`: its legs, its memo, the donation it records."""

    legs: Sequence[Leg]
    memo: str = ""
    donation_id: int | None = None


def _balanced(legs: Sequence[Leg]) -> list[Leg]:
    """Return the legs that move money, or raise if they do not make a transaction."""
    legs = [leg for leg in legs if leg.amount_fen != 0]
    if len(legs) < 2 or sum(leg.amount_fen for leg in legs) != 0:
        raise ValueError(f"unbalanced transaction: {legs}")
    return legs


def post(
    kind: TransactionKind,
    legs: list[Leg],
    *,
    donation: Donation | None = None,
    reverses: LedgerTransaction | None = None,
    memo: str = "",
    by: User | None = None,
) -> LedgerTransaction:
    """Post one transaction whose legs sum to zero, and move the running balances with it."""
    legs = _balanced(legs)
    txn = LedgerTransaction(
        kind=kind,
        donation_id=donation.id if donation else None,
        reverses_id=reverses.id if reverses else None,
        memo=memo,
        created_by=by,
    )
    db.session.add(txn)
    db.session.flush()
    for leg in legs:
        db.session.add(
            LedgerEntry(
                transaction_id=txn.id,
                account=leg.account,
                amount_fen=leg.amount_fen,
                pairing_id=leg.pairing_id,
                sponsor_id=leg.sponsor_id,
                campaign_id=leg.campaign_id,
            )
        )
    _move_balances(legs)
    db.session.flush()
    return txn


def post_many(
    kind: TransactionKind, postings: Sequence[Posting], *, by: User | None = None
) -> list[int]:
    """Post many transactions of one kind set-based; return their ids in the postings' order.

    Every transaction is checked to sum to zero before anything is written, so one unbalanced
    posting leaves the ledger untouched. A few statements post them all, however many.
    """
    checked = [_balanced(posting.legs) for posting in postings]
    if not checked:
        return []
    txn_ids = reserve_transaction_ids(len(checked))
    now = utcnow()
    by_id = by.id if by else None
    insert_rows(
        LedgerTransaction.__table__,
        [
            {
                "id": txn_id,
                "kind": kind.value,
                "memo": posting.memo,
                "donation_id": posting.donation_id,
                "created_at": now,
                "created_by_id": by_id,
            }
            for txn_id, posting in zip(txn_ids, postings, strict=True)
        ],
    )
    insert_rows(
        LedgerEntry.__table__,
        [
            {
                "transaction_id": txn_id,
                "account": leg.account.value,
                "amount_fen": leg.amount_fen,
                "pairing_id": leg.pairing_id,
                "sponsor_id": leg.sponsor_id,
                "campaign_id": leg.campaign_id,
                "created_at": now,
            }
            for txn_id, legs in zip(txn_ids, checked, strict=True)
            for leg in legs
        ],
    )
    _move_balances([leg for legs in checked for leg in legs])
    return txn_ids


def reserve_transaction_ids(count: int) -> list[int]:
    """Take `count` ledger transaction ids, so one multi-row INSERT can write them all.

    PostgreSQL draws them from the table's sequence. SQLite numbers them max(id) + 1 on: it has
    one writer at a time, and a writer whose snapshot went stale meanwhile is refused its first
    write (SQLITE_BUSY_SNAPSHOT) rather than reusing an id.
    """
    if is_postgresql():
        return list(
            db.session.scalars(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence('ledger_transactions', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            )
        )
    start = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(LedgerTransaction.id), 0)))
    return list(range(start + 1, start + 1 + count))


def _move_balances(legs: Sequence[Leg]) -> None:
    """Add legs to their accounts' running balances, creating a balance row on first use.

    Each row is first made to exist at zero (INSERT … ON CONFLICT DO NOTHING), then moved by an
    UPDATE that adds in place: two transactions posting to the same new account at once both
    land, instead of one failing on the primary key. (A single upsert would not do: the CHECK
    that funds are never overdrawn is tested on the row proposed for insertion.) Rows are
    touched in key order, so two bulk posts cannot deadlock on each other.
    """
    totals: dict[str, int] = {}
    first: dict[str, Leg] = {}
    for leg in legs:
        key = balance_key(leg.account, leg.pairing_id, leg.sponsor_id, leg.campaign_id)
        totals[key] = totals.get(key, 0) + leg.amount_fen
        first.setdefault(key, leg)
    keys = sorted(key for key, total in totals.items() if total)
    if not keys:
        return
    insert_rows(
        AccountBalance.__table__,
        [
            {
                "key": key,
                "account": first[key].account.value,
                "pairing_id": first[key].pairing_id
                if first[key].account == Account.RESTRICTED
                else None,
                "sponsor_id": first[key].sponsor_id
                if first[key].account == Account.SPONSOR_CREDIT
                else None,
                "campaign_id": first[key].campaign_id
                if first[key].account == Account.CAMPAIGN
                else None,
                "balance_fen": 0,
            }
            for key in keys
        ],
        skipping=("key",),
    )
    update_many(
        AccountBalance.__table__.c.key, "balance_fen", [(k, totals[k]) for k in keys], add=True
    )


def reverse(txn: LedgerTransaction, *, memo: str, by: User | None = None) -> LedgerTransaction:
    """Post the mirror image of `txn`; a transaction is reversed at most once."""
    if db.session.scalar(
        sa.select(LedgerTransaction.id).where(LedgerTransaction.reverses_id == txn.id)
    ):
        raise DomainError(_l("This transaction has already been reversed."))
    legs = [
        Leg(e.account, -e.amount_fen, e.pairing_id, e.sponsor_id, e.campaign_id)
        for e in txn.entries
    ]
    donation = db.session.get(Donation, txn.donation_id) if txn.donation_id else None
    return post(TransactionKind.REVERSAL, legs, donation=donation, reverses=txn, memo=memo, by=by)


def balance(
    account: Account,
    *,
    pairing_id: int | None = None,
    sponsor_id: int | None = None,
    campaign_id: int | None = None,
) -> int:
    """Return the running balance of one account (its sign as posted)."""
    key = balance_key(account, pairing_id, sponsor_id, campaign_id)
    value = db.session.scalar(
        sa.select(AccountBalance.balance_fen).where(AccountBalance.key == key)
    )
    return value or 0


def held_for_pairing(pairing_id: int) -> int:
    """Return the money held in a pairing's restricted fund, as a positive amount."""
    return -balance(Account.RESTRICTED, pairing_id=pairing_id)


def sponsor_credit(sponsor_id: int) -> int:
    """Return a sponsor's unused credit, as a positive amount."""
    return -balance(Account.SPONSOR_CREDIT, sponsor_id=sponsor_id)


def account_total(account: Account) -> int:
    """Return the sum of every running balance of an account (all pairings, all sponsors)."""
    value = db.session.scalar(
        sa.select(sa.func.sum(AccountBalance.balance_fen)).where(AccountBalance.account == account)
    )
    return int(value or 0)
