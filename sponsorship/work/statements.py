"""Recording a staged bank statement chunk by chunk, each chunk its own commit."""

from __future__ import annotations

import time
from collections.abc import Callable

from sponsorship.database import is_postgresql
from sponsorship.extensions import db
from sponsorship.models import DonationBatch, User
from sponsorship.services.money.bank_statements import record_chunk

#: Lines recorded per transaction: a chunk holds SQLite's write lock for about a tenth of a second.
CHUNK_LINES = 500
#: How long the importer stands back between chunks on SQLite, so another writer gets the lock.
#: A writer waiting on a busy SQLite file looks again every 100 ms at most (its busy handler's
#: longest sleep): a shorter gap is often missed, and the importer takes the lock back at once.
SQLITE_PAUSE_S = 0.1


def import_in_chunks(
    batch_id: int,
    *,
    by_id: int | None = None,
    size: int = CHUNK_LINES,
    pause_s: float | None = None,
    after_chunk: Callable[[int], None] | None = None,
) -> int:
    """Record every staged line of a donation batch, committing after each chunk; safe to re-run.

    Another clerk's save waits for one chunk, never for the whole statement. PostgreSQL locks
    rows, not the file, and needs no pause (`pause_s` None: the default for the database).
    """
    if pause_s is None:
        pause_s = 0.0 if is_postgresql() else SQLITE_PAUSE_S
    # A transaction the caller left open (on SQLite, loading a row takes the write lock) would
    # hold the lock through the first pause: it ends here, as every chunk's does.
    db.session.commit()
    total = 0
    while True:
        # Before every chunk, the first too: the caller has just committed (staged the file,
        # claimed the work), and a writer that waited through that should not wait through a chunk.
        if pause_s:
            time.sleep(pause_s)
        batch = db.session.get(DonationBatch, batch_id)
        by = db.session.get(User, by_id) if by_id else None
        done = record_chunk(batch, size=size, by=by)
        db.session.commit()
        if not done:
            return total
        total += done
        if after_chunk:
            after_chunk(total)
