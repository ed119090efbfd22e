"""Queue letters to caring parents and guardians: the one call every other service uses.

The letters capability (Letter table, templates, delivery) replaces the body of `queue_letter`;
until then the intent is recorded as an audit event, so nothing the services ask for is lost.
"""

from __future__ import annotations

from enum import StrEnum

from sponsorship.services import audit


class LetterKind(StrEnum):
    SIGNUP_ACK = "signup_ack"
    APPROVAL = "approval"
    REJECTION = "rejection"
    PAIRING_NOTICE = "pairing_notice"
    PLEDGE_REMINDER = "pledge_reminder"
    OVERDUE_REMINDER = "overdue_reminder"
    DONATION_THANKS = "donation_thanks"
    PAYOUT_NOTICE = "payout_notice"
    CHILD_RECEIVED = "child_received"
    YEARLY_THANKS = "yearly_thanks"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a letter kind, not a secret


def queue_letter(kind: LetterKind, recipient: object, reference: str, **context: object) -> None:
    """Queue one letter of `kind` to `recipient` about `reference`; the three make it unique."""
    audit.record(
        "letter.intent",
        recipient,
        detail=f"kind={kind} reference={reference}",
    )
