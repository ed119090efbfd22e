"""A separate process that pays a batch and kills itself (SIGKILL) while queuing the letters of
the chunk that holds the Nth payout (after the chunk's ledger entries were written and its
payouts marked paid, before its commit).

Usage: python -m tests.jobs.pay_batch_worker DATABASE_URL BATCH_ID KILL_AT CHUNK
(KILL_AT 0: run to the end.)
"""

import os
import signal
import sys
from datetime import date

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.services.payouts import payments
from sponsorship.work.payments import pay_in_chunks


def main(url: str, batch_id: int, kill_at: int, chunk: int) -> None:
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    seen = 0
    queue_letters = payments.queue_payout_letters  # called once per chunk, before its commit

    def letters_or_die(payout_ids, paid_on):
        nonlocal seen
        seen += len(payout_ids)
        if kill_at and seen >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)  # mid-chunk: ledger rows written, not committed
        return queue_letters(payout_ids, paid_on)

    payments.queue_payout_letters = letters_or_die
    with app.app_context():
        paid = pay_in_chunks(batch_id, paid_on=date(2026, 9, 10), size=chunk)
    print(f"paid {paid}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
