"""Fault injection: a payer process killed mid-chunk, then re-run, pays every child exactly once."""

from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import LedgerTransaction, Letter, Payout, PayoutBatch
from sponsorship.models.enums import (
    LetterKind,
    PayoutBatchStatus,
    PayoutStatus,
    Role,
    TransactionKind,
)
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch
from tests.conftest import count
from tests.factories import make_paid_pairing, make_user
from tests.jobs.conftest import kill_then_finish

CHILDREN = 24
CHUNK = 5


@pytest.mark.commits
def test_a_killed_payer_and_a_rerun_pay_each_child_exactly_once(runner):
    for _ in range(CHILDREN):
        make_paid_pairing()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    db.session.commit()
    batch_id = batch.id
    db.session.remove()  # end the read that batch.id began: on SQLite it holds the write lock

    # Killed while writing the letters of a random payout, inside its chunk's transaction.
    kill_then_finish(
        "tests.jobs.pay_batch_worker",
        batch_id,
        rows=CHILDREN,
        chunk=CHUNK,
        kept=lambda: count(Payout, Payout.status == PayoutStatus.PAID),
    )
    assert count(Payout, Payout.status == PayoutStatus.PAID) == CHILDREN
    assert count(LedgerTransaction, LedgerTransaction.kind == TransactionKind.PAYOUT) == CHILDREN
    transactions = db.session.scalar(sa.select(sa.func.count(sa.distinct(Payout.transaction_id))))
    assert transactions == CHILDREN
    assert count(Letter, Letter.kind == LetterKind.PAYOUT_NOTICE) == CHILDREN
    assert count(Letter, Letter.kind == LetterKind.CHILD_RECEIVED) == CHILDREN
    assert db.session.get(PayoutBatch, batch_id).status == PayoutBatchStatus.CLOSED
    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0, verified.output
