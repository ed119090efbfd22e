"""Letter templates: the active text of each kind and language, edits as new versions."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.letters.rendering import (
    LANGUAGES,
    LetterTemplateError,
    default_text,
    render,
    sample_context,
)
from sponsorship.models import AuditEvent, LetterTemplate, User
from sponsorship.models.enums import LetterKind
from sponsorship.services.core import audit
from sponsorship.services.core.link_lifetimes import valid_hours

#: The audit action that flags a saved version which broke when a letter was queued.
FAILED_ACTION = "letter_template.failed"


def active_template(kind: LetterKind, language: str) -> LetterTemplate | None:
    """Return the active saved version of a kind's text, or None while the built-in one applies."""
    return db.session.scalar(
        sa.select(LetterTemplate).where(
            LetterTemplate.kind == kind,
            LetterTemplate.language == language,
            LetterTemplate.active.is_(True),
        )
    )


def current_text(kind: LetterKind, language: str) -> tuple[str, str, int]:
    """Return (subject, body, version) in force; version 0 is the built-in text."""
    row = active_template(kind, language)
    if row is not None:
        return row.subject, row.body, row.version
    subject, body = default_text(kind, language)
    return subject, body, 0


def history(kind: LetterKind, language: str) -> list[LetterTemplate]:
    """Return every saved version of a kind's text, newest first."""
    return list(
        db.session.scalars(
            sa.select(LetterTemplate)
            .where(LetterTemplate.kind == kind, LetterTemplate.language == language)
            .order_by(LetterTemplate.version.desc())
        )
    )


def version(kind: LetterKind, language: str, number: int) -> LetterTemplate | None:
    """Return one saved version."""
    return db.session.scalar(
        sa.select(LetterTemplate).where(
            LetterTemplate.kind == kind,
            LetterTemplate.language == language,
            LetterTemplate.version == number,
        )
    )


def preview(kind: LetterKind, language: str, subject: str, body: str) -> tuple[str, str]:
    """Render a draft with the kind's example data; raise DomainError when it is broken.

    The sandbox limits loops, sizes and numbers (`letters/sandbox.py`), so a draft that renders
    here cannot take a worker down later; an error on other data still falls back at queue time.
    """
    _check_language(language)
    try:
        context = sample_context(kind, language, valid_hours=valid_hours(kind))
        return render(subject, body, context, language)
    except LetterTemplateError as error:
        raise DomainError(
            _l("The template has an error and cannot be rendered: %(error)s", error=str(error))
        ) from error


def save_template(
    kind: LetterKind, language: str, subject: str, body: str, *, by: User | None
) -> LetterTemplate:
    """Save a new version of a kind's text and make it the active one; old versions stay."""
    preview(kind, language, subject, body)
    latest = db.session.scalar(
        sa.select(sa.func.max(LetterTemplate.version)).where(
            LetterTemplate.kind == kind, LetterTemplate.language == language
        )
    )
    db.session.execute(
        sa.update(LetterTemplate)
        .where(LetterTemplate.kind == kind, LetterTemplate.language == language)
        .values(active=False)
        .execution_options(synchronize_session="fetch")
    )
    row = LetterTemplate(
        kind=kind,
        language=language,
        version=(latest or 0) + 1,
        subject=subject.strip(),
        body=body,
        active=True,
        created_by=by,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("letter_template.saved", row, detail=f"{kind} {language} v{row.version}")
    return row


def flag_failure(kind: LetterKind, language: str, number: int, error: Exception) -> None:
    """Record that a saved version broke on real data and the built-in text went instead.

    The admin sees the flag on the templates list and the editor until a new version is saved.
    Version 0 (the built-in text) is never flagged: it is the fallback.
    """
    row = version(kind, language, number) if number else None
    if row is None:
        return
    flagged = sa.select(AuditEvent.id).where(
        AuditEvent.action == FAILED_ACTION,
        AuditEvent.object_type == LetterTemplate.__tablename__,
        AuditEvent.object_id == str(row.id),
    )
    if db.session.scalar(flagged.limit(1)) is None:  # once per version, not once per letter
        audit.record(FAILED_ACTION, row, detail=f"{kind} {language} v{number}: {str(error)[:300]}")


def failed_templates() -> dict[tuple[str, str], str]:
    """Return the active versions that broke on real data: (kind, language) → the error."""
    rows = db.session.execute(
        sa.select(LetterTemplate.kind, LetterTemplate.language, AuditEvent.detail)
        .join(
            AuditEvent,
            sa.and_(
                AuditEvent.action == FAILED_ACTION,
                AuditEvent.object_type == LetterTemplate.__tablename__,
                AuditEvent.object_id == sa.cast(LetterTemplate.id, sa.String),
            ),
        )
        .where(LetterTemplate.active.is_(True))
        .order_by(AuditEvent.id)
    )
    return {(str(kind), language): detail for kind, language, detail in rows}


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise DomainError(_l("Unsupported language."))
