"""The rollover and overdue jobs: run twice, one effect; and `flask ledger verify`."""

from datetime import UTC, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs.registry import registry
from sponsorship.models import Instalment, Pledge
from sponsorship.models.enums import InstalmentStatus, PaymentFrequency
from sponsorship.work.job_runs import Outcome, run_job
from tests.conftest import count
from tests.factories import make_donation, make_pledge, make_sponsor


def test_rollover_job_runs_once_per_year_on_1_september():
    spec = registry()["pledge-rollover"]
    assert spec.cron == {"month": 9, "day": 1, "hour": 0, "minute": 45}
    pledge = make_pledge()
    assert run_job(spec, "2027") == Outcome.SUCCEEDED
    assert run_job(spec, "2027") == Outcome.SKIPPED
    assert count(Pledge, Pledge.pairing_id == pledge.pairing_id, Pledge.school_year == 2027) == 1


def test_overdue_job_marks_after_grace_days(frozen):
    pledge = make_pledge(frequency=PaymentFrequency.MONTHLY)
    frozen(datetime(2026, 10, 1, 2, tzinfo=UTC))  # 15 Sep + 15 days = 30 Sep
    spec = registry()["instalments-overdue"]
    assert run_job(spec) == Outcome.SUCCEEDED
    overdue = db.session.scalars(
        sa.select(Instalment.seq).where(
            Instalment.pledge_id == pledge.id, Instalment.status == InstalmentStatus.OVERDUE
        )
    ).all()
    assert overdue == [1]
    assert run_job(spec) == Outcome.SKIPPED


def test_ledger_verify_passes_and_fails_with_offenders(runner):
    make_donation(make_sponsor(), 12_345)
    ok = runner.invoke(args=["ledger", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "¥123.45" in ok.output
    db.session.execute(
        sa.text("UPDATE ledger_entries SET amount_fen = amount_fen + 1 WHERE account = 'bank'")
    )
    bad = runner.invoke(args=["ledger", "verify"])
    assert bad.exit_code == 1
    assert "legs sum to 1, not 0" in bad.output
