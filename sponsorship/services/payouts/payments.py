"""Pay a batch's payouts: each one once, with its ledger transaction and its two letters.

`pay_chunk` pays up to `size` payouts in the caller's transaction; the caller commits after each
chunk. A payout turns paid in the same transaction as its ledger entries, so a crash loses a
whole chunk or nothing, and a re-run pays exactly the payouts still unpaid.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutBatch,
    User,
)
from sponsorship.models.enums import (
    Account,
    PayoutBatchStatus,
    PayoutDecision,
    PayoutStatus,
    TransactionKind,
)
from sponsorship.models.ledger import balance_key
from sponsorship.models.payout import payment_reference
from sponsorship.services.core import audit
from sponsorship.services.money import ledger
from sponsorship.services.payouts.letters import queue_payout_letters


def _ensure_payable(batch: PayoutBatch) -> None:
    if batch.status != PayoutBatchStatus.EXPORTED:
        raise DomainError(
            _l("Export the bank payment file before recording what was paid."),
        )


def unpaid(batch: PayoutBatch) -> sa.Select:
    """Select the ids of the batch's included payouts still waiting for the bank."""
    return sa.select(Payout.id).where(
        Payout.batch_id == batch.id,
        Payout.decision == PayoutDecision.INCLUDED,
        Payout.status == PayoutStatus.PROPOSED,
    )


def pay_chunk(
    batch: PayoutBatch,
    *,
    paid_on: date,
    size: int = 500,
    only: Iterable[int] | None = None,
    bank_references: dict[int, str] | None = None,
    by: User | None = None,
) -> int:
    """Mark up to `size` unpaid payouts paid, posting their ledger transactions; return how many."""
    _ensure_payable(batch)
    stmt = unpaid(batch).order_by(Payout.id).limit(size)
    if only is not None:
        stmt = stmt.where(Payout.id.in_(list(only)))
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(stmt))
    if not ids:
        return 0
    now = utcnow()
    flipped = db.session.execute(
        sa.update(Payout)
        .where(Payout.id.in_(ids), Payout.status == PayoutStatus.PROPOSED)
        .values(status=PayoutStatus.PAID, paid_on=paid_on, settled_at=now)
        .execution_options(synchronize_session=False)
    )
    if flipped.rowcount != len(ids):
        raise RuntimeError("payouts changed under the chunk; rolling it back")
    rows = db.session.execute(
        sa.select(
            Payout.id,
            Payout.pairing_id,
            Payout.amount_fen,
            Payout.funded_fen,
            Payout.shortfall_fen,
            Payout.general_fund_cover,
        )
        .where(Payout.id.in_(ids))
        .order_by(Payout.id)
    ).all()
    _post_ledger(batch, rows, by)
    refs = bank_references or {}
    if refs:
        _update_from(
            Payout.__table__.c.id,
            "bank_reference",
            [(pid, refs[pid][:80]) for pid in ids if refs.get(pid)],
            sa.String,
        )
    queue_payout_letters(ids, paid_on)
    db.session.expire_all()
    close_if_done(batch, by=by)
    return len(ids)


def _post_ledger(batch: PayoutBatch, rows, by: User | None) -> None:
    """Post one payout transaction per row, set-based: restricted (and general) → payouts."""
    txn_ids = _reserve_transaction_ids(len(rows))
    db.session.execute(
        sa.insert(LedgerTransaction.__table__),
        [
            {
                "id": txn_id,
                "kind": TransactionKind.PAYOUT.value,
                "memo": f"payout {payment_reference(batch.key, row.id)}",
                "created_at": utcnow(),
                "created_by_id": by.id if by else None,
            }
            for txn_id, row in zip(txn_ids, rows, strict=True)
        ],
    )
    entries, restricted, general, total = [], [], 0, 0
    for txn_id, row in zip(txn_ids, rows, strict=True):
        cover = row.shortfall_fen if row.general_fund_cover else 0
        if row.funded_fen + cover != row.amount_fen:
            raise DomainError(
                _l("Payout %(id)s is not fully funded and cannot be paid.", id=row.id),
            )
        if row.funded_fen:
            entries.append((txn_id, Account.RESTRICTED, row.funded_fen, row.pairing_id))
            restricted.append(
                (balance_key(Account.RESTRICTED, row.pairing_id, None), row.funded_fen)
            )
        if cover:
            entries.append((txn_id, Account.GENERAL, cover, None))
            general += cover
        entries.append((txn_id, Account.PAYOUTS, -row.amount_fen, row.pairing_id))
        total += row.amount_fen
    db.session.execute(
        sa.insert(LedgerEntry.__table__),
        [
            {
                "transaction_id": t,
                "account": a.value,
                "amount_fen": amt,
                "pairing_id": p,
                "created_at": utcnow(),
            }
            for t, a, amt, p in entries
        ],
    )
    table = AccountBalance.__table__
    if restricted:
        _update_from(table.c.key, "balance_fen", restricted, sa.BigInteger, add=True)
    _add_to_balance(Account.GENERAL, general)
    _add_to_balance(Account.PAYOUTS, -total)
    _update_from(
        Payout.__table__.c.id,
        "transaction_id",
        [(row.id, t) for t, row in zip(txn_ids, rows, strict=True)],
        sa.Integer,
    )
    audit.record(
        "batch.paid_chunk", batch, detail=f"payouts={len(rows)} total_fen={total}", user=by
    )


def _update_from(key_column, column: str, pairs: list[tuple], type_, *, add: bool = False) -> None:
    """Set (or add to) `column` for many rows: one UPDATE ... FROM (VALUES ...) on PostgreSQL,
    where a statement per row costs a round trip; an executemany on SQLite, where it does not."""
    if not pairs:
        return
    table = key_column.table
    if db.session.get_bind().dialect.name != "postgresql":
        new = sa.bindparam("new_v")
        db.session.execute(
            sa.update(table)
            .where(key_column == sa.bindparam("key_k"))
            .values({column: table.c[column] + new if add else new}),
            [{"key_k": k, "new_v": v} for k, v in pairs],
        )
        return
    values = sa.values(
        sa.column("k", key_column.type), sa.column("v", type_()), name="new_values"
    ).data(pairs)
    target = table.c[column] + values.c.v if add else values.c.v
    db.session.execute(sa.update(table).where(key_column == values.c.k).values({column: target}))


def _reserve_transaction_ids(count: int) -> list[int]:
    """Take `count` ledger transaction ids, so one multi-row INSERT can write them all.

    PostgreSQL draws them from the table's sequence. SQLite numbers rows max(id) + 1 on: the
    chunk's UPDATE of the payouts already holds the database's only write lock.
    """
    if db.session.get_bind().dialect.name == "postgresql":
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


def _add_to_balance(account: Account, amount_fen: int) -> None:
    if amount_fen:
        ledger.move_balance(ledger.Leg(account, amount_fen))


def mark_failed(payout: Payout, reason: str, *, by: User | None = None) -> None:
    """Record that the bank could not pay; the child can be re-issued in a later batch."""
    _ensure_payable(payout.batch)
    if payout.decision != PayoutDecision.INCLUDED or payout.status != PayoutStatus.PROPOSED:
        raise DomainError(_l("Only a payout waiting for the bank can fail."))
    if not reason.strip():
        raise DomainError(_l("A reason is required for a failed payout."))
    payout.status = PayoutStatus.FAILED
    payout.failure_reason = reason.strip()
    payout.settled_at = utcnow()
    db.session.flush()
    audit.record("payout.failed", payout, detail=payout.failure_reason, user=by)
    close_if_done(payout.batch, by=by)


def close_if_done(batch: PayoutBatch, *, by: User | None = None) -> bool:
    """Close an exported batch once no included payout waits for the bank."""
    if batch.status != PayoutBatchStatus.EXPORTED:
        return False
    if db.session.scalar(unpaid(batch).limit(1)) is not None:
        return False
    batch.status = PayoutBatchStatus.CLOSED
    batch.closed_at = utcnow()
    db.session.flush()
    audit.record("batch.closed", batch, detail=batch.key, user=by)
    return True
