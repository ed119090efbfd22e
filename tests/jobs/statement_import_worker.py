"""A separate process that records a staged statement and kills itself (SIGKILL) in the chunk
holding its Nth line, once that chunk's donations are written and before its commit.

Usage: python -m tests.jobs.statement_import_worker DATABASE_URL BATCH_ID KILL_AT CHUNK
(KILL_AT 0: run to the end.)
"""

import os
import signal
import sys
from datetime import UTC, datetime

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.services.money import bank_statements
from sponsorship.work.statements import import_in_chunks


def main(url: str, batch_id: int, kill_at: int, chunk: int) -> None:
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        FROZEN_NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)

    app = create_app(Config)
    seen = 0
    record = bank_statements.record_donations

    def record_or_die(receipts, **values):
        nonlocal seen
        ids = record(receipts, **values)
        seen += len(receipts)
        if kill_at and seen >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)  # mid-chunk: donations flushed, not committed
        return ids

    bank_statements.record_donations = record_or_die
    with app.app_context():
        app.config["FROZEN_NOW"] = Config.FROZEN_NOW
        done = import_in_chunks(batch_id, size=chunk)
    print(f"recorded {done}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
