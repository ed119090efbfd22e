"""Recording a staged bank statement chunk by chunk, each chunk its own commit."""

from __future__ import annotations

import time
from collections.abc import Callable

from sponsorship.database import is_postgresql, sync_at_checkpoints
from sponsorship.extensions import db
from sponsorship.models import DonationBatch, User
from sponsorship.services.money.bank_statements import record_chunk

#: Lines recorded in the first chunk, and in every chunk on PostgreSQL.
CHUNK_LINES = 500
#: On SQLite, how long a chunk should hold the write lock (which every other writer waits for):
#: each chunk's size follows from how long the last one took, so a busy machine gets smaller
#: chunks rather than longer waits.
SQLITE_CHUNK_S = 0.25
FEWEST_LINES, MOST_LINES = 50, 5_000
#: How long the importer stands back before each chunk on SQLite, so another writer gets the
#: lock. A writer waiting on a busy SQLite file looks again every 100 ms at most (its busy
#: handler's longest sleep): a shorter gap is often missed, and the importer takes the lock back.
SQLITE_PAUSE_S = 0.1


def import_in_chunks(
    batch_id: int,
    *,
    by_id: int | None = None,
    size: int | None = None,
    pause_s: float | None = None,
    after_chunk: Callable[[int], None] | None = None,
) -> int:
    """Record every staged line of a donation batch, committing after each chunk; safe to re-run.

    Another clerk's save waits for one chunk, never for the whole statement. `size` fixes the
    lines per chunk (None: sized as above). PostgreSQL locks rows, not the file, and needs no
    pause (`pause_s` None: the default for the database). On SQLite the chunks' commits are
    flushed to the disk at checkpoints (`sync_at_checkpoints`, as when paying a batch): the lock
    is not held through a flush per chunk, and a power failure may undo the last chunks whole,
    which a re-run records again.
    """
    with sync_at_checkpoints():
        return _import_in_chunks(batch_id, by_id, size, pause_s, after_chunk)


def _import_in_chunks(batch_id, by_id, size, pause_s, after_chunk) -> int:
    sqlite = not is_postgresql()
    if pause_s is None:
        pause_s = SQLITE_PAUSE_S if sqlite else 0.0
    adaptive = size is None and sqlite
    size = size or CHUNK_LINES
    # A transaction the caller left open (on SQLite, loading a row takes the write lock) would
    # hold the lock through the first pause: it ends here, as every chunk's does.
    db.session.commit()
    total = 0
    while True:
        # Before every chunk, the first too: the caller has just committed (staged the file,
        # claimed the work), and a writer that waited through that should not wait through a chunk.
        if pause_s:
            time.sleep(pause_s)
        started = time.perf_counter()
        batch = db.session.get(DonationBatch, batch_id)
        by = db.session.get(User, by_id) if by_id else None
        done = record_chunk(batch, size=size, by=by)
        db.session.commit()
        if not done:
            return total
        if adaptive:
            size = next_size(size, time.perf_counter() - started)
        total += done
        if after_chunk:
            after_chunk(total)


def next_size(size: int, held_s: float) -> int:
    """Return the lines for the next chunk, so that it holds the lock about `SQLITE_CHUNK_S`."""
    wanted = size * SQLITE_CHUNK_S / max(held_s, 0.001)
    wanted = min(wanted, size * 2)  # one quick chunk (a cache warm, a quiet moment) is no trend
    return max(FEWEST_LINES, min(MOST_LINES, round(wanted)))
