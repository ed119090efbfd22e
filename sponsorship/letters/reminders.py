"""When to remind a caring parent of an instalment: pure rules over plain data and a date.

- A pledge reminder N days before the due date (N is the `letters.reminder_days_before`
  setting, 30 by default), once.
- After the due date, an overdue reminder; at most MAX_OVERDUE of them, at least
  OVERDUE_INTERVAL apart.
- Nothing once the instalment is paid or waived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sponsorship.models.enums import LetterKind

MAX_OVERDUE = 3
OVERDUE_INTERVAL = timedelta(days=14)


@dataclass(frozen=True)
class InstalmentState:
    """What the rules need to know of one instalment."""

    id: int
    due_on: date
    #: Paid in full or waived: no more reminders.
    settled: bool
    #: The dates earlier overdue reminders were queued, in any order.
    overdue_sent_on: Sequence[date] = ()


@dataclass(frozen=True)
class Reminder:
    """A reminder to queue: its kind, its reference (part of the dedupe key) and its number."""

    kind: LetterKind
    reference: str
    number: int = 0


def due_reference(instalment_id: int) -> str:
    """Return the reference of an instalment's reminder before it falls due."""
    return f"instalment:{instalment_id}:due"


def overdue_reference(instalment_id: int, number: int) -> str:
    """Return the reference of an instalment's `number`th overdue reminder."""
    return f"instalment:{instalment_id}:overdue:{number}"


def reminder_due(state: InstalmentState, today: date, days_before: int) -> Reminder | None:
    """Return the reminder to queue today for an instalment, or None."""
    if state.settled:
        return None
    if today <= state.due_on:
        if today >= state.due_on - timedelta(days=days_before):
            # The dedupe key makes this once only, however many days the job runs in the window.
            return Reminder(LetterKind.PLEDGE_REMINDER, due_reference(state.id))
        return None
    sent = sorted(state.overdue_sent_on)
    if len(sent) >= MAX_OVERDUE:
        return None
    if sent and today - sent[-1] < OVERDUE_INTERVAL:
        return None
    number = len(sent) + 1
    return Reminder(LetterKind.OVERDUE_REMINDER, overdue_reference(state.id, number), number)
