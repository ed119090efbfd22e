"""Queue pledge and overdue reminders for instalments the money-in capability hands over.

The daily job of the pledges capability builds one `ReminderCandidate` per open instalment and
calls `queue_reminders`; the rules live in `sponsorship.letters.reminders`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from sponsorship.clock import local_zone
from sponsorship.extensions import db
from sponsorship.letters.reminders import InstalmentState, reminder_due
from sponsorship.models import Child, Instalment, Letter, Pairing, Pledge, Sponsor
from sponsorship.models.enums import LetterKind, PairingStatus
from sponsorship.models.pledge import OPEN_INSTALMENT
from sponsorship.services.core import settings
from sponsorship.services.letters.queue import queue_letter

SETTING_DAYS_BEFORE = "letters.reminder_days_before"


@dataclass(frozen=True)
class ReminderCandidate:
    """An open instalment as the reminder needs it."""

    instalment_id: int
    due_on: date
    outstanding_fen: int
    settled: bool
    sponsor: Sponsor
    child_name: str


def open_instalments(today: date) -> list[ReminderCandidate]:
    """Return the unpaid instalments of active pairings due within the reminder window."""
    horizon = today + timedelta(days=int(settings.get(SETTING_DAYS_BEFORE)))
    rows = db.session.execute(
        sa.select(Instalment, Sponsor, Child.name)
        .join(Pledge, Instalment.pledge_id == Pledge.id)
        .join(Pairing, Pledge.pairing_id == Pairing.id)
        .join(Sponsor, Pairing.sponsor_id == Sponsor.id)
        .join(Child, Pairing.child_id == Child.id)
        .where(
            Instalment.status.in_(OPEN_INSTALMENT),
            Instalment.due_on <= horizon,
            Pairing.status == PairingStatus.ACTIVE,
        )
        .order_by(Instalment.due_on, Instalment.id)
    )
    return [
        ReminderCandidate(
            instalment_id=instalment.id,
            due_on=instalment.due_on,
            outstanding_fen=instalment.amount_fen - instalment.paid_fen,
            settled=False,
            sponsor=sponsor,
            # Sponsors see the given name only, never the full name.
            child_name=child_name[1:] if len(child_name) >= 2 else child_name,
        )
        for instalment, sponsor, child_name in rows
    ]


def overdue_history(instalment_ids: Iterable[int]) -> dict[int, list[date]]:
    """Return, per instalment, the dates its overdue reminders were queued."""
    ids = list(instalment_ids)
    history: dict[int, list[date]] = {i: [] for i in ids}
    if not ids:
        return history
    rows = db.session.execute(
        sa.select(Letter.reference, Letter.created_at).where(
            Letter.kind == LetterKind.OVERDUE_REMINDER,
            Letter.reference.like("instalment:%:overdue:%"),
        )
    )
    for reference, created_at in rows:
        instalment_id = int(reference.split(":")[1])
        if instalment_id in history:
            history[instalment_id].append(_local_date(created_at))
    return history


def queue_reminders(candidates: Iterable[ReminderCandidate], today: date) -> int:
    """Queue today's reminders for the candidates; return how many letters were queued."""
    candidates = list(candidates)
    days_before = int(settings.get(SETTING_DAYS_BEFORE))
    history = overdue_history(c.instalment_id for c in candidates)
    queued = 0
    for candidate in candidates:
        state = InstalmentState(
            id=candidate.instalment_id,
            due_on=candidate.due_on,
            settled=candidate.settled or candidate.outstanding_fen <= 0,
            overdue_sent_on=history.get(candidate.instalment_id, []),
        )
        reminder = reminder_due(state, today, days_before)
        if reminder is None:
            continue
        letter = queue_letter(
            reminder.kind,
            candidate.sponsor,
            reminder.reference,
            amount_fen=candidate.outstanding_fen,
            due_on=candidate.due_on,
            child_name=candidate.child_name,
            reminder_number=reminder.number,
        )
        queued += letter is not None
    return queued


def _local_date(moment) -> date:
    return moment.astimezone(local_zone()).date()
