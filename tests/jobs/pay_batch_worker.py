"""A separate process that pays a batch and kills itself (SIGKILL) at the Nth payout's letters
(after the chunk's ledger entries were written, before its commit).

Usage: python -m tests.jobs.pay_batch_worker DATABASE_URL BATCH_ID KILL_AT CHUNK
(KILL_AT 0: run to the end.)
"""

import os
import signal
import sys
from datetime import date

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.services.payouts import letters
from sponsorship.work.payments import pay_in_chunks


def main(url: str, batch_id: int, kill_at: int, chunk: int) -> None:
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    seen = 0
    given_name = letters.given_name  # called once per payout while its letters are built

    def name_or_die(name):
        nonlocal seen
        seen += 1
        if kill_at and seen == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)  # mid-chunk: ledger rows flushed, not committed
        return given_name(name)

    letters.given_name = name_or_die
    with app.app_context():
        paid = pay_in_chunks(batch_id, paid_on=date(2026, 9, 10), size=chunk)
    print(f"paid {paid}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
