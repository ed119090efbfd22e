"""Deliver queued letters by email or SMS: claim one row at a time, send, record the outcome.

Delivery is at-least-once. A worker first claims a letter (status "sending", its own claim token
and the time) and commits that claim; then it talks to the server; then it records the outcome,
guarded by its token. If the process dies between the server's "250 OK" and the record, the
claim goes stale and `recover_stale_claims` puts the letter back in the queue after
CLAIM_TIMEOUT, so it is sent again rather than lost. A duplicate thank-you is a smaller harm than
a lost reminder; the Message-ID is the same on every attempt, so mail programs can spot a copy.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from sponsorship.bulk_sql import skip_locked
from sponsorship.extensions import db
from sponsorship.letters import email, sms
from sponsorship.letters.channels import (
    DeliveryError,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    UnresponsiveServerError,
)
from sponsorship.models import Letter
from sponsorship.models.enums import Channel, LetterStatus
from sponsorship.services.core import audit
from sponsorship.services.letters.text import fill

log = logging.getLogger(__name__)

#: A claim older than this belongs to a worker that died; its letter goes back to the queue.
CLAIM_TIMEOUT = timedelta(minutes=10)
#: The wait after the 1st, 2nd ... temporary failure; after the last, the letter fails.
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 240, 720))
MAX_ATTEMPTS = len(BACKOFF) + 1
#: Channels the delivery job sends; postal letters wait for the print queue.
SENT_CHANNELS = (Channel.EMAIL, Channel.SMS)


def recover_stale_claims(now: datetime) -> int:
    """Put letters whose claim is older than CLAIM_TIMEOUT back in the queue; return how many.

    A letter whose every attempt ended in a dead worker is failed instead, so that it cannot
    bring the workers down forever.
    """
    stale = (Letter.status == LetterStatus.SENDING, Letter.claimed_at < now - CLAIM_TIMEOUT)
    db.session.execute(
        sa.update(Letter)
        .where(*stale, Letter.attempts >= MAX_ATTEMPTS)
        .values(
            status=LetterStatus.FAILED,
            claim_token=None,
            claimed_at=None,
            last_error="gave up: the worker stopped during every attempt",
        )
        .execution_options(synchronize_session=False)
    )
    result = db.session.execute(
        sa.update(Letter)
        .where(*stale)
        .values(status=LetterStatus.QUEUED, claim_token=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def claim_next(now: datetime, channel: Channel | None = None) -> Letter | None:
    """Claim the oldest letter due for sending (by `channel`, or by any sent channel), or return
    None; no two callers get the same one.

    One UPDATE picks and claims the row: PostgreSQL skips rows another worker has locked; on
    SQLite the statement runs under the database's single write lock, and the status guard
    makes a lost race update nothing.
    """
    candidate = aliased(Letter)
    pick = (
        sa.select(candidate.id)
        .where(
            candidate.status == LetterStatus.QUEUED,
            candidate.channel.in_([channel] if channel else SENT_CHANNELS),
            sa.or_(candidate.next_attempt_at.is_(None), candidate.next_attempt_at <= now),
        )
        .order_by(candidate.id)
        .limit(1)
    )
    pick = skip_locked(pick)
    token = uuid.uuid4().hex
    result = db.session.execute(
        sa.update(Letter)
        .where(Letter.id == pick.scalar_subquery(), Letter.status == LetterStatus.QUEUED)
        .values(
            status=LetterStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=Letter.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    letter = db.session.scalar(sa.select(Letter).where(Letter.claim_token == token))
    db.session.refresh(letter)
    fill([letter])  # its text is rendered now, from its template version and data
    return letter


@dataclass(frozen=True)
class Claim:
    """A claimed letter as plain data: sending and recording need no read of the database.

    (On SQLite a transaction that reads and then writes can lose to a concurrent writer; one
    that starts with its write waits its turn.)
    """

    id: int
    token: str
    attempts: int
    channel: Channel
    to_address: str
    subject: str
    body: str
    dedupe_key: str
    claimed_at: datetime

    @classmethod
    def of(cls, letter: Letter) -> Claim:
        """Copy from a claimed letter what sending and recording need."""
        return cls(
            id=letter.id,
            token=letter.claim_token or "",
            attempts=letter.attempts,
            channel=letter.channel,
            to_address=letter.to_address,
            subject=letter.subject,
            body=letter.body,
            dedupe_key=letter.dedupe_key,
            claimed_at=letter.claimed_at or letter.created_at,
        )


def send_letter(claim: Claim, timeout: float | None = None) -> None:
    """Hand a claimed letter to its channel; raise DeliveryError when that fails.

    `timeout` caps, in seconds, how long the mail server may keep us waiting (the run's budget).
    """
    try:
        _send(claim, timeout)
    except DeliveryError:
        raise
    except TimeoutError as error:  # an SMS gateway that does not answer
        raise UnresponsiveServerError(f"{type(error).__name__}: {error}") from error
    except Exception as error:  # a bug or a broken adapter: retried with backoff, then given up
        log.exception("letter %s: unexpected error while sending", claim.id)
        raise TemporaryDeliveryError(f"{type(error).__name__}: {error}") from error


def _send(claim: Claim, timeout: float | None) -> None:
    if not claim.to_address:
        raise PermanentDeliveryError("no address to send to")
    config = current_app.config
    if claim.channel == Channel.EMAIL:
        settings = email.SmtpSettings.from_config(config)
        message = email.build_message(
            settings,
            claim.to_address,
            claim.subject,
            claim.body,
            email.letter_message_id(claim.id, claim.dedupe_key, settings.sender),
            claim.claimed_at,
        )
        email.send(settings, message, timeout=timeout)
    elif claim.channel == Channel.SMS:
        sms.load_sender(config).send(
            claim.to_address, f"【{claim.subject}】{claim.body}", reference=claim.dedupe_key
        )
    else:
        raise PermanentDeliveryError(f"channel {claim.channel} is not sent by the delivery job")


def record_sent(claim: Claim, now: datetime) -> LetterStatus | None:
    """Mark a claimed letter sent; None when the claim was lost meanwhile (nothing changes)."""
    return _finish(
        claim, status=LetterStatus.SENT, sent_at=now, last_error=None, next_attempt_at=None
    )


def _shown(message: str) -> str:
    """Keep the first part of a server's answer for staff to read.

    A mail server or SMS gateway may answer with pages of text; its first lines say what went
    wrong, and the letter is found again by its id, never by this text.
    """
    return message[:2000]


def record_failure(claim: Claim, error: DeliveryError, now: datetime) -> LetterStatus | None:
    """Schedule a retry after a temporary failure, or fail the letter with the server's words."""
    if error.temporary and claim.attempts < MAX_ATTEMPTS:
        wait = BACKOFF[min(claim.attempts, len(BACKOFF)) - 1]
        return _finish(
            claim,
            status=LetterStatus.QUEUED,
            next_attempt_at=now + wait,
            last_error=_shown(error.message),
        )
    reason = error.message if not error.temporary else f"gave up: {error.message}"
    status = _finish(claim, status=LetterStatus.FAILED, last_error=_shown(reason))
    if status is not None:
        audit.record("letter.failed", object_type="letters", object_id=claim.id, detail=reason)
    return status


def _finish(claim: Claim, *, status: LetterStatus, **values) -> LetterStatus | None:
    # The write comes first in its transaction, guarded by the claim token.
    result = db.session.execute(
        sa.update(Letter)
        .where(Letter.id == claim.id, Letter.claim_token == claim.token)
        .values(status=status, claim_token=None, claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    return status if result.rowcount == 1 else None
