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
from sqlalchemy.exc import IntegrityError

from sponsorship.bulk_sql import prefer_index_lookups, rows_table, skip_locked, update_many
from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import BackgroundWork, Payout, PayoutBatch, User
from sponsorship.models.enums import (
    Account,
    PayoutBatchStatus,
    PayoutDecision,
    PayoutStatus,
    TransactionKind,
)
from sponsorship.services.core import audit, background
from sponsorship.services.money.ledger_selected import SqlLeg, post_selected
from sponsorship.services.payouts import campaign_payouts
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
    return len(
        pay_chunk_ids(
            batch, paid_on=paid_on, size=size, only=only, bank_references=bank_references, by=by
        )
    )


def pay_chunk_ids(
    batch: PayoutBatch,
    *,
    paid_on: date,
    size: int = 500,
    only: Iterable[int] | None = None,
    bank_references: dict[int, str] | None = None,
    by: User | None = None,
    after: int = 0,
) -> list[int]:
    """`pay_chunk`, taking only payouts whose id is above `after`; return the ids it paid.

    A caller paying chunk by chunk starts each after the last id of the one before: finding
    the next unpaid payouts from the first id on re-reads every paid one (PostgreSQL walks
    the primary key), so paying a batch took time growing with the square of its size.
    """
    _ensure_payable(batch)
    refs = bank_references or {}
    _check_references(refs)
    prefer_index_lookups()
    # The chunk's payouts, read once with what paying them needs: every statement after
    # reads this copy (`_pay`), not the payouts table.
    cover = sa.case((Payout.general_fund_cover, Payout.shortfall_fen), else_=0)
    stmt = (
        unpaid(batch)
        .add_columns(Payout.pairing_id, Payout.funded_fen, cover, Payout.amount_fen)
        .where(Payout.id > after)
        .order_by(Payout.id)
        .limit(size)
    )
    if only is not None:
        stmt = stmt.where(Payout.id.in_(list(only)))
    rows = [tuple(row) for row in db.session.execute(skip_locked(stmt))]
    ids = [row[0] for row in rows]
    if not ids:
        return []
    if campaign_payouts.is_campaign_batch(batch):
        # A campaign's handout: its fund pays, and no letters go out (see campaign_payouts).
        campaign_payouts.pay(batch, ids, paid_on=paid_on, by=by)
        update_many(
            Payout.__table__.c.id,
            "bank_reference",
            [(pid, refs[pid]) for pid in ids if refs.get(pid)],
        )
        db.session.expire_all()
        close_if_done(batch, by=by)
        return ids
    _pay(batch, rows, paid_on, by)
    update_many(
        Payout.__table__.c.id, "bank_reference", [(pid, refs[pid]) for pid in ids if refs.get(pid)]
    )
    queue_payout_letters(ids, paid_on)
    db.session.expire_all()
    close_if_done(batch, by=by)
    return ids


def _check_references(refs: dict[int, str]) -> None:
    """Refuse a bank reference longer than its column, rather than store part of it."""
    limit = Payout.__table__.c.bank_reference.type.length
    for payout_id, ref in refs.items():
        if ref and len(ref) > limit:
            raise DomainError(
                _l(
                    "The bank reference of payout %(id)s is longer than %(limit)s characters.",
                    id=payout_id,
                    limit=limit,
                )
            )


def _pay(batch: PayoutBatch, rows: list[tuple], paid_on: date, by: User | None) -> None:
    """Post each payout's transaction, restricted (and general) → payouts, and mark it paid.

    `rows` are the chunk's payouts as (id, pairing, funded, general fund cover, amount). A few
    statements over them, whatever their number; they read these rows (`rows_table`), never
    the payouts table: right after a build PostgreSQL's statistics still describe the table
    before it, and a plan that searched it by status scanned every payout of the batch once
    per statement. The payouts turn paid in the statement that links their transactions, only
    if all of them were still waiting: the rows are the caller's (locked on PostgreSQL, the
    one writer on SQLite), and a mismatch undoes the chunk.
    """
    payouts = Payout.__table__
    unfunded = [key for key, _, funded, covered, amount in rows if funded + covered != amount]
    if unfunded:
        raise DomainError(
            _l("Payout %(id)s is not fully funded and cannot be paid.", id=unfunded[0]),
        )
    total = sum(row[4] for row in rows)
    source = rows_table(
        "paying",
        {
            "key": sa.BigInteger(),
            "pairing_id": sa.BigInteger(),
            "funded_fen": sa.BigInteger(),
            "cover_fen": sa.BigInteger(),
            "amount_fen": sa.BigInteger(),
        },
        rows,
    )
    count = len(rows)
    try:
        posted = post_selected(
            TransactionKind.PAYOUT,
            source,
            legs=[
                SqlLeg(Account.RESTRICTED, source.c.funded_fen, pairing_id=source.c.pairing_id),
                SqlLeg(Account.GENERAL, source.c.cover_fen),
                SqlLeg(Account.PAYOUTS, -source.c.amount_fen, pairing_id=source.c.pairing_id),
            ],
            # "payout " and the `payment_reference` of the payout: "<batch key>-<payout id>".
            memo=sa.literal(f"payout {batch.key}-", sa.String) + sa.cast(source.c.key, sa.String),
            by=by,
        )
    except IntegrityError as error:
        # The database refused to overdraw a fund (funds_never_overdrawn): the chunk is undone
        # and the work stops with a reason finance can act on, rather than being retried.
        raise DomainError(
            _l(
                "A fund no longer holds what this batch was approved with (the general fund "
                "covering shortfalls, or a pairing's fund): record the missing money, then "
                "record the payments again."
            )
        ) from error
    if posted is None:  # none of them was still waiting
        raise RuntimeError("payouts changed under the chunk; rolling it back")
    flipped = db.session.execute(
        sa.update(payouts)
        .where(payouts.c.id == posted.c.key, payouts.c.status == PayoutStatus.PROPOSED)
        .values(
            status=PayoutStatus.PAID,
            paid_on=paid_on,
            settled_at=utcnow(),
            transaction_id=posted.c.transaction_id,
        )
        .execution_options(synchronize_session=False)
    )
    if flipped.rowcount != count:
        raise RuntimeError("payouts changed under the chunk; rolling it back")
    audit.record("batch.paid_chunk", batch, detail=f"payouts={count} total_fen={total}", user=by)


def request_payment(
    batch: PayoutBatch,
    *,
    paid_on: date,
    only: dict[int, str] | None = None,
    by: User | None = None,
) -> BackgroundWork:
    """Queue paying the batch (or only the listed payouts, with their bank references).

    Paying 100,000 payouts outlives any web request: the request queues it and returns, and
    `work.background` pays chunk by chunk, its progress on the batch's page.
    """
    _ensure_payable(batch)
    _check_references(only or {})
    stmt = unpaid(batch)
    if only is not None:
        stmt = stmt.where(Payout.id.in_(list(only)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    if not total:
        raise DomainError(_l("No payout of this batch is waiting to be marked paid."))
    params: dict = {"paid_on": paid_on.isoformat()}
    if only is not None:
        params["only"] = {str(k): v for k, v in only.items()}
    return background.request(background.PAY_BATCH, batch.id, total=total, params=params, by=by)


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
    campaign_payouts.failed(payout, by=by)
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
