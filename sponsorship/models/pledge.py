"""Pledges (认捐): money a caring parent promises per child per school year, in instalments."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.enums import InstalmentStatus, PaymentFrequency, PledgeStatus
from sponsorship.models.pairing import Pairing
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User

#: Instalments that still expect money.
OPEN_INSTALMENT = (InstalmentStatus.DUE, InstalmentStatus.OVERDUE)


class Pledge(db.Model):
    """A caring parent's yearly promise for one pairing and school year, paid in instalments."""

    __tablename__ = "pledges"
    __table_args__ = (
        sa.UniqueConstraint("pairing_id", "school_year"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairings.id"), index=True)
    #: The school year by the year it starts: 2026 runs 2026-09-01 .. 2027-08-31.
    school_year: Mapped[int] = mapped_column(index=True)
    #: The yearly amount now in force, in fen; earlier amounts are in `changes`.
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    frequency: Mapped[PaymentFrequency] = mapped_column(str_enum(PaymentFrequency))
    status: Mapped[PledgeStatus] = mapped_column(
        str_enum(PledgeStatus), default=PledgeStatus.ACTIVE
    )
    #: True when the pledge started after the school year had begun.
    mid_year: Mapped[bool] = mapped_column(default=False)
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    end_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pairing: Mapped[Pairing] = relationship()
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="pledge", order_by="Instalment.seq", cascade="save-update, merge"
    )
    changes: Mapped[list[PledgeChange]] = relationship(
        back_populates="pledge", order_by="PledgeChange.id"
    )

    def __repr__(self) -> str:
        return f"<Pledge {self.id} pairing={self.pairing_id} {self.school_year} {self.amount_fen}>"


class Instalment(db.Model):
    """One part of a pledge: its due date, its amount and what has been paid."""

    __tablename__ = "instalments"
    __table_args__ = (
        sa.UniqueConstraint("pledge_id", "seq"),
        sa.CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        sa.CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="paid_within_amount"),
        sa.CheckConstraint(
            "(status = 'waived') = (waive_reason IS NOT NULL)", name="waived_has_reason"
        ),
        sa.Index("ix_instalments_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id"), index=True)
    #: 1, 2, ... in due-date order within the pledge.
    seq: Mapped[int]
    due_on: Mapped[date] = mapped_column(sa.Date)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    #: Sum of the live allocations to this instalment.
    paid_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    status: Mapped[InstalmentStatus] = mapped_column(
        str_enum(InstalmentStatus), default=InstalmentStatus.DUE
    )
    waive_reason: Mapped[str | None] = mapped_column(sa.Text)

    pledge: Mapped[Pledge] = relationship(back_populates="instalments")

    def __repr__(self) -> str:
        return (
            f"<Instalment {self.id} {self.due_on} {self.paid_fen}/{self.amount_fen} {self.status}>"
        )

    @property
    def outstanding_fen(self) -> int:
        """What is still owed; nothing for a waived instalment."""
        if self.status == InstalmentStatus.WAIVED:
            return 0
        return self.amount_fen - self.paid_fen


class PledgeChange(db.Model):
    """One change of a pledge's yearly amount: the history that is never overwritten."""

    __tablename__ = "pledge_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id"), index=True)
    old_amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    new_amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    #: The first instalment the new amount applies to; None when none was left unpaid.
    from_seq: Mapped[int | None]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    pledge: Mapped[Pledge] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship()
