"""september_batch: one draft per year, whatever runs it how often, with the promotion before it."""

import threading
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

import sponsorship.jobs.scheduler as scheduler_module
from sponsorship.extensions import db
from sponsorship.jobs import payouts, school_year
from sponsorship.jobs.registry import registry
from sponsorship.jobs.scheduler import catch_up
from sponsorship.models import AuditEvent, JobRun, Payout, PayoutBatch
from sponsorship.models.enums import AidGroup, PayoutBatchStatus, SchoolStage
from sponsorship.services.core import settings
from sponsorship.work.job_runs import Outcome, run_job
from tests.conftest import count
from tests.factories import make_paid_pairing

SEPT_1_0800 = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


def assert_one_batch_one_payout_per_child(children: int) -> PayoutBatch:
    batches = list(db.session.scalars(sa.select(PayoutBatch)))
    assert [b.key for b in batches] == ["2026-09"]
    assert batches[0].status == PayoutBatchStatus.DRAFT
    assert count(Payout) == children
    children_paid = db.session.scalar(sa.select(sa.func.count(sa.distinct(Payout.child_id))))
    assert children_paid == children
    return batches[0]


def test_the_job_is_registered_after_the_promotion():
    ids = list(registry())
    assert ids.index("september_batch") > ids.index("promote_school_year")


def test_running_twice_builds_one_batch(frozen):
    frozen(SEPT_1_0800)
    make_paid_pairing()
    make_paid_pairing()
    assert run_job(payouts.SPEC) == Outcome.SUCCEEDED
    assert run_job(payouts.SPEC) == Outcome.SKIPPED
    assert run_job(payouts.SPEC, "2026", trigger="manual") == Outcome.SKIPPED
    assert_one_batch_one_payout_per_child(2)
    assert count(AuditEvent, AuditEvent.action == "batch.finance_notified") == 1


def test_a_batch_built_by_hand_first_is_left_alone(frozen):
    from sponsorship.services.payouts.build import build_batch

    frozen(SEPT_1_0800)
    make_paid_pairing()
    build_batch("2026-09", date(2026, 9, 1))
    assert run_job(payouts.SPEC) == Outcome.SUCCEEDED
    assert_one_batch_one_payout_per_child(1)


def test_a_missed_first_of_september_is_caught_up_once_after_the_promotion(app, frozen):
    frozen(datetime(2026, 8, 25, tzinfo=UTC))  # registered in the old school year
    pairing = make_paid_pairing(school_stage=SchoolStage.PRIMARY, grade=6)
    make_paid_pairing()
    original = scheduler_module.registry
    scheduler_module.registry = lambda: {s.id: s for s in (school_year.SPEC, payouts.SPEC)}
    try:
        frozen(datetime(2026, 9, 4, 2, 0, tzinfo=UTC))  # the server was down on 1 September
        outcomes = catch_up(app)
        assert outcomes == {
            "promote_school_year": Outcome.SUCCEEDED,
            "september_batch": Outcome.SUCCEEDED,
        }
        assert set(catch_up(app).values()) == {Outcome.SKIPPED}
    finally:
        scheduler_module.registry = original
    assert_one_batch_one_payout_per_child(2)
    # The batch was built after the promotion: grade 6 became junior middle 7.
    payout = db.session.scalar(sa.select(Payout).where(Payout.child_id == pairing.child_id))
    assert payout.aid_group == AidGroup.MIDDLE
    assert payout.amount_fen == settings.standard_fen(AidGroup.MIDDLE)


@pytest.mark.commits
def test_two_threads_build_exactly_one_batch(app, frozen):
    """Two schedulers (each its own connection) fire september_batch at the same moment."""
    frozen(SEPT_1_0800)
    for _ in range(3):
        make_paid_pairing()
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        with app.app_context():
            barrier.wait()
            outcomes.append(run_job(payouts.SPEC, "2026"))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == [Outcome.SKIPPED, Outcome.SUCCEEDED]
    assert_one_batch_one_payout_per_child(3)


def test_the_cli_pays_a_batch_and_a_rerun_pays_nothing(runner):
    from sponsorship.models.enums import PayoutStatus, Role
    from sponsorship.services.payouts import bank_file
    from sponsorship.services.payouts import review as batches
    from sponsorship.services.payouts.build import build_batch
    from tests.factories import make_user

    make_paid_pairing()
    make_paid_pairing()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE, username="kuaiji")
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    args = ["payouts", "pay", "2026-09", "--by", "kuaiji", "--paid-on", "2026-09-10"]
    first = runner.invoke(args=args)
    assert "2 payouts paid" in first.output, first.output
    second = runner.invoke(args=args)
    assert "0 payouts paid" in second.output
    assert count(Payout, Payout.status == PayoutStatus.PAID) == 2


def test_a_build_that_crashes_midway_leaves_no_batch_and_is_retried(frozen, monkeypatch):
    import sponsorship.services.payouts.build as payout_build

    frozen(SEPT_1_0800)
    make_paid_pairing()
    db.session.commit()  # what was there before the job, kept by the job's rollback

    def crash(*args, **kwargs):
        raise RuntimeError("power cut after the INSERT ... SELECT")

    monkeypatch.setattr(payout_build.audit, "record", crash)
    assert run_job(payouts.SPEC) == Outcome.FAILED
    assert count(PayoutBatch) == 0 and count(Payout) == 0
    monkeypatch.undo()
    assert run_job(payouts.SPEC, trigger="manual") == Outcome.SUCCEEDED  # retry takes the claim
    assert_one_batch_one_payout_per_child(1)


def test_a_september_with_no_child_to_pay_builds_no_batch_and_says_so(frozen):
    frozen(SEPT_1_0800)
    assert run_job(payouts.SPEC) == Outcome.SUCCEEDED
    assert count(PayoutBatch) == 0
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == "september_batch"))
    assert "没有结对的儿童" in run.summary
