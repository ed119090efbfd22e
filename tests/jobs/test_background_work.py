"""Background money work: claimed once, resumed by the scheduler when its runner died."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import BackgroundWork, Payout
from sponsorship.models.enums import PayoutBatchStatus, PayoutStatus, Role
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch
from sponsorship.services.payouts.payments import pay_chunk, request_payment
from sponsorship.work.background import STALE, claim, run, run_pending
from tests.conftest import count
from tests.factories import make_paid_pairing, make_user

NOW = datetime(2026, 9, 10, 2, tzinfo=UTC)


def _exported(n: int = 3):
    for _ in range(n):
        make_paid_pairing()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    return batch, finance


def test_a_second_request_is_refused_while_the_first_is_unfinished(frozen):
    frozen(NOW)
    batch, finance = _exported()
    request_payment(batch, paid_on=date(2026, 9, 10), by=finance)
    with pytest.raises(DomainError):
        request_payment(batch, paid_on=date(2026, 9, 10), by=finance)
    assert count(BackgroundWork) == 1


def test_work_whose_runner_died_is_resumed_by_the_scheduler_and_pays_each_once(frozen):
    frozen(NOW)
    batch, finance = _exported(3)
    work = request_payment(batch, paid_on=date(2026, 9, 10), by=finance)
    db.session.commit()
    taken = claim(work.id)
    assert taken is not None and claim(work.id) is None  # one runner at a time
    # The runner paid one chunk, then its process died: the row stays "running".
    first = db.session.scalar(sa.select(Payout.id).order_by(Payout.id))
    pay_chunk(batch, paid_on=date(2026, 9, 10), only=[first], by=finance)
    db.session.commit()
    assert run_pending() == 0  # its heartbeat is fresh: nobody takes it over yet

    frozen(NOW + STALE + timedelta(seconds=1))
    assert run_pending() == 1
    db.session.expire_all()
    work = db.session.get(BackgroundWork, work.id)
    assert work.status == "done" and work.finished_at is not None
    assert count(Payout, Payout.status == PayoutStatus.PAID) == 3


def test_work_refused_by_the_rules_ends_failed_with_the_reason(frozen):
    frozen(NOW)
    batch, finance = _exported(1)
    work = request_payment(batch, paid_on=date(2026, 9, 10), by=finance)
    db.session.commit()
    batch.status = PayoutBatchStatus.APPROVED  # the batch changed after the request
    db.session.commit()
    run(claim(work.id))
    db.session.expire_all()
    work = db.session.get(BackgroundWork, work.id)
    assert (work.status, work.error) == ("failed", "请先导出银行付款文件，再登记发放结果。")
    assert count(Payout, Payout.status == PayoutStatus.PAID) == 0
