"""Audit events: who did what to which object, when and from where. Append-only."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.types import UTCDateTime
from sponsorship.models.user import User


class AuditEvent(db.Model):
    """One recorded action: who did what to which object, when, and from which address."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Dotted verb: auth.login, auth.login_failed, access.denied, child.view, child.reveal ...
    action: Mapped[str] = mapped_column(sa.String(50), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(30))
    object_id: Mapped[str | None] = mapped_column(sa.String(40))
    #: Free text: the reason given, the name tried, the path denied. Never a secret.
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    ip: Mapped[str | None] = mapped_column(sa.String(45))

    user: Mapped[User | None] = relationship()
