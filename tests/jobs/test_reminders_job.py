"""The daily reminder job: before due, overdue repeats, stop on payment — with a frozen clock."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs.registry import registry
from sponsorship.models import Letter
from sponsorship.models.enums import LetterKind, PaymentFrequency
from sponsorship.work.job_runs import Outcome, run_job
from tests.factories import make_donation, make_pledge


def run_on(frozen, day: date) -> Outcome:
    frozen(datetime(day.year, day.month, day.day, 2, tzinfo=UTC))
    return run_job(registry()["pledge-reminders"], day.isoformat())


def reminders() -> list[tuple[str, str]]:
    rows = db.session.execute(sa.select(Letter.kind, Letter.reference).order_by(Letter.id))
    return [(kind, reference) for kind, reference in rows if "instalment" in reference]


def test_reminder_before_due_then_overdue_at_most_three_times(frozen):
    pledge = make_pledge(frequency=PaymentFrequency.YEARLY)
    due = pledge.instalments[0].due_on
    assert due == date(2027, 8, 15)
    assert run_on(frozen, date(2027, 7, 1)) == Outcome.SUCCEEDED
    assert reminders() == []  # too early: the window opens 30 days before
    run_on(frozen, date(2027, 7, 20))
    run_on(frozen, date(2027, 7, 21))
    assert [kind for kind, _ in reminders()] == [LetterKind.PLEDGE_REMINDER]
    for day in (
        date(2027, 8, 16),
        date(2027, 8, 20),
        date(2027, 8, 30),
        date(2027, 9, 14),
        date(2027, 10, 1),
        date(2027, 11, 1),
    ):
        run_on(frozen, day)
    kinds = [kind for kind, _ in reminders()]
    assert kinds.count(LetterKind.OVERDUE_REMINDER) == 3
    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.PLEDGE_REMINDER))
    child_name = pledge.pairing.child.name
    assert child_name[1:] in letter.body and child_name not in letter.body


def test_no_reminder_once_paid(frozen):
    pledge = make_pledge(frequency=PaymentFrequency.YEARLY)
    make_donation(pledge.pairing.sponsor, pledge.amount_fen)
    # Both days ran (a failed run would also send nothing) and found nothing to remind.
    assert run_on(frozen, date(2027, 7, 20)) == Outcome.SUCCEEDED
    assert run_on(frozen, date(2027, 8, 20)) == Outcome.SUCCEEDED
    assert reminders() == []


def test_the_job_runs_once_a_day(frozen):
    pledge = make_pledge(frequency=PaymentFrequency.YEARLY)
    assert run_on(frozen, date(2027, 7, 20)) == Outcome.SUCCEEDED
    assert run_on(frozen, date(2027, 7, 20)) == Outcome.SKIPPED
    [(kind, _reference)] = reminders()  # one reminder, not one per run
    assert kind == LetterKind.PLEDGE_REMINDER
    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.PLEDGE_REMINDER))
    assert letter.recipient_id == pledge.pairing.sponsor_id
