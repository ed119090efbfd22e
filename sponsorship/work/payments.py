"""Paying a batch chunk by chunk, each chunk its own commit: a crash and a re-run pay each once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sponsorship.database import sync_at_checkpoints
from sponsorship.extensions import db
from sponsorship.models import PayoutBatch, User
from sponsorship.models.enums import PayoutBatchStatus
from sponsorship.services.payouts.payments import pay_chunk_ids


def pay_in_chunks(
    batch_id: int,
    *,
    paid_on: date,
    by_id: int | None = None,
    size: int = 2000,
    only: dict[int, str] | None = None,
    after_chunk: Callable[[int], None] | None = None,
) -> int:
    """Pay every unpaid payout of a batch, committing after each chunk; safe to re-run.

    On SQLite the chunks' commits are flushed to the disk at checkpoints rather than each
    (`sync_at_checkpoints`): a power failure may undo the last chunks, whole, never half of one.
    A chunk of 2,000 is a few statements that hold SQLite's write lock for about a quarter of a
    second: other writers wait that long at most, and per-chunk costs stay small.
    """
    with sync_at_checkpoints():
        return _pay_in_chunks(batch_id, paid_on, by_id, size, only, after_chunk)


def _pay_in_chunks(batch_id, paid_on, by_id, size, only, after_chunk) -> int:
    total = 0
    after = 0
    while True:
        # Reloaded each round: the commit expired it, and the last chunk may have closed it.
        batch = db.session.get(PayoutBatch, batch_id)
        if batch.status == PayoutBatchStatus.CLOSED:
            return total
        by = db.session.get(User, by_id) if by_id else None
        ids = pay_chunk_ids(
            batch,
            paid_on=paid_on,
            size=size,
            only=None if only is None else list(only),
            bank_references=only,
            by=by,
            after=after,
        )
        db.session.commit()
        if not ids:
            if after == 0:
                return total
            # Past the last id: once more from the start, for payouts another payer held.
            after = 0
            continue
        after = ids[-1]
        total += len(ids)
        if after_chunk:
            after_chunk(total)
