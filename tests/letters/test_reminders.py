"""The reminder schedule: N days before due, at most 3 overdue 14 days apart, none once paid."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.letters.reminders import InstalmentState, reminder_due
from sponsorship.models import Letter
from sponsorship.models.enums import LetterKind
from sponsorship.services.core import settings
from sponsorship.services.letters.reminders import ReminderCandidate, queue_reminders
from tests import factories
from tests.conftest import count

DUE = date(2026, 8, 31)


def state(**kw) -> InstalmentState:
    return InstalmentState(**{"id": 9, "due_on": DUE, "settled": False, **kw})


def test_pledge_reminder_from_n_days_before_the_due_date():
    assert reminder_due(state(), DUE - timedelta(days=31), 30) is None
    first = reminder_due(state(), DUE - timedelta(days=30), 30)
    assert first.kind == LetterKind.PLEDGE_REMINDER and first.reference == "instalment:9:due"
    assert reminder_due(state(), DUE, 30).reference == "instalment:9:due"


def test_overdue_reminders_at_most_three_fourteen_days_apart():
    day1 = DUE + timedelta(days=1)
    first = reminder_due(state(), day1, 30)
    assert first.kind == LetterKind.OVERDUE_REMINDER and first.number == 1
    assert first.reference == "instalment:9:overdue:1"
    assert reminder_due(state(overdue_sent_on=[day1]), day1 + timedelta(days=13), 30) is None
    second = reminder_due(state(overdue_sent_on=[day1]), day1 + timedelta(days=14), 30)
    assert second.number == 2
    sent = [day1, day1 + timedelta(days=14), day1 + timedelta(days=28)]
    assert reminder_due(state(overdue_sent_on=sent), day1 + timedelta(days=100), 30) is None


def test_no_reminder_once_paid():
    for day in (DUE - timedelta(days=10), DUE + timedelta(days=20)):
        assert reminder_due(state(settled=True), day, 30) is None


def _run(frozen, sponsor, day: date, *, paid: bool = False) -> int:
    frozen(datetime(day.year, day.month, day.day, 1, tzinfo=UTC))
    candidate = ReminderCandidate(
        instalment_id=9,
        due_on=DUE,
        outstanding_fen=0 if paid else 100_000,
        settled=paid,
        sponsor=sponsor,
        child_name="小花",
    )
    return queue_reminders([candidate], day)


def test_a_daily_job_over_a_season_with_a_controlled_clock(frozen):
    sponsor = factories.make_letter_sponsor()
    queued = {}
    day = DUE - timedelta(days=40)
    while day <= DUE + timedelta(days=60):
        queued[day] = _run(frozen, sponsor, day)
        day += timedelta(days=1)
    days = [d for d, n in queued.items() if n]
    assert days == [
        DUE - timedelta(days=30),
        DUE + timedelta(days=1),
        DUE + timedelta(days=15),
        DUE + timedelta(days=29),
    ]
    assert count(Letter, Letter.kind == LetterKind.PLEDGE_REMINDER) == 1
    subjects = db.session.scalars(
        sa.select(Letter.subject)
        .where(Letter.kind == LetterKind.OVERDUE_REMINDER)
        .order_by(Letter.id)
    ).all()
    assert subjects == [f"认捐款逾期提醒（第{n}次）" for n in (1, 2, 3)]


def test_reminders_stop_as_soon_as_it_is_paid(frozen):
    sponsor = factories.make_letter_sponsor()
    assert _run(frozen, sponsor, DUE + timedelta(days=1)) == 1
    assert _run(frozen, sponsor, DUE + timedelta(days=15), paid=True) == 0
    assert count(Letter, Letter.kind == LetterKind.OVERDUE_REMINDER) == 1


def test_days_before_is_a_setting(frozen):
    settings.put("letters.reminder_days_before", 7)
    sponsor = factories.make_letter_sponsor()
    assert _run(frozen, sponsor, DUE - timedelta(days=8)) == 0
    assert _run(frozen, sponsor, DUE - timedelta(days=7)) == 1
