"""Fault injection: a statement import killed mid-chunk, then re-run, records each line once."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Donation, StatementLine
from sponsorship.services.money import bank_statements, donation_batches, ledger_check
from tests.conftest import count
from tests.factories import make_sponsor
from tests.jobs.conftest import kill_then_finish

LINES = 23
CHUNK = 5


@pytest.mark.commits
def test_a_killed_import_and_a_rerun_record_each_line_exactly_once(frozen):
    frozen(datetime(2026, 11, 30, 2, tzinfo=UTC))
    make_sponsor(mobile="13933330000")
    batch = donation_batches.open_batch("农商行11月", expected_count=LINES, expected_total_fen=0)
    text = "日期,金额,流水号,付款人,手机号\n" + "".join(
        f"2026-11-{1 + n % 28:02d},{n + 1},K{n},付款人{n},{'13933330000' if n % 2 else ''}\n"
        for n in range(LINES)
    )
    assert bank_statements.stage(batch, text) == (LINES, [])
    db.session.commit()
    batch_id = batch.id

    kill_then_finish(
        "tests.jobs.statement_import_worker",
        batch_id,
        rows=LINES,
        chunk=CHUNK,
        kept=lambda: count(Donation),
    )
    assert count(Donation) == LINES
    references = db.session.scalars(sa.select(Donation.bank_reference)).all()
    assert sorted(references) == sorted(f"K{n}" for n in range(LINES))
    assert count(StatementLine, StatementLine.donation_id.is_(None)) == 0
    linked = db.session.scalar(sa.select(sa.func.count(sa.distinct(StatementLine.donation_id))))
    assert linked == LINES
    assert ledger_check.verify() == []
