"""Letters (倡议书, 感谢信, 提醒函): the one queue, and the editable templates they render from."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.enums import Channel, LetterKind, LetterStatus, RecipientType
from sponsorship.models.region import Region
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User


class Letter(db.Model):
    """One letter: its template version and plain data, rendered when delivered, printed or shown.

    Letters queued before the text moved to delivery time carry their rendered subject and body
    and no context; newer ones carry the context and render the same text every time.
    """

    __tablename__ = "letters"
    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_letters_status_channel_next", "status", "channel", "next_attempt_at"),
        sa.Index("ix_letters_recipient", "recipient_type", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LetterKind] = mapped_column(str_enum(LetterKind, 30), index=True)
    recipient_type: Mapped[RecipientType] = mapped_column(str_enum(RecipientType))
    recipient_id: Mapped[int]
    #: The recipient's region, so staff see only their own subtree's letters.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: What the letter is about: "donation:7", "instalment:9:overdue:2" ...
    reference: Mapped[str] = mapped_column(sa.String(120))
    #: kind + recipient + reference: no letter is ever created twice.
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    language: Mapped[str] = mapped_column(sa.String(5), default="zh")
    recipient_name: Mapped[str] = mapped_column(sa.String(100), default="")
    #: An email address, a mobile number, or the postal address block (lines joined by newlines).
    to_address: Mapped[str] = mapped_column(sa.Text, default="")
    #: Rendered from an editable template with the recipient's data: no natural limit. Empty
    #: while the letter waits to be rendered from `context` (see `text.fill`).
    subject: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    template_version: Mapped[int] = mapped_column(default=0)
    #: The plain data the template renders with (dates tagged, see services/letters/text.py);
    #: None for a letter stored already rendered.
    context: Mapped[dict | None] = mapped_column(sa.JSON)
    status: Mapped[LetterStatus] = mapped_column(
        str_enum(LetterStatus), default=LetterStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    #: Who holds the letter while it is being sent, and since when.
    claim_token: Mapped[str | None] = mapped_column(sa.String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When it was handed to the mail server or SMS gateway, or marked printed.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    printed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    printed_by: Mapped[User | None] = relationship()
    region: Mapped[Region | None] = relationship()

    def __repr__(self) -> str:
        return f"<Letter {self.id} {self.kind} {self.channel} {self.status}>"


class LetterTemplate(db.Model):
    """One version of a letter kind's text in one language; editing adds a version."""

    __tablename__ = "letter_templates"
    __table_args__ = (
        sa.UniqueConstraint("kind", "language", "version", name="uq_letter_templates_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LetterKind] = mapped_column(str_enum(LetterKind, 30))
    language: Mapped[str] = mapped_column(sa.String(5))
    version: Mapped[int]
    subject: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text)
    #: Only the newest version is active; older ones stay for the history.
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()
