"""Recording a staged bank statement chunk by chunk, each chunk its own commit."""

from __future__ import annotations

from collections.abc import Callable

from sponsorship.extensions import db
from sponsorship.models import DonationBatch, User
from sponsorship.services.money.bank_statements import record_chunk


def import_in_chunks(
    batch_id: int,
    *,
    by_id: int | None = None,
    size: int = 200,
    after_chunk: Callable[[int], None] | None = None,
) -> int:
    """Record every staged line of a donation batch, committing after each chunk; safe to re-run.

    A chunk of 200 lines holds the write lock for a fraction of a second: another clerk's
    save waits for one chunk, never for the whole statement.
    """
    total = 0
    while True:
        batch = db.session.get(DonationBatch, batch_id)
        by = db.session.get(User, by_id) if by_id else None
        done = record_chunk(batch, size=size, by=by)
        db.session.commit()
        if not done:
            return total
        total += done
        if after_chunk:
            after_chunk(total)
