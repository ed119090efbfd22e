"""Pairings (结对帮扶): one caring parent, one child, with the matcher's reason."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models.child import Child
from sponsorship.models.enums import PairingStatus
from sponsorship.models.sponsor import Sponsor
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User

#: Statuses that hold a child: at most one such pairing per child, enforced by the database.
OPEN_STATUSES = (PairingStatus.PROPOSED, PairingStatus.ACTIVE)
_OPEN_SQL = sa.text("status IN (" + ", ".join(f"'{s.value}'" for s in OPEN_STATUSES) + ")")
#: A pair that was rejected, or paired and ended, is never proposed or paired again.
CLOSED_STATUSES = (PairingStatus.REJECTED, PairingStatus.ENDED)


class Pairing(db.Model):
    """A caring parent's sponsorship of one child, with the matcher's score and reason."""

    __tablename__ = "pairings"
    __table_args__ = (
        sa.Index(
            "uq_pairings_child_open",
            "child_id",
            unique=True,
            sqlite_where=_OPEN_SQL,
            postgresql_where=_OPEN_SQL,
        ),
        sa.Index("ix_pairings_sponsor_status", "sponsor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sponsor_id: Mapped[int] = mapped_column(sa.ForeignKey("sponsors.id"))
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("children.id"), index=True)
    status: Mapped[PairingStatus] = mapped_column(
        str_enum(PairingStatus), default=PairingStatus.PROPOSED
    )
    #: The matcher's cost for this pair: lower is better.
    score: Mapped[int | None]
    #: The matcher's reason in words staff understand: 同镇 · 小学 · 已等待 120 天 · 孤儿.
    reason: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_reason: Mapped[str | None] = mapped_column(sa.Text)
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    end_reason: Mapped[str | None] = mapped_column(sa.Text)

    sponsor: Mapped[Sponsor] = relationship()
    child: Mapped[Child] = relationship()
    confirmed_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Pairing {self.id} sponsor={self.sponsor_id} child={self.child_id} {self.status}>"

    def confirm(self, by: User) -> None:
        """Turn a proposal into an active pairing."""
        if self.status != PairingStatus.PROPOSED:
            raise DomainError(_l("Only a proposed pairing can be confirmed."))
        self.status = PairingStatus.ACTIVE
        self.confirmed_by = by
        self.confirmed_at = utcnow()

    def reject(self, reason: str) -> None:
        """Turn down a proposal; the matcher never proposes this pair again."""
        if self.status != PairingStatus.PROPOSED:
            raise DomainError(_l("Only a proposed pairing can be rejected."))
        if not reason.strip():
            raise DomainError(_l("A reason is required to reject a pairing."))
        self.status = PairingStatus.REJECTED
        self.rejected_reason = reason.strip()

    def end(self, on: date, reason: str) -> None:
        """End an active pairing, keeping it in the history."""
        if self.status != PairingStatus.ACTIVE:
            raise DomainError(_l("Only an active pairing can be ended."))
        if not reason.strip():
            raise DomainError(_l("A reason is required to end a pairing."))
        self.status = PairingStatus.ENDED
        self.ended_on = on
        self.end_reason = reason.strip()
