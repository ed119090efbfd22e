"""Queue letters to caring parents and guardians: the one call every other service uses.

Every letter is rendered once, when it is queued, and stored with its subject and body. Its
dedupe key (kind + recipient + reference) is unique in the database: queuing the same letter
again, or two jobs racing to queue it, leaves exactly one row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.letters.rendering import LANGUAGES, LetterTemplateError, default_text, render
from sponsorship.models import Guardian, Letter, Sponsor, User
from sponsorship.models.enums import Channel, LetterKind, LetterStatus, RecipientType
from sponsorship.services.core import audit
from sponsorship.services.letters.recipients import common_context, plain_context, recipient_of
from sponsorship.services.letters.templates import current_text

log = logging.getLogger(__name__)

__all__ = [
    "LetterKind",
    "dedupe_key",
    "letters_for_sponsor",
    "mark_printed",
    "postal_queue",
    "queue_letter",
    "render_appeal",
    "resend",
]


def dedupe_key(kind: LetterKind, recipient_type: RecipientType, recipient_id: int, ref: str) -> str:
    """Return the key that makes a letter unique: kind, recipient and what it is about."""
    return f"{kind}|{recipient_type}:{recipient_id}|{ref}"


def queue_letter(
    kind: LetterKind, recipient: Sponsor | Guardian, reference: str, **context: object
) -> Letter | None:
    """Queue one letter of `kind` to `recipient` about `reference`; the three make it unique.

    Returns the new letter, or None when this letter was queued before (by anyone). The
    optional `language` in the context picks the text ("zh" by default, or "en").
    """
    kind = LetterKind(kind)
    language = str(context.pop("language", None) or "zh")
    if language not in LANGUAGES:
        language = "zh"
    who = recipient_of(recipient, kind)
    key = dedupe_key(kind, who.type, who.id, reference)
    if db.session.scalar(sa.select(Letter.id).where(Letter.dedupe_key == key)) is not None:
        return None
    data = {**common_context(who.name, language), **plain_context(context, language)}
    subject, body, version = _render(kind, language, data)
    values = dict(
        kind=kind,
        recipient_type=who.type,
        recipient_id=who.id,
        region_id=who.region_id,
        reference=reference[:120],
        dedupe_key=key,
        channel=who.channel,
        language=language,
        recipient_name=who.name[:100],
        to_address=who.to_address[:400],
        subject=subject[:255],
        body=body,
        template_version=version,
        status=LetterStatus.QUEUED,
        attempts=0,
        created_at=utcnow(),
    )
    # A racing job may have inserted the same key since the check: the database decides.
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    stmt = (
        insert(Letter)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Letter.id)
    )
    letter_id = db.session.execute(stmt).scalar()
    if letter_id is None:
        return None
    letter = db.session.get(Letter, letter_id)
    audit.record("letter.queued", letter, detail=f"{kind} {who.channel} {reference}")
    return letter


def _render(kind: LetterKind, language: str, data: dict) -> tuple[str, str, int]:
    """Render the active text; if an edited text breaks on real data, fall back to the built-in.

    A letter must never make the caller's action (a pairing, a donation) fail.
    """
    subject_src, body_src, version = current_text(kind, language)
    try:
        return (*render(subject_src, body_src, data, language), version)
    except LetterTemplateError:
        log.exception(
            "letter template %s/%s v%s failed; using the built-in", kind, language, version
        )
    return (*render(*default_text(kind, language), data, language), 0)


def letters_for_sponsor(sponsor: Sponsor) -> list[Letter]:
    """Return the letters sent or queued to a caring parent, newest first (for the portal)."""
    return list(
        db.session.scalars(
            sa.select(Letter)
            .where(
                Letter.recipient_type == RecipientType.SPONSOR,
                Letter.recipient_id == sponsor.id,
            )
            .order_by(Letter.created_at.desc(), Letter.id.desc())
        )
    )


def resend(letter: Letter, *, by: User | None) -> None:
    """Put a failed email or SMS back in the queue to be tried again now."""
    if letter.status != LetterStatus.FAILED or letter.channel == Channel.POST:
        raise DomainError(
            _l("Only a failed email or SMS can be sent again."),
        )
    earlier = letter.attempts
    letter.status = LetterStatus.QUEUED
    letter.attempts = 0  # a full round of retries again
    letter.next_attempt_at = utcnow()
    letter.claim_token = None
    letter.claimed_at = None
    db.session.flush()
    audit.record(
        "letter.resend", letter, user=by, detail=f"after {earlier} attempts: {letter.last_error}"
    )


def postal_queue(stmt: sa.Select | None = None) -> sa.Select:
    """Return the query of postal letters waiting to be printed, oldest first."""
    stmt = stmt if stmt is not None else sa.select(Letter)
    return stmt.where(
        Letter.channel == Channel.POST, Letter.status == LetterStatus.QUEUED
    ).order_by(Letter.created_at, Letter.id)


def mark_printed(letters: Iterable[Letter], *, by: User | None) -> int:
    """Mark queued postal letters printed; return how many changed (others are left alone)."""
    done = 0
    now = utcnow()
    for letter in letters:
        if letter.channel != Channel.POST or letter.status != LetterStatus.QUEUED:
            continue
        letter.status = LetterStatus.PRINTED
        letter.sent_at = now
        letter.printed_by = by
        audit.record("letter.printed", letter, user=by)
        done += 1
    db.session.flush()
    return done


def render_appeal(language: str = "zh") -> tuple[str, str]:
    """Return the appeal (倡议书) as (title, text) for the landing page, addressed to everyone."""
    language = language if language in LANGUAGES else "zh"
    subject, body, _version = current_text(LetterKind.APPEAL, language)
    return render(subject, body, common_context("", language), language)
