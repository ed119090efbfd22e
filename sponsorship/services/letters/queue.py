"""Queue letters to caring parents and guardians: one at a time (`queue_letter`) or in bulk
(`queue_many`), both through the one row builder every other service relies on.

Every letter stores the template version in force and its plain data (the context); its text is
rendered from those two when it is delivered, printed or shown (`text.fill`), so queuing many
letters while money moves renders none. `queue_letter`, which serves one person's action, also
stores the text it renders at once (the same text `text.fill` renders). Its dedupe key (kind +
recipient + reference) is unique in the database: queuing the same letter again, by either path,
or two jobs racing to queue it, leaves exactly one row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.bulk_sql import insert_ignoring_conflicts, insert_rows
from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.letters.rendering import LANGUAGES, LetterTemplateError, default_text, render
from sponsorship.models import Guardian, Letter, Sponsor, User
from sponsorship.models.enums import Channel, LetterKind, LetterStatus, RecipientType
from sponsorship.services.core import audit
from sponsorship.services.letters import text
from sponsorship.services.letters.recipients import (
    Recipient,
    common_context,
    plain_context,
    recipient_of,
)
from sponsorship.services.letters.templates import current_text, flag_failure

log = logging.getLogger(__name__)

__all__ = [
    "LetterKind",
    "Pending",
    "dedupe_key",
    "letters_for_sponsor",
    "mark_printed",
    "postal_queue",
    "queue_letter",
    "queue_many",
    "queue_selected",
    "render_appeal",
    "resend",
]


def dedupe_key(kind: LetterKind, recipient_type: RecipientType, recipient_id: int, ref: str) -> str:
    """Return the key that makes a letter unique: kind, recipient and what it is about."""
    # A cut reference would make two different letters one: refuse it whole instead.
    if len(ref) > Letter.__table__.c.reference.type.length:
        raise ValueError(f"letter reference too long: {ref!r}")
    return f"{kind}|{recipient_type}:{recipient_id}|{ref}"


@dataclass(frozen=True)
class Pending:
    """A letter ready to queue: its recipient, what it is about, and its plain data.

    `context` is the whole data its template renders with (`common_context` included).
    """

    kind: LetterKind
    recipient: Recipient
    reference: str
    language: str
    context: dict


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
    row = _row(Pending(kind, who, reference, language, data), version, utcnow())
    row.update(subject=subject, body=body)
    # A racing job may have inserted the same key since the check: the database decides.
    letter_id = db.session.execute(
        _insert_new().values(**row).returning(Letter.__table__.c.id)
    ).scalar()
    if letter_id is None:
        return None
    letter = db.session.get(Letter, letter_id)
    audit.record("letter.queued", letter, detail=f"{kind} {who.channel} {reference}")
    return letter


def queue_many(letters: Sequence[Pending], *, about: str) -> int:
    """Queue letters in bulk, unrendered, skipping any queued before; return how many are new.

    The rows and their dedupe keys are the ones `queue_letter` writes (less the text, rendered
    when needed), so neither path can queue a letter the other already has. Like
    `queue_letter`, it skips the letters it finds already queued, and leaves a racing job's
    insert of the same key to the database (such a letter, queued meanwhile, is still counted
    as new here).
    """
    now = utcnow()
    versions: dict[tuple[LetterKind, str], int] = {}
    rows = {}
    for letter in letters:
        key = (letter.kind, letter.language)
        if key not in versions:
            versions[key] = current_text(*key)[2]
        row = _row(letter, versions[key], now)
        rows.setdefault(row["dedupe_key"], row)
    queued = set(
        db.session.scalars(sa.select(Letter.dedupe_key).where(Letter.dedupe_key.in_(rows)))
    )
    new = [row for key, row in rows.items() if key not in queued]
    if new:
        insert_rows(Letter.__table__, new, skipping=("dedupe_key",))
        audit.record("letter.queued_bulk", detail=f"{about} ({len(new)} letters)")
    return len(new)


def queue_selected(
    source: sa.Subquery, *, kinds: Iterable[LetterKind], language: str, about: str
) -> int:
    """Queue one letter per row of `source`, unrendered, in one INSERT … SELECT; return how many
    are new.

    `source` gives each letter's kind (one of `kinds`), recipient_type, recipient_id,
    region_id, reference, channel, recipient_name, to_address and context (JSON built in SQL);
    the rest of the row is what `_row` writes, the dedupe key included, so no path can queue a
    letter another already has: the database skips it.
    """
    letters = Letter.__table__
    kind = sa.cast(source.c.kind, sa.String)
    version = sa.case(
        *((kind == LetterKind(k).value, current_text(LetterKind(k), language)[2]) for k in kinds),
        else_=0,
    )
    # dedupe_key(kind, recipient_type, recipient_id, reference), in SQL
    dedupe = (
        kind
        + "|"
        + sa.cast(source.c.recipient_type, sa.String)
        + ":"
        + sa.cast(source.c.recipient_id, sa.String)
        + "|"
        + source.c.reference
    )
    now = utcnow()
    columns = {
        "kind": source.c.kind,
        "recipient_type": source.c.recipient_type,
        "recipient_id": source.c.recipient_id,
        "region_id": source.c.region_id,
        "reference": source.c.reference,
        "dedupe_key": dedupe,
        "channel": source.c.channel,
        "language": sa.literal(language, letters.c.language.type),
        "recipient_name": source.c.recipient_name,
        "to_address": source.c.to_address,
        "subject": sa.literal("", letters.c.subject.type),
        "body": sa.literal("", letters.c.body.type),
        "template_version": version,
        "context": source.c.context,
        "status": sa.literal(LetterStatus.QUEUED.value, sa.String),
        "attempts": sa.literal(0, sa.Integer),
        "created_at": sa.literal(now, letters.c.created_at.type),
    }
    before = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(letters.c.id), 0)))
    db.session.execute(
        _insert_new().from_select(
            list(columns),
            # SQLite: the WHERE keeps ON CONFLICT from reading as a join's ON.
            sa.select(*columns.values()).where(sa.true()),
        )
    )
    # The rows just written, found by their ids (no join again): counted here (the driver's
    # rowcount is -1 on PostgreSQL for this statement) and checked, refusing the caller's
    # transaction whole as `_row` refuses before writing.
    new, name, reference = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.max(sa.func.length(letters.c.recipient_name)),
            sa.func.max(sa.func.length(letters.c.reference)),
        ).where(letters.c.id > before)
    ).one()
    if not new:
        return 0
    if name > letters.c.recipient_name.type.length:
        raise DomainError(_l("The recipient's name is too long for a letter; shorten it first."))
    if reference > letters.c.reference.type.length:
        raise ValueError("letter reference too long")
    audit.record("letter.queued_bulk", detail=f"{about} ({new} letters)")
    return new


def _insert_new():
    """An INSERT into letters that leaves a letter with the same dedupe key as it is."""
    return insert_ignoring_conflicts(Letter.__table__, "dedupe_key")


def _row(letter: Pending, version: int, now: datetime) -> dict:
    """Build the letters row of a letter, its text left to render: the one place rows are made."""
    who = letter.recipient
    if len(who.name) > Letter.__table__.c.recipient_name.type.length:
        raise DomainError(_l("The recipient's name is too long for a letter; shorten it first."))
    return dict(
        kind=letter.kind,
        recipient_type=who.type,
        recipient_id=who.id,
        region_id=who.region_id,
        reference=letter.reference,
        dedupe_key=dedupe_key(letter.kind, who.type, who.id, letter.reference),
        channel=who.channel,
        language=letter.language,
        recipient_name=who.name,
        to_address=who.to_address,
        subject="",
        body="",
        template_version=version,
        context=text.encode(letter.context),
        status=LetterStatus.QUEUED,
        attempts=0,
        created_at=now,
    )


def _render(kind: LetterKind, language: str, data: dict) -> tuple[str, str, int]:
    """Render the active text; if an edited text breaks on real data, fall back to the built-in.

    A letter must never make the caller's action (a pairing, a donation) fail.
    """
    subject_src, body_src, version = current_text(kind, language)
    try:
        return (*text.compile_cached(subject_src, body_src, language)(data), version)
    except LetterTemplateError as error:
        log.exception(
            "letter template %s/%s v%s failed; using the built-in", kind, language, version
        )
        flag_failure(kind, language, version, error)
    return (*text.compile_cached(*default_text(kind, language), language)(data), 0)


def letters_for_sponsor(sponsor: Sponsor) -> list[Letter]:
    """Return the letters sent or queued to a caring parent, newest first (for the portal)."""
    letters = list(
        db.session.scalars(
            sa.select(Letter)
            .where(
                Letter.recipient_type == RecipientType.SPONSOR,
                Letter.recipient_id == sponsor.id,
            )
            .order_by(Letter.created_at.desc(), Letter.id.desc())
        )
    )
    text.fill(letters)
    return letters


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
