"""Two builds at the same moment, on two connections: each child is included, and paid, once."""

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch
from sponsorship.models.enums import PayoutDecision, PayoutStatus, Role
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import NothingToPayError, build_batch
from sponsorship.services.payouts.payments import pay_chunk
from tests.factories import make_paid_pairing, make_user

CUTOFF = date(2026, 9, 1)


def busy(error: BaseException) -> bool:
    """SQLite lets one writer at a time: the later build may be refused whole, never half-done."""
    return isinstance(error, sa.exc.OperationalError) and "locked" in str(error)


@pytest.mark.commits
def test_two_builds_at_once_pay_each_child_once(app, dialect):
    children = {make_paid_pairing().child_id for _ in range(12)}
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    db.session.commit()
    staff_id, finance_id = staff.id, finance.id
    barrier = threading.Barrier(2)
    built: list[str] = []
    errors: list[BaseException] = []

    def build(key: str) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                build_batch(key, CUTOFF)
                db.session.commit()
                built.append(key)
            except BaseException as exc:  # judged below, not lost in the thread
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=build, args=(key,)) for key in ("2026-09", "补发-1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.rollback()  # a fresh snapshot after the threads' commits
    assert built, errors
    assert all(isinstance(e, NothingToPayError) or busy(e) for e in errors), errors
    included = db.session.execute(
        sa.select(Payout.child_id, sa.func.count())
        .where(Payout.decision == PayoutDecision.INCLUDED)
        .group_by(Payout.child_id)
    ).all()
    assert dict(included) == {child: 1 for child in children}

    staff, finance = (
        db.session.get(type(staff), staff_id),
        db.session.get(type(finance), finance_id),
    )
    for batch in db.session.scalars(sa.select(PayoutBatch).order_by(PayoutBatch.id)).all():
        batches.submit(batch, by=staff)
        batches.approve(batch, by=finance)
        bank_file.export(batch, "csv", by=finance)
        pay_chunk(batch, paid_on=CUTOFF, by=finance)
        db.session.commit()
    paid = db.session.execute(
        sa.select(Payout.child_id, sa.func.count())
        .where(Payout.status == PayoutStatus.PAID)
        .group_by(Payout.child_id)
    ).all()
    assert dict(paid) == {child: 1 for child in children}
